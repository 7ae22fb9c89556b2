import { describe, expect, it } from 'vitest';
import { codeFromJoinLink, joinBaseUrls, joinLinkFor } from './join-link';

describe('join links', () => {
  it('carry the code in the fragment, which browsers do not send to the server', () => {
    expect(joinLinkFor('http://10.0.0.5:47100', 'K7M-Q2XW')).toBe('http://10.0.0.5:47100/#pair=K7M-Q2XW');
    expect(joinLinkFor('https://ferry.example/', 'K7M-Q2XW')).toBe('https://ferry.example/#pair=K7M-Q2XW');
  });

  it('give back the code, and nothing for anything else', () => {
    expect(codeFromJoinLink('#pair=K7M-Q2XW')).toBe('K7M-Q2XW');
    expect(codeFromJoinLink('#pair=k7mq2xw')).toBe('K7M-Q2XW');
    expect(codeFromJoinLink('#pair=Q2X')).toBeNull();
    expect(codeFromJoinLink('#pair=K7M-Q2XW0')).toBeNull();
    expect(codeFromJoinLink('#pair=<script>')).toBeNull();
    expect(codeFromJoinLink('#other=K7M')).toBeNull();
    expect(codeFromJoinLink('')).toBeNull();
  });
});

describe('the addresses a join link may name', () => {
  it('prefers the internet service, then the LAN addresses the desktop reported', () => {
    expect(
      joinBaseUrls({
        internetUrl: 'https://ferry.example/',
        lanBaseUrls: ['http://192.168.1.20:47100', 'http://10.0.0.7:47100'],
        servingUrl: 'http://127.0.0.1:47100',
      }),
    ).toEqual(['https://ferry.example', 'http://192.168.1.20:47100', 'http://10.0.0.7:47100']);
  });

  it('never names loopback: the device that scans would open itself', () => {
    expect(joinBaseUrls({ internetUrl: '', lanBaseUrls: [], servingUrl: 'http://127.0.0.1:47100' })).toEqual(
      [],
    );
    expect(joinBaseUrls({ internetUrl: '', lanBaseUrls: null, servingUrl: 'http://localhost:5173' })).toEqual(
      [],
    );
  });

  it("shares a standalone service's own address", () => {
    expect(
      joinBaseUrls({ internetUrl: '', lanBaseUrls: null, servingUrl: 'https://signal.example.org' }),
    ).toEqual(['https://signal.example.org']);
  });
});
