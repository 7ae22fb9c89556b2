import { afterEach, describe, expect, it, vi } from 'vitest';
import { computeCodeProof, proofsEqual } from './code-proof';

const code = { nameplate: 'K7M', secret: 'Q2X' };

/** The proof as WebCrypto computes it: the reference the noble hash must match byte for byte. */
async function webCryptoProof(role: string): Promise<string> {
  const input = new TextEncoder().encode(`ferry-code-proof/1\nK7M\nQ2X\n${role}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

describe('code proof', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('is the SHA-256 of nameplate, secret and role, as WebCrypto computes it', async () => {
    expect(await computeCodeProof(code, 'opener')).toBe(await webCryptoProof('opener'));
    expect(await computeCodeProof(code, 'joiner')).toBe(await webCryptoProof('joiner'));
    expect(await computeCodeProof(code, 'opener')).not.toBe(await computeCodeProof(code, 'joiner'));
  });

  it('needs no WebCrypto: a page on http://<LAN address> has no crypto.subtle', async () => {
    const expected = await webCryptoProof('joiner');
    // What an insecure context exposes: getRandomValues, and no `subtle`.
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    expect(globalThis.crypto.subtle).toBeUndefined();
    expect(await computeCodeProof(code, 'joiner')).toBe(expected);
  });

  it('tells a wrong secret apart', async () => {
    const right = await computeCodeProof(code, 'joiner');
    const wrong = await computeCodeProof({ ...code, secret: 'Q2Y' }, 'joiner');
    expect(proofsEqual(right, right)).toBe(true);
    expect(proofsEqual(right, wrong)).toBe(false);
  });
});
