import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../i18n/i18n';
import { checkIceServerRow, rowsFromServers, serversFromRows, type IceServerRow } from './ice-servers';

const t = createTranslator('en');
let keys = 0;
const newKey = () => `k${++keys}`;
const row = (url: string, username = '', credential = ''): IceServerRow => ({
  key: newKey(),
  url,
  username,
  credential,
});
const urlProblem = (url: string, username = 'u', credential = 'c') => {
  const key = checkIceServerRow({ url, username, credential }).url;
  return key === undefined ? undefined : t(key);
};

describe('the STUN/TURN servers setting', () => {
  it('takes STUN and TURN addresses with a host, a port and a TURN transport', () => {
    for (const url of [
      'stun:stun.example.org',
      'stun:stun.example.org:3478',
      'stuns:stun.example.org:5349',
      'turn:203.0.113.7:3478?transport=udp',
      'TURNS:turn.example.org:443?transport=tcp',
      'turn:[2001:db8::1]:3478',
    ]) {
      expect(urlProblem(url), url).toBeUndefined();
    }
  });

  it('says in words what is wrong with an address', () => {
    expect(urlProblem('')).toBe('Type the server’s address, like stun:stun.example.org:3478.');
    expect(urlProblem('https://turn.example.org')).toBe(
      'The address starts with stun:, stuns:, turn: or turns:.',
    );
    expect(urlProblem('turn:')).toBe(
      'Add the server’s host name after the colon, like turn:turn.example.org.',
    );
    expect(urlProblem('stun://stun.example.org')).toMatch(/^After the colon comes a host name/);
    expect(urlProblem('stun:stun example.org')).toMatch(/no spaces or slashes/);
    expect(urlProblem('stun:stun.example.org?transport=udp')).toBe(
      'The only option an address takes is ?transport=udp or ?transport=tcp, on TURN.',
    );
    expect(urlProblem('turn:turn.example.org?transport=sctp')).toMatch(/^The only option/);
    expect(urlProblem(`stun:${'a'.repeat(600)}`)).toBe('This address is too long (at most 512 characters).');
  });

  it('asks a TURN server, and only a TURN server, for a username and credential', () => {
    const missing = 'settings.iceServers.credentialsMissing';
    expect(checkIceServerRow({ url: 'turn:t.example.org', username: '', credential: '' })).toEqual({
      credentials: missing,
    });
    expect(checkIceServerRow({ url: 'turns:t.example.org', username: 'ada', credential: '' })).toEqual({
      credentials: missing,
    });
    expect(checkIceServerRow({ url: 'stun:s.example.org', username: '', credential: '' })).toEqual({});
  });

  it('saves rows as servers, trimmed, without empty credentials; nothing while a row is wrong', () => {
    expect(serversFromRows([])).toEqual([]);
    expect(
      serversFromRows([
        row(' stun:stun.example.org:3478 '),
        row('turn:turn.example.org', ' ada ', 's3cret '),
      ]),
    ).toEqual([
      { urls: 'stun:stun.example.org:3478' },
      { urls: 'turn:turn.example.org', username: 'ada', credential: 's3cret ' },
    ]);
    expect(serversFromRows([row('stun:ok.example.org'), row('http://nope')])).toBeNull();
    expect(serversFromRows([row('turn:turn.example.org')])).toBeNull();
    expect(serversFromRows(Array.from({ length: 17 }, () => row('stun:s.example.org')))).toBeNull();
  });

  it('shows a saved server with several addresses as a row per address, and saves the same servers', () => {
    const rows = rowsFromServers(
      [
        { urls: ['turn:a.example.org', 'turns:a.example.org:443'], username: 'ada', credential: 'pw' },
        { urls: 'stun:b.example.org' },
      ],
      newKey,
    );
    expect(rows.map(({ url, username, credential }) => ({ url, username, credential }))).toEqual([
      { url: 'turn:a.example.org', username: 'ada', credential: 'pw' },
      { url: 'turns:a.example.org:443', username: 'ada', credential: 'pw' },
      { url: 'stun:b.example.org', username: '', credential: '' },
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
    expect(serversFromRows(rows)).toEqual([
      { urls: 'turn:a.example.org', username: 'ada', credential: 'pw' },
      { urls: 'turns:a.example.org:443', username: 'ada', credential: 'pw' },
      { urls: 'stun:b.example.org' },
    ]);
  });
});
