import { describe, expect, it } from 'vitest';
import { Sha256, sha256Hex } from './sha256';

const ascii = (text: string) => new TextEncoder().encode(text);
/** WebCrypto's one-shot digest, the reference (the engine cannot import node:crypto). */
async function referenceSha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes.slice()));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic bytes that are not all alike (a zero-filled buffer would hide schedule bugs). */
function pattern(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

describe('streaming SHA-256', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [
      'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    ],
  ])('matches the FIPS 180-4 example %j', (input, expected) => {
    expect(sha256Hex(ascii(input))).toBe(expected);
  });

  it('matches WebCrypto at every length around the block and padding boundaries', async () => {
    for (let length = 0; length <= 200; length++) {
      const bytes = pattern(length, length + 1);
      expect(sha256Hex(bytes), `length ${length}`).toBe(await referenceSha256(bytes));
    }
  });

  it('gives the same digest however the input is split into updates', async () => {
    const bytes = pattern(300_001);
    const expected = await referenceSha256(bytes);
    for (const step of [1, 7, 63, 64, 65, 4096, 262_128]) {
      const hash = new Sha256();
      for (let offset = 0; offset < bytes.length; offset += step)
        hash.update(bytes.subarray(offset, offset + step));
      expect(hash.length).toBe(bytes.length);
      expect(hash.digestHex(), `step ${step}`).toBe(expected);
    }
  });

  it('refuses updates after the digest', () => {
    const hash = new Sha256().update(ascii('x'));
    hash.digestHex();
    expect(() => hash.update(ascii('y'))).toThrow();
  });
});
