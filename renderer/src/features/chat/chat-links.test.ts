import { describe, expect, it } from 'vitest';
import { linkPieces } from './chat-links';

describe('links in chat messages', () => {
  it('finds http and https links among text, leaving sentence punctuation outside', () => {
    expect(linkPieces('see https://example.org/a?b=1. and http://x.test')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.org/a?b=1', href: 'https://example.org/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.test', href: 'http://x.test/' },
    ]);
  });

  it('keeps a parenthesis that belongs to the link', () => {
    const pieces = linkPieces('(https://en.wikipedia.org/wiki/Ferry_(boat))');
    expect(pieces[1]).toEqual({
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Ferry_(boat)',
      href: 'https://en.wikipedia.org/wiki/Ferry_(boat)',
    });
    expect(pieces[2]).toEqual({ kind: 'text', text: ')' });
  });

  it('never makes links of other schemes', () => {
    expect(linkPieces('javascript:alert(1) file:///etc/passwd ferry://pair/ABC')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) file:///etc/passwd ferry://pair/ABC' },
    ]);
  });

  it('leaves text without links whole', () => {
    expect(linkPieces('hello')).toEqual([{ kind: 'text', text: 'hello' }]);
    expect(linkPieces('')).toEqual([]);
  });
});
