import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FILE_DIGEST_BLOCK_BYTES } from '../../../../contracts/transfer';
import { FileDigest } from './file-digest';

const BLOCK = FILE_DIGEST_BLOCK_BYTES;

/** The definition, written out plainly: SHA-256 over the SHA-256 of each block. */
function reference(bytes: Uint8Array): string {
  const outer = createHash('sha256');
  for (let offset = 0; offset < bytes.byteLength; offset += BLOCK) {
    outer.update(
      createHash('sha256')
        .update(bytes.subarray(offset, offset + BLOCK))
        .digest(),
    );
  }
  return outer.digest('hex');
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
  return bytes;
}

// The renderer's implementation is tested against the same definition and the same fixed values
// (renderer/src/engine/transfer/file-digest.test.ts): that is what ties the two together.
describe('file digest (node:crypto)', () => {
  it('has fixed values that any implementation can check', () => {
    // Empty: no blocks, the SHA-256 of nothing. "abc": one block, so SHA-256(SHA-256("abc")).
    expect(new FileDigest().digestHex()).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(new FileDigest().update(new TextEncoder().encode('abc')).digestHex()).toBe(
      '4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358',
    );
  });

  it.each([0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 12_345])(
    'gives the same digest for %d bytes fed in uneven pieces',
    (length) => {
      const bytes = pattern(length);
      const expected = reference(bytes);
      const main = new FileDigest();
      // Frame-sized pieces do not line up with blocks: the digest must not care.
      for (let offset = 0; offset < length; offset += 262_128)
        main.update(bytes.subarray(offset, offset + 262_128));
      expect(main.digestHex()).toBe(expected);
    },
  );
});
