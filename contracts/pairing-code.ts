/**
 * Pairing codes: what one person reads out and the other types.
 *
 * A code has a public part, the nameplate, which is all the signaling service ever stores, and a
 * secret part that never reaches the service; the two devices check the secret end to end. Shown
 * grouped as `K7M-Q2XW`: the first group is the nameplate, the second the secret.
 *
 * The alphabet leaves out characters that are easy to confuse when read aloud or handwritten
 * (0/O, 1/I/L), so 31 symbols remain.
 *
 * The nameplate has a variable length: the service hands out the lowest free one (as
 * magic-wormhole does), so codes are as short as the service's load allows (`7-Q2XW` on a quiet
 * service) and the nameplate grows by a symbol whenever the shorter ones are all taken, which is
 * what keeps the space from ever running out. The secret has a fixed length, so a typed code is
 * split from its end: the last SECRET_LENGTH symbols are the secret, the rest the nameplate.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const MIN_NAMEPLATE_LENGTH = 1;
/** 31^6 ≈ 887 million nameplates: far beyond what per-address caps let any service hold open. */
export const MAX_NAMEPLATE_LENGTH = 6;
/**
 * 31⁴ = 923,521 secrets (~19.8 bits), one symbol more than the 3 (29,791) this started with. With
 * the PAKE (docs/pairing-security.md) an attacker gets one online guess per code and each failure
 * burns the code and shows on the person's screen, so the secret only has to make one guess
 * hopeless: 1 in 923,521 is ~14 times better odds for the person than magic-wormhole's default
 * (two words from 256-word lists, 1 in 65,536), for one more character typed.
 */
export const SECRET_LENGTH = 4;

export interface PairingCode {
  /** Public part: stored by the signaling service to put the two devices in touch. */
  readonly nameplate: string;
  /** Secret part: known only to the two people; checked between the devices. */
  readonly secret: string;
}

export type CodeParseError = 'empty' | 'too-short' | 'too-long' | 'bad-character';

export type CodeParseResult =
  | { readonly ok: true; readonly code: PairingCode }
  | { readonly ok: false; readonly reason: CodeParseError; readonly character?: string };

type RandomFill = (bytes: Uint8Array) => Uint8Array;

const defaultRandomFill: RandomFill = (bytes) => globalThis.crypto.getRandomValues(bytes);

/**
 * Draws `length` symbols uniformly from the alphabet with crypto randomness. Bytes at or above the
 * largest multiple of the alphabet size are rejected so that no symbol is more likely than another.
 */
export function randomSymbols(length: number, randomFill: RandomFill = defaultRandomFill): string {
  const limit = 256 - (256 % CODE_ALPHABET.length);
  let out = '';
  while (out.length < length) {
    const bytes = randomFill(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte < limit && out.length < length) out += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    }
  }
  return out;
}

export function generateSecret(randomFill?: RandomFill): string {
  return randomSymbols(SECRET_LENGTH, randomFill);
}

/** `K7M-Q2XW`: how a code is shown and read out. */
export function formatCode(code: PairingCode): string {
  return `${code.nameplate}-${code.secret}`;
}

/**
 * Reads what a person typed or pasted: case does not matter, and spaces, dashes, dots and
 * underscores are ignored, so `k7m q2xw`, `K7M-Q2XW` and `k7mq2xw` are the same code.
 */
export function parseCode(input: string): CodeParseResult {
  const compact = input.toUpperCase().replace(/[\s\-._]/g, '');
  if (compact.length === 0) return { ok: false, reason: 'empty' };
  for (const character of compact) {
    if (!CODE_ALPHABET.includes(character)) return { ok: false, reason: 'bad-character', character };
  }
  if (compact.length < MIN_NAMEPLATE_LENGTH + SECRET_LENGTH) return { ok: false, reason: 'too-short' };
  if (compact.length > MAX_NAMEPLATE_LENGTH + SECRET_LENGTH) return { ok: false, reason: 'too-long' };
  const split = compact.length - SECRET_LENGTH;
  return { ok: true, code: { nameplate: compact.slice(0, split), secret: compact.slice(split) } };
}

export function isNameplate(value: string): boolean {
  return (
    value.length >= MIN_NAMEPLATE_LENGTH &&
    value.length <= MAX_NAMEPLATE_LENGTH &&
    [...value].every((c) => CODE_ALPHABET.includes(c))
  );
}
