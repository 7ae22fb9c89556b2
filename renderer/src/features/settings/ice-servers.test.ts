import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../i18n/i18n';
import { formatIceServers, parseIceServers } from './ice-servers';

const t = createTranslator('en');

function problem(text: string): string {
  const parsed = parseIceServers(text);
  if (parsed.ok) throw new Error('expected a problem');
  return t(parsed.key, parsed.params);
}

describe('the STUN/TURN servers setting', () => {
  it('takes empty text as no extra servers', () => {
    expect(parseIceServers('  ')).toEqual({ ok: true, servers: [] });
  });

  it('takes a list of servers, and a single server as a list of one', () => {
    const turn = { urls: ['turn:turn.example.org:3478'], username: 'ada', credential: 'secret' };
    expect(parseIceServers(JSON.stringify([{ urls: 'stun:stun.example.org' }, turn]))).toEqual({
      ok: true,
      servers: [{ urls: 'stun:stun.example.org' }, turn],
    });
    expect(parseIceServers(JSON.stringify(turn))).toEqual({ ok: true, servers: [turn] });
  });

  it('round-trips what it shows for editing', () => {
    const servers = [{ urls: 'stun:stun.example.org' }];
    expect(parseIceServers(formatIceServers(servers))).toEqual({ ok: true, servers });
    expect(formatIceServers([])).toBe('');
  });

  it('explains each kind of mistake in words', () => {
    expect(problem('[{urls: "stun:x"}]')).toMatch(/^STUN\/TURN servers: this is not valid JSON \(.+\)\.$/);
    expect(problem('"stun:x"')).toBe(
      'STUN/TURN servers must be a list in square brackets, like [{"urls": "stun:…"}].',
    );
    expect(problem('[{"username": "ada"}]')).toBe(
      'STUN/TURN server 1 needs “urls” (text or a list of texts); “username” and “credential” must be text.',
    );
    expect(problem('[{"urls": "stun:a"}, {"urls": "https://turn.example.org"}]')).toBe(
      'STUN/TURN server 2: “https://turn.example.org” should start with stun:, stuns:, turn: or turns:.',
    );
    expect(problem(JSON.stringify(Array.from({ length: 17 }, () => ({ urls: 'stun:a' }))))).toBe(
      'At most 16 STUN/TURN servers.',
    );
  });
});
