import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIceServerSource, turnRestCredential } from './ice-servers';
import { createManualClock } from './testing/manual-clock';

describe('ICE servers for clients', () => {
  it('computes coturn REST credentials: expiry:id, base64 HMAC-SHA1 of it under the secret', () => {
    const { username, credential } = turnRestCredential('s3cret-s3cret-s3cret', 1_700_003_600, 'abc');
    expect(username).toBe('1700003600:abc');
    expect(credential).toBe(createHmac('sha1', 's3cret-s3cret-s3cret').update(username).digest('base64'));
    // A known answer, computed independently: printf %s '1700003600:abc' | openssl sha1 -hmac … -binary | base64
    expect(credential).toBe('aTfW8DxtzXFrMCJ32whEJRT7MGI=');
  });

  it('issues every client its own credential that expires after the lifetime, after the static servers', () => {
    const clock = createManualClock(1_700_000_000_500);
    let id = 0;
    const source = createIceServerSource({
      staticServers: [{ urls: 'stun:stun.example:3478' }],
      turn: {
        urls: ['turn:t.example:3478', 'turns:t.example:443?transport=tcp'],
        secret: 'x'.repeat(16),
        ttlSeconds: 600,
      },
      clock,
      credentialId: () => `c${++id}`,
    });
    const first = source();
    const second = source();
    expect(first).toEqual([
      { urls: 'stun:stun.example:3478' },
      {
        urls: ['turn:t.example:3478', 'turns:t.example:443?transport=tcp'],
        username: '1700000600:c1',
        credential: turnRestCredential('x'.repeat(16), 1_700_000_600, 'c1').credential,
      },
    ]);
    expect(second[1]?.username).toBe('1700000600:c2');
    expect(second[1]?.credential).not.toBe(first[1]?.credential);
  });

  it('hands out the static servers alone without TURN, as copies', () => {
    const servers = [{ urls: 'stun:stun.example:3478' }];
    const source = createIceServerSource({ staticServers: servers, clock: createManualClock() });
    const given = source();
    expect(given).toEqual(servers);
    expect(given[0]).not.toBe(servers[0]);
  });
});
