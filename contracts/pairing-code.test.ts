import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  MAX_NAMEPLATE_LENGTH,
  SECRET_LENGTH,
  formatCode,
  generateSecret,
  isNameplate,
  parseCode,
  randomSymbols,
} from './pairing-code';

describe('pairing codes', () => {
  it('leaves look-alike characters out of the alphabet', () => {
    for (const confusable of ['0', 'O', '1', 'I', 'L']) expect(CODE_ALPHABET).not.toContain(confusable);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it('makes one online guess at a secret hopeless: at least 1 in 900,000 (issue 13)', () => {
    // The PAKE allows one guess per code; the secret's space is what that one guess is against.
    expect(CODE_ALPHABET.length ** SECRET_LENGTH).toBe(923_521);
    expect(generateSecret()).toHaveLength(4);
  });

  it('generates secrets from the alphabet only', () => {
    for (let i = 0; i < 200; i++) {
      const secret = generateSecret();
      expect(secret).toHaveLength(SECRET_LENGTH);
      for (const c of secret) expect(CODE_ALPHABET).toContain(c);
    }
  });

  it('rejects random bytes that would bias the distribution', () => {
    // 31 symbols: bytes >= 248 would favour the first 8 symbols, so they are skipped.
    const bytes = [255, 250, 248, 0, 30, 247];
    let call = 0;
    const fill = (buffer: Uint8Array) => {
      buffer.fill(0);
      for (let i = 0; i < buffer.length; i++) buffer[i] = bytes[call++] ?? 0;
      return buffer;
    };
    expect(randomSymbols(3, fill)).toBe(`${CODE_ALPHABET[0]}${CODE_ALPHABET[30]}${CODE_ALPHABET[247 % 31]}`);
  });

  it('uses every symbol about equally often', () => {
    const counts = new Map<string, number>();
    const draws = 31_000;
    const text = randomSymbols(draws);
    for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(31);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(800);
      expect(count).toBeLessThan(1200);
    }
  });

  it('formats as the nameplate, a dash and the secret', () => {
    expect(formatCode({ nameplate: 'K7M', secret: 'Q2XW' })).toBe('K7M-Q2XW');
  });

  it.each(['K7M-Q2XW', 'k7m-q2xw', 'k7m q2xw', ' K7MQ2XW ', 'k7m.q2xw', 'K-7-M-Q-2-X-W'])(
    'reads %j loosely',
    (input) => {
      expect(parseCode(input)).toEqual({ ok: true, code: { nameplate: 'K7M', secret: 'Q2XW' } });
    },
  );

  it('takes the secret from the end, so nameplates of any length read back', () => {
    const secret = 'Q2X'.padEnd(SECRET_LENGTH, 'Q');
    for (let length = 1; length <= MAX_NAMEPLATE_LENGTH; length++) {
      const nameplate = 'K7MABCDEFG'.slice(0, length);
      const code = { nameplate, secret };
      expect(parseCode(formatCode(code))).toEqual({ ok: true, code });
      expect(parseCode(`${nameplate}${secret}`.toLowerCase())).toEqual({ ok: true, code });
      expect(isNameplate(nameplate)).toBe(true);
    }
    expect(isNameplate('')).toBe(false);
    expect(isNameplate('K'.repeat(MAX_NAMEPLATE_LENGTH + 1))).toBe(false);
    expect(isNameplate('K0')).toBe(false);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['Q'.repeat(SECRET_LENGTH), 'too-short'],
    ['K7MABCD-Q2XW'.padEnd(8 + SECRET_LENGTH, 'Q'), 'too-long'],
    ['K0M-Q2XW', 'bad-character'],
    ['K7M-Q2!', 'bad-character'],
  ])('refuses %j as %s', (input, reason) => {
    const parsed = parseCode(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toBe(reason);
  });
});
