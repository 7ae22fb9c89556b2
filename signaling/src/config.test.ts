import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSignalingConfig, SignalingConfigError } from './config';

const DEFAULTS = { staticDir: '/opt/ferry/out/renderer' };

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    parseSignalingConfig(env, DEFAULTS);
  } catch (error) {
    if (error instanceof SignalingConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('signaling configuration from the environment', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(parseSignalingConfig({}, DEFAULTS)).toEqual({
      port: 47100,
      host: '0.0.0.0',
      allowedOrigins: '*',
      iceServers: [],
      codeTtlMs: 600_000,
      staticDir: '/opt/ferry/out/renderer',
      logLevel: 'info',
      turn: undefined,
      maxOpenCodesPerAddress: 16,
      maxConnectionsPerAddress: 64,
      limits: { maxSessionsPerAddress: 32 },
      trustedProxies: [],
      redisUrl: undefined,
    });
  });

  it('treats empty variables as unset and ignores unrelated ones', () => {
    const env = { FERRY_SIGNAL_PORT: '', FERRY_ICE_SERVERS: '  ', LOG_LEVEL: '', PATH: '/usr/bin' };
    expect(parseSignalingConfig(env, DEFAULTS)).toEqual(parseSignalingConfig({}, DEFAULTS));
  });

  it('reads every variable', () => {
    const config = parseSignalingConfig(
      {
        FERRY_SIGNAL_PORT: '0',
        FERRY_SIGNAL_HOST: '127.0.0.1',
        FERRY_ALLOWED_ORIGINS: 'https://ferry.example, http://localhost:5173/',
        FERRY_ICE_SERVERS: '[{"urls":["turn:turn.example:3478"],"username":"u","credential":"c"}]',
        FERRY_CODE_TTL_SECONDS: '30',
        FERRY_STATIC_DIR: '/srv/ferry',
        LOG_LEVEL: 'debug',
        FERRY_STUN_URLS: 'stun:stun.example:3478',
        FERRY_TURN_URLS: 'turn:turn.example:3478, turns:turn.example:443?transport=tcp',
        FERRY_TURN_SECRET: 'a-long-shared-secret',
        FERRY_TURN_TTL_SECONDS: '600',
        FERRY_MAX_OPEN_CODES_PER_ADDRESS: '100',
        FERRY_MAX_SESSIONS_PER_ADDRESS: '200',
        FERRY_MAX_CONNECTIONS_PER_ADDRESS: '400',
        FERRY_TRUSTED_PROXIES: '10.0.0.5, fd00::/8,192.168.0.0/16',
        REDIS_URL: 'redis://redis:6379/0',
      },
      DEFAULTS,
    );
    expect(config).toEqual({
      port: 0,
      host: '127.0.0.1',
      allowedOrigins: ['https://ferry.example', 'http://localhost:5173'],
      iceServers: [
        { urls: ['stun:stun.example:3478'] },
        { urls: ['turn:turn.example:3478'], username: 'u', credential: 'c' },
      ],
      codeTtlMs: 30_000,
      staticDir: '/srv/ferry',
      logLevel: 'debug',
      turn: {
        urls: ['turn:turn.example:3478', 'turns:turn.example:443?transport=tcp'],
        secret: 'a-long-shared-secret',
        ttlSeconds: 600,
      },
      maxOpenCodesPerAddress: 100,
      maxConnectionsPerAddress: 400,
      limits: { maxSessionsPerAddress: 200 },
      trustedProxies: ['10.0.0.5', 'fd00::/8', '192.168.0.0/16'],
      redisUrl: 'redis://redis:6379/0',
    });
  });

  it('reads "*" as any origin and resolves a relative static dir from the working directory', () => {
    const config = parseSignalingConfig({ FERRY_ALLOWED_ORIGINS: ' * ', FERRY_STATIC_DIR: 'web' }, DEFAULTS);
    expect(config.allowedOrigins).toBe('*');
    expect(config.staticDir).toBe(path.resolve('web'));
  });

  it.each([
    ['FERRY_SIGNAL_PORT', 'http'],
    ['FERRY_SIGNAL_PORT', '70000'],
    ['FERRY_SIGNAL_PORT', '-1'],
    ['FERRY_SIGNAL_PORT', '80.5'],
    ['FERRY_SIGNAL_HOST', 'two words'],
    ['FERRY_ALLOWED_ORIGINS', 'https://ferry.example/app'],
    ['FERRY_ALLOWED_ORIGINS', 'ferry.example'],
    ['FERRY_ALLOWED_ORIGINS', 'ftp://ferry.example'],
    ['FERRY_ALLOWED_ORIGINS', '*, https://ferry.example'],
    ['FERRY_ALLOWED_ORIGINS', ' , '],
    ['FERRY_ICE_SERVERS', '{"urls":"stun:x"}'],
    ['FERRY_ICE_SERVERS', '[{"urls":"stun:x"}'],
    ['FERRY_CODE_TTL_SECONDS', '0'],
    ['FERRY_CODE_TTL_SECONDS', '86401'],
    ['LOG_LEVEL', 'verbose'],
    ['FERRY_STUN_URLS', 'turn:turn.example'],
    ['FERRY_TURN_URLS', 'https://turn.example'],
    ['FERRY_TURN_URLS', ' , '],
    ['FERRY_TURN_SECRET', 'short'],
    ['FERRY_TURN_TTL_SECONDS', '5'],
    ['FERRY_MAX_CONNECTIONS_PER_ADDRESS', '0'],
    ['FERRY_TRUSTED_PROXIES', 'proxy.example'],
    ['FERRY_TRUSTED_PROXIES', '10.0.0.0/33'],
    ['FERRY_TRUSTED_PROXIES', '10.0.0.1/8/2'],
    ['REDIS_URL', 'http://redis:6379'],
  ])('refuses %s=%j with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}\\b`));
  });

  it('needs TURN URLs and the TURN secret together', () => {
    expect(problemsOf({ FERRY_TURN_URLS: 'turn:turn.example:3478' })).toEqual([
      expect.stringMatching(/^FERRY_TURN_SECRET: must be set/),
    ]);
    expect(problemsOf({ FERRY_TURN_SECRET: 'a-long-shared-secret' })).toEqual([
      expect.stringMatching(/^FERRY_TURN_URLS: must be set/),
    ]);
  });

  it('says where inside FERRY_ICE_SERVERS the problem is', () => {
    const problems = problemsOf({ FERRY_ICE_SERVERS: '[{"urls":"stun:ok"},{"username":"u"}]' });
    expect(problems).toEqual([expect.stringMatching(/^FERRY_ICE_SERVERS\[1\]\.urls: /)]);
  });

  it('reports every bad variable at once, in one readable message', () => {
    let message = '';
    try {
      parseSignalingConfig(
        { FERRY_SIGNAL_PORT: 'x', LOG_LEVEL: 'loud', FERRY_ICE_SERVERS: 'nope' },
        DEFAULTS,
      );
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toMatch(/^Invalid signaling configuration:/);
    expect(message).toContain('FERRY_SIGNAL_PORT: must be a whole number between 0 and 65535');
    expect(message).toContain('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent');
    expect(message).toContain('FERRY_ICE_SERVERS: must be a JSON array');
  });
});
