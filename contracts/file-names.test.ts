import { describe, expect, it } from 'vitest';
import {
  FALLBACK_NAME,
  MAX_PATH_DEPTH,
  MAX_SEGMENT_BYTES,
  clashName,
  pickFreeName,
  sanitizeRelativePath,
  sanitizeSegment,
  splitExtension,
} from './file-names';

const utf8Length = (text: string) => new TextEncoder().encode(text).byteLength;

/** The invariant every other test here is an instance of: nothing a peer sends escapes the folder. */
function expectSafe(segments: string[]) {
  expect(segments.length).toBeGreaterThan(0);
  expect(segments.length).toBeLessThanOrEqual(MAX_PATH_DEPTH);
  for (const segment of segments) {
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point.
    expect(segment).not.toMatch(/[<>:"|?*\\/\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(segment).not.toMatch(/^\.\.?$/);
    expect(segment).not.toMatch(/[$`]|%[^%]*%|^[~-]/);
    expect(segment).not.toMatch(/[. ]$/);
    expect(segment).not.toMatch(/^\s/);
    expect(segment.split('.')[0]?.trimEnd()).not.toMatch(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i);
    expect(utf8Length(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
  }
}

describe('sanitizeRelativePath: names from a peer never leave the receive folder', () => {
  it.each([
    ['../../x', ['x']],
    ['../../../etc/passwd', ['etc', 'passwd']],
    ['/etc/x', ['etc', 'x']],
    ['C:\\x', ['x']],
    ['c:/Windows/System32/drivers/etc/hosts', ['Windows', 'System32', 'drivers', 'etc', 'hosts']],
    ['\\\\server\\share\\x.txt', ['server', 'share', 'x.txt']],
    ['a/./b/../c.txt', ['a', 'b', 'c.txt']],
    ['..\\..\\evil.exe', ['evil.exe']],
    ['folder//nested///file', ['folder', 'nested', 'file']],
    ['..', [FALLBACK_NAME]],
    ['~', ['_']],
    ['~/.ssh/authorized_keys', ['_', '.ssh', 'authorized_keys']],
    ['$HOME/x', ['_HOME', 'x']],
    ['/', [FALLBACK_NAME]],
    ['', [FALLBACK_NAME]],
  ])('%j → %j', (input, expected) => {
    const segments = sanitizeRelativePath(input);
    expect(segments).toEqual(expected);
    expectSafe(segments);
  });

  it('keeps an ordinary folder structure exactly', () => {
    expect(sanitizeRelativePath('Photos/2024/Beach day/IMG_0001.jpg')).toEqual([
      'Photos',
      '2024',
      'Beach day',
      'IMG_0001.jpg',
    ]);
    expect(sanitizeRelativePath('文档/报告 v2.pdf')).toEqual(['文档', '报告 v2.pdf']);
  });

  it('folds folders nested deeper than MAX_PATH_DEPTH and keeps the file name', () => {
    const deep = `${Array.from({ length: 100 }, (_, i) => `d${i}`).join('/')}/leaf.txt`;
    const segments = sanitizeRelativePath(deep);
    expect(segments).toHaveLength(MAX_PATH_DEPTH);
    expect(segments.at(-1)).toBe('leaf.txt');
    expect(segments[0]).toBe('d0');
  });

  it('survives a fuzz of hostile characters', () => {
    const alphabet = [
      '.',
      '..',
      '/',
      '\\',
      ':',
      'C:',
      ' ',
      '\u0000',
      '\u202e',
      'con',
      'a',
      '*',
      '?',
      '"',
      '|',
      '中',
      '~',
      '$',
      '%',
      '`',
      '-',
      'HOME',
    ];
    // A deterministic walk over the alphabet (tests need no randomness to be thorough).
    for (let seed = 0; seed < 2000; seed++) {
      let n = seed;
      let input = '';
      for (let i = 0; i < 6; i++) {
        input += alphabet[n % alphabet.length];
        n = Math.floor(n / alphabet.length) + seed * 7 + i;
      }
      expectSafe(sanitizeRelativePath(input));
    }
  });
});

describe('sanitizeSegment', () => {
  it.each([
    ['con.txt', '_con.txt'],
    ['CON', '_CON'],
    ['Aux.tar.gz', '_Aux.tar.gz'],
    ['nul', '_nul'],
    ['com1.log', '_com1.log'],
    ['LPT9', '_LPT9'],
    ['com¹', '_com¹'],
    ['con .txt', '_con .txt'],
    ['console.txt', 'console.txt'],
    ['com10', 'com10'],
    ['a<b>c:d"e|f?g*h', 'a_b_c_d_e_f_g_h'],
    ['tab\there\nnew\u0000null\u007f', 'tab_here_new_null_'],
    ['name.   ', 'name'],
    ['trailing...', 'trailing'],
    ['...', FALLBACK_NAME],
    ['  spaced  ', 'spaced'],
    ['photo\u202egpj.exe', 'photo_gpj.exe'],
    ['.bashrc', '.bashrc'],
    // Words a shell or file manager expands never become names that look like them.
    ['~', '_'],
    ['~root', '_root'],
    ['$HOME', '_HOME'],
    ['${HOME}', '_{HOME}'],
    ['$(reboot)', '_(reboot)'],
    ['`reboot`', '_reboot_'],
    ['%APPDATA%', '_APPDATA_'],
    ['-rf', '_rf'],
    ['--help.txt', '_-help.txt'],
    ['a~b-c.txt', 'a~b-c.txt'],
    ['100% done.txt', '100% done.txt'],
    ['.', null],
    ['..', null],
    ['', null],
  ])('%j → %j', (input, expected) => {
    expect(sanitizeSegment(input)).toBe(expected);
  });

  it('normalizes to NFC so the same name compares equal on every platform', () => {
    expect(sanitizeSegment('cafe\u0301.txt')).toBe('café.txt');
  });

  it('cuts overlong names at a code point, keeping a short extension', () => {
    const long = `${'名'.repeat(300)}.jpeg`;
    const safe = sanitizeSegment(long) ?? '';
    expect(utf8Length(safe)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(safe.endsWith('.jpeg')).toBe(true);
    expect(safe.replace('.jpeg', '')).toMatch(/^名+$/);

    const noExtension = sanitizeSegment('x'.repeat(1000)) ?? '';
    expect(noExtension).toBe('x'.repeat(MAX_SEGMENT_BYTES));
  });

  it('does not end a cut name in a dot or space', () => {
    const safe = sanitizeSegment(`${'a'.repeat(MAX_SEGMENT_BYTES - 1)}   b`) ?? '';
    expect(safe).not.toMatch(/[. ]$/);
  });
});

describe('clash naming', () => {
  it.each([
    ['report.pdf', 1, 'report (1).pdf'],
    ['report.pdf', 12, 'report (12).pdf'],
    ['archive.tar.gz', 2, 'archive (2).tar.gz'],
    ['README', 1, 'README (1)'],
    ['.bashrc', 1, '.bashrc (1)'],
    ['photo.', 1, 'photo. (1)'],
    ['a.b.c', 3, 'a.b (3).c'],
    ['same', 0, 'same'],
  ])('%s #%d → %s', (name, n, expected) => {
    expect(clashName(name, n)).toBe(expected);
  });

  it('splits extensions as people expect', () => {
    expect(splitExtension('x.tar.bz2')).toEqual({ stem: 'x', extension: '.tar.bz2' });
    expect(splitExtension('.hidden')).toEqual({ stem: '.hidden', extension: '' });
  });

  it('picks the first free name, asking about each candidate', async () => {
    const taken = new Set(['a.txt', 'a (1).txt', 'a (2).txt']);
    expect(await pickFreeName('a.txt', (name) => taken.has(name))).toBe('a (3).txt');
    expect(await pickFreeName('b.txt', async (name) => taken.has(name))).toBe('b.txt');
    expect(await pickFreeName('c', () => true)).toBeNull();
  });
});
