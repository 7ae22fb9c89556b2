import { describe, expect, it } from 'vitest';
import { FILE_DIGEST_BLOCK_BYTES } from '../../../../contracts/transfer';
import { FileDigest, hashWhileReading, scriptBlockHasher } from './file-digest';

const BLOCK = FILE_DIGEST_BLOCK_BYTES;
const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** The definition, written out plainly with one-shot WebCrypto: SHA-256 over the SHA-256 of each block. */
async function reference(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digests: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += BLOCK) {
    digests.push(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice(offset, offset + BLOCK))));
  }
  const joined = new Uint8Array(digests.length * 32);
  digests.forEach((digest, i) => joined.set(digest, i * 32));
  return hex(await crypto.subtle.digest('SHA-256', joined));
}

function pattern(length: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}

// The main process computes the same digest with node:crypto, tested against the same definition
// and the same fixed values (electron/main/services/files/file-digest.test.ts).
describe('file digest (WebCrypto blocks, and the script fallback)', () => {
  it('has fixed values that any implementation can check', async () => {
    expect(await new FileDigest().digestHex()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const abc = new FileDigest();
    await abc.update(new TextEncoder().encode('abc'));
    expect(await abc.digestHex()).toBe('4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358');
  });

  it.each([0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12_345])(
    'gives the definition’s digest for %d bytes fed in frame-sized pieces',
    async (length) => {
      const bytes = pattern(length);
      const native = new FileDigest();
      const script = new FileDigest(scriptBlockHasher);
      for (let offset = 0; offset < length; offset += 262_128) {
        await native.update(bytes.subarray(offset, offset + 262_128));
        await script.update(bytes.subarray(offset, offset + 262_128));
      }
      const expected = await reference(bytes);
      expect(await native.digestHex()).toBe(expected);
      expect(await script.digestHex()).toBe(expected);
      expect(native.length).toBe(length);
    },
  );

  it.each([
    ['block-sized reads', [BLOCK, 2 * BLOCK, 3 * BLOCK, 4 * BLOCK, 5 * BLOCK, 5 * BLOCK + 7]],
    [
      'a resume prefix ending inside a block, then reads up to block boundaries',
      [BLOCK + 100, 2 * BLOCK, 3 * BLOCK, 4 * BLOCK, 4 * BLOCK + 3],
    ],
    ['a read of several blocks at once', [3 * BLOCK, 4 * BLOCK, 7 * BLOCK]],
  ])('gives the definition’s digest for %s', async (_what, ends) => {
    const bytes = pattern(ends[ends.length - 1] ?? 0);
    const digest = new FileDigest();
    let offset = 0;
    for (const end of ends) {
      await digest.update(bytes.slice(offset, end));
      offset = end;
    }
    expect(await digest.digestHex()).toBe(await reference(bytes));
  });

  it('lets the caller reuse its buffer as soon as update has returned its promise', async () => {
    const bytes = pattern(2 * BLOCK + 5);
    const expected = await reference(bytes.slice());
    const digest = new FileDigest();
    const updating = digest.update(bytes);
    bytes.fill(0xee);
    await updating;
    expect(await digest.digestHex()).toBe(expected);
  });
});

describe('hashWhileReading', () => {
  it('hashes reads in the order they were asked for, whatever order they finish in', async () => {
    const bytes = pattern(3 * BLOCK + 123);
    const finish: (() => void)[] = [];
    const reader = hashWhileReading(
      (offset, length) =>
        new Promise<Uint8Array>((resolve) =>
          finish.push(() => resolve(bytes.slice(offset, offset + length))),
        ),
    );
    const cuts = [0, 1000, BLOCK + 7, 2 * BLOCK, bytes.byteLength];
    const reads = cuts.slice(1).map((end, index) => reader.read(cuts[index] ?? 0, end - (cuts[index] ?? 0)));
    // The last read finishes first, the first one last.
    for (const done of [...finish].reverse()) done();
    await Promise.all(reads);
    expect(await reader.digestHex()).toBe(await reference(bytes));
  });
});
