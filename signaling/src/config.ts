/**
 * Configuration of the standalone service, from environment variables. Every variable is checked
 * and all problems are reported at once, each naming its variable, so that a bad deployment fails
 * at start with a message that says what to fix.
 *
 *   FERRY_SIGNAL_PORT       port to listen on (0 = any free port)            default 47100
 *   FERRY_SIGNAL_HOST       address to bind                                   default 0.0.0.0
 *   FERRY_ALLOWED_ORIGINS   '*' or comma-separated browser origins            default *
 *   FERRY_ICE_SERVERS       JSON array of RTCIceServer objects                default []
 *   FERRY_CODE_TTL_SECONDS  how long an opened code stays joinable            default 600
 *   FERRY_STATIC_DIR        built web client to serve at '/'                  default ../renderer
 *                           (relative to the built cli.js, i.e. out/renderer)
 *   LOG_LEVEL               fatal | error | warn | info | debug | trace | silent  default info
 *   FERRY_STUN_URLS         comma-separated stun: URLs handed to clients      default none
 *   FERRY_TURN_URLS         comma-separated turn:/turns: URLs; every client   default none
 *                           gets its own REST credential for them (list a
 *                           turns:…:443?transport=tcp fallback for networks
 *                           that only let TLS on 443 out)
 *   FERRY_TURN_SECRET       coturn's static-auth-secret (needed with TURN URLs)
 *   FERRY_TURN_TTL_SECONDS  lifetime of an issued TURN credential             default 3600
 *   FERRY_MAX_OPEN_CODES_PER_ADDRESS    open codes one address may hold   default 16
 *   FERRY_MAX_SESSIONS_PER_ADDRESS      socket.io sessions per address     default 32
 *   FERRY_MAX_CONNECTIONS_PER_ADDRESS   TCP connections per address        default 64
 *                           (an address is an IPv4 address or an IPv6 /64; raise these behind a
 *                           carrier-grade NAT, where many users share one address)
 *   FERRY_TRUSTED_PROXIES   comma-separated IPs / CIDR blocks of reverse      default none
 *                           proxies whose X-Forwarded-For names the client
 *   REDIS_URL               redis:// or rediss:// URL: instances on the same  default none
 *                           Redis act as one service (see service.ts)
 *
 * An empty variable counts as unset.
 */
import path from 'node:path';
import { z } from 'zod';
import { iceServersSchema, type IceServer } from '../../contracts/signaling';
import type { TurnRestOptions } from './ice-servers';
import { LOG_LEVELS, type LogLevel } from './logger';
import { DEFAULT_MAX_OPEN_CODES_PER_ADDRESS } from './pairing-store';
import { DEFAULT_CLIENT_LIMITS } from './server';
import { parseTrustedProxyEntry } from './trusted-proxies';

export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

export const DEFAULT_SIGNAL_PORT = 47100;
export const DEFAULT_SIGNAL_HOST = '0.0.0.0';
export const DEFAULT_CODE_TTL_SECONDS = 600;
const MAX_CODE_TTL_SECONDS = 24 * 60 * 60;

export interface SignalingConfig {
  readonly port: number;
  readonly host: string;
  readonly allowedOrigins: '*' | string[];
  readonly iceServers: IceServer[];
  readonly codeTtlMs: number;
  readonly staticDir: string;
  readonly logLevel: LogLevel;
  readonly turn: TurnRestOptions | undefined;
  readonly maxOpenCodesPerAddress: number;
  readonly maxConnectionsPerAddress: number;
  readonly limits: { readonly maxSessionsPerAddress: number };
  readonly trustedProxies: string[];
  readonly redisUrl: string | undefined;
}

export interface ConfigDefaults {
  /** Where the built web client is when FERRY_STATIC_DIR is unset (depends on where cli.js is). */
  readonly staticDir: string;
}

export class SignalingConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid signaling configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SignalingConfigError';
  }
}

const unsetIfEmpty = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

function optionalVariable<T extends z.ZodType>(schema: T) {
  return z.preprocess(unsetIfEmpty, schema.optional());
}

const integerText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** The origin of `text` when it is a bare http(s) origin (no path, query or credentials). */
function bareOrigin(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  const isBare =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    url.password === '';
  return isBare ? url.origin : undefined;
}

const allowedOriginsSchema = z.string().transform((text, context): '*' | string[] => {
  if (text.trim() === '*') return '*';
  const origins: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const origin = bareOrigin(entry);
    if (origin === undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${entry}" is not an http(s) origin like https://ferry.example`,
      });
      return z.NEVER;
    }
    origins.push(origin);
  }
  if (origins.length === 0) {
    context.addIssue({ code: 'custom', message: 'must be * or at least one origin' });
    return z.NEVER;
  }
  return origins;
});

/** zod's words for a bad union member ("Invalid input") do not say what was expected. */
const ICE_SERVER_HINT =
  ' (each entry: {"urls": "stun:…" or ["turn:…"], "username"?: "…", "credential"?: "…"})';

const iceServersJsonSchema = z
  .string()
  .transform((text, context) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      context.addIssue({
        code: 'custom',
        message: 'must be a JSON array, e.g. [{"urls":"stun:stun.example:3478"}]',
      });
      return z.NEVER;
    }
  })
  .pipe(iceServersSchema);

/** A comma-separated list of URLs, each with one of `schemes`. */
const urlListSchema = (schemes: readonly string[], example: string) =>
  z.string().transform((text, context): string[] => {
    const urls = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    for (const url of urls) {
      if (!schemes.some((scheme) => url.startsWith(`${scheme}:`)) || url.length > 512 || /\s/.test(url)) {
        context.addIssue({ code: 'custom', message: `"${url}" is not a URL like ${example}` });
        return z.NEVER;
      }
    }
    if (urls.length === 0 || urls.length > 8) {
      context.addIssue({ code: 'custom', message: 'must list 1 to 8 URLs, separated by commas' });
      return z.NEVER;
    }
    return urls;
  });

const DEFAULT_TURN_TTL_SECONDS = 3600;

const trustedProxiesSchema = z.string().transform((text, context): string[] => {
  const entries = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const entry of entries) {
    if (parseTrustedProxyEntry(entry) === undefined) {
      context.addIssue({
        code: 'custom',
        message: `"${entry}" is not an IP address or CIDR block like 10.0.0.0/8`,
      });
      return z.NEVER;
    }
  }
  return entries;
});

const envSchema = z.object({
  FERRY_SIGNAL_PORT: optionalVariable(integerText(0, 65535)),
  FERRY_SIGNAL_HOST: optionalVariable(
    z
      .string()
      .trim()
      .max(253)
      .regex(/^[A-Za-z0-9.:%_-]+$/, 'must be an IP address or host name'),
  ),
  FERRY_ALLOWED_ORIGINS: optionalVariable(allowedOriginsSchema),
  FERRY_ICE_SERVERS: optionalVariable(iceServersJsonSchema),
  FERRY_CODE_TTL_SECONDS: optionalVariable(integerText(1, MAX_CODE_TTL_SECONDS)),
  FERRY_STATIC_DIR: optionalVariable(z.string()),
  LOG_LEVEL: optionalVariable(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })),
  FERRY_STUN_URLS: optionalVariable(urlListSchema(['stun', 'stuns'], 'stun:stun.example:3478')),
  FERRY_TURN_URLS: optionalVariable(urlListSchema(['turn', 'turns'], 'turn:turn.example:3478')),
  FERRY_TURN_SECRET: optionalVariable(z.string().min(16, 'must be at least 16 characters').max(512)),
  FERRY_TURN_TTL_SECONDS: optionalVariable(integerText(60, 7 * 24 * 60 * 60)),
  FERRY_MAX_OPEN_CODES_PER_ADDRESS: optionalVariable(integerText(1, 100_000)),
  FERRY_MAX_SESSIONS_PER_ADDRESS: optionalVariable(integerText(1, 100_000)),
  FERRY_MAX_CONNECTIONS_PER_ADDRESS: optionalVariable(integerText(1, 100_000)),
  FERRY_TRUSTED_PROXIES: optionalVariable(trustedProxiesSchema),
  REDIS_URL: optionalVariable(
    z
      .string()
      .trim()
      .max(2048)
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL, e.g. redis://redis:6379'),
  ),
});

/** Every environment variable the service reads (a deployment setting any other is mistaken). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

/** Reads the configuration; throws `SignalingConfigError` listing every bad variable. */
export function parseSignalingConfig(env: NodeJS.ProcessEnv, defaults: ConfigDefaults): SignalingConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new SignalingConfigError(
      parsed.error.issues.map((issue) => {
        const hint = issue.path[0] === 'FERRY_ICE_SERVERS' && issue.path.length > 1 ? ICE_SERVER_HINT : '';
        return `${describePath(issue.path)}: ${issue.message}${hint}`;
      }),
    );
  }
  const vars = parsed.data;
  const turnProblem =
    vars.FERRY_TURN_URLS !== undefined && vars.FERRY_TURN_SECRET === undefined
      ? 'FERRY_TURN_SECRET: must be set when FERRY_TURN_URLS is (coturn static-auth-secret)'
      : vars.FERRY_TURN_SECRET !== undefined && vars.FERRY_TURN_URLS === undefined
        ? 'FERRY_TURN_URLS: must be set when FERRY_TURN_SECRET is'
        : undefined;
  if (turnProblem !== undefined) throw new SignalingConfigError([turnProblem]);
  const stunServers: IceServer[] = vars.FERRY_STUN_URLS === undefined ? [] : [{ urls: vars.FERRY_STUN_URLS }];
  return {
    port: vars.FERRY_SIGNAL_PORT ?? DEFAULT_SIGNAL_PORT,
    host: vars.FERRY_SIGNAL_HOST ?? DEFAULT_SIGNAL_HOST,
    allowedOrigins: vars.FERRY_ALLOWED_ORIGINS ?? '*',
    iceServers: [...stunServers, ...(vars.FERRY_ICE_SERVERS ?? [])],
    turn:
      vars.FERRY_TURN_URLS === undefined || vars.FERRY_TURN_SECRET === undefined
        ? undefined
        : {
            urls: vars.FERRY_TURN_URLS,
            secret: vars.FERRY_TURN_SECRET,
            ttlSeconds: vars.FERRY_TURN_TTL_SECONDS ?? DEFAULT_TURN_TTL_SECONDS,
          },
    codeTtlMs: (vars.FERRY_CODE_TTL_SECONDS ?? DEFAULT_CODE_TTL_SECONDS) * 1000,
    // A relative directory is taken from where the service was started, as a shell user expects.
    staticDir: path.resolve(vars.FERRY_STATIC_DIR ?? defaults.staticDir),
    logLevel: vars.LOG_LEVEL ?? 'info',
    maxOpenCodesPerAddress: vars.FERRY_MAX_OPEN_CODES_PER_ADDRESS ?? DEFAULT_MAX_OPEN_CODES_PER_ADDRESS,
    maxConnectionsPerAddress: vars.FERRY_MAX_CONNECTIONS_PER_ADDRESS ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    limits: {
      maxSessionsPerAddress:
        vars.FERRY_MAX_SESSIONS_PER_ADDRESS ?? DEFAULT_CLIENT_LIMITS.maxSessionsPerAddress,
    },
    trustedProxies: vars.FERRY_TRUSTED_PROXIES ?? [],
    redisUrl: vars.REDIS_URL,
  };
}

/** `FERRY_ICE_SERVERS[0].urls`: the variable, then where inside its value the problem is. */
function describePath(issuePath: readonly PropertyKey[]): string {
  const [variable = 'environment', ...inside] = issuePath;
  return inside.reduce<string>(
    (described, key) => (typeof key === 'number' ? `${described}[${key}]` : `${described}.${String(key)}`),
    String(variable),
  );
}
