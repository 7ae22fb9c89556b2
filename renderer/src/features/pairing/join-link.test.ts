import { describe, expect, it } from 'vitest';
import { codeFromJoinLink, joinLinkFor } from './join-link';

describe('join links', () => {
  it('carry the code in the fragment, which browsers do not send to the server', () => {
    expect(joinLinkFor('http://10.0.0.5:47100', 'K7M-Q2X')).toBe('http://10.0.0.5:47100/#pair=K7M-Q2X');
    expect(joinLinkFor('https://ferry.example/', 'K7M-Q2X')).toBe('https://ferry.example/#pair=K7M-Q2X');
  });

  it('give back the code, and nothing for anything else', () => {
    expect(codeFromJoinLink('#pair=K7M-Q2X')).toBe('K7M-Q2X');
    expect(codeFromJoinLink('#pair=k7mq2x')).toBe('K7M-Q2X');
    expect(codeFromJoinLink('#pair=K7M-Q2')).toBeNull();
    expect(codeFromJoinLink('#pair=K7M-Q2X0')).toBeNull();
    expect(codeFromJoinLink('#pair=<script>')).toBeNull();
    expect(codeFromJoinLink('#other=K7M')).toBeNull();
    expect(codeFromJoinLink('')).toBeNull();
  });
});
