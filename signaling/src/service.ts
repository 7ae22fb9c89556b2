/**
 * The signaling service as one thing to start and stop: an HTTP server (health check and web
 * client) with socket.io attached, on one port. The Electron main process embeds it; `cli.ts` runs
 * it standalone.
 *
 * With `redisUrl`, several instances behind a balancer act as one service: nameplates, pairs and
 * address rate limits live in Redis (redis-pairing-store.ts, redis-rate-limiter.ts) and messages for
 * a socket on another instance travel through socket.io's Redis adapter. Without it, everything
 * is in this process's memory, as for the desktop's embedded service.
 */
import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { isIPv6, type AddressInfo, type Socket } from 'node:net';
import type { LocalInfo } from '../../contracts/local-service';
import type { IceServer } from '../../contracts/signaling';
import { systemClock, type Clock } from './clock';
import { rateLimitKey } from './client-address';
import { DEFAULT_MAX_CONNECTIONS_PER_ADDRESS } from './config';
import { createHttpHandler } from './http-handler';
import { createIceServerSource, type TurnRestOptions } from './ice-servers';
import { createSilentLogger, type Logger } from './logger';
import { NAMEPLATE_SPACE_SIZE } from './nameplate-space';
import {
  createPairingStore,
  DEFAULT_CODE_TTL_MS,
  DEFAULT_MAX_OPEN_CODES_PER_ADDRESS,
  type NameplateAllocation,
} from './pairing-store';
import { createTokenBucketLimiter, type RateLimiter } from './rate-limiter';
import { connectRedis, type RedisConnection } from './redis-connection';
import { createRedisPairingStore } from './redis-pairing-store';
import { createRedisRateLimiter, redisBucketsOf } from './redis-rate-limiter';
import {
  sharedFromMemory,
  sharedLimiterFromMemory,
  type SharedPairingStore,
  type SharedRateLimiter,
} from './shared-pairing-store';
import type { ServiceMetrics } from './metrics';
import { createSignalingServer, type ClientLimits, type SignalingEvents } from './server';
import { createTrustedProxies, type TrustedProxies } from './trusted-proxies';

/** A request's headers must be in by then; slow-header (slowloris) connections are cut after it. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for connections past those deadlines (its default is 30 s). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

export interface SignalingServiceOptions {
  /** 0 picks a free ephemeral port; `port` of the running service says which. */
  port: number;
  /** Address to bind, e.g. '127.0.0.1' (this machine only) or '0.0.0.0' (the network). */
  host: string;
  /** The built web client (out/renderer), served at '/'; without it '/' explains how to build it. */
  staticDir?: string | undefined;
  /** Handed to clients in the `pair:open` and `pair:join` acks (STUN, TURN with fixed credentials). */
  iceServers?: IceServer[] | undefined;
  /** TURN servers for which every client gets its own short-lived REST credential. */
  turn?: TurnRestOptions | undefined;
  /** How long an opened nameplate stays joinable; 10 minutes by default. */
  codeTtlMs?: number | undefined;
  /** Browser origins allowed to connect; '*' by default (no cookies or credentials are used). */
  allowedOrigins?: '*' | string[] | undefined;
  /** pino-compatible; silent by default. */
  logger?: Logger | undefined;
  clock?: Clock | undefined;
  /** Limits `pair:open` / `pair:join` per client; a generous token bucket by default. */
  limiter?: RateLimiter | undefined;
  /** The desktop's embedded service only: this machine's join addresses and nearby devices. */
  localInfo?: (() => LocalInfo) | undefined;
  /** Per-client limits (relays, backlog, sessions, failed joins); safe defaults otherwise. */
  limits?: Partial<ClientLimits> | undefined;
  /** `random` by default (safe on a LAN of embedded services); the internet service uses lowest-free. */
  nameplateAllocation?: NameplateAllocation | undefined;
  /** Open codes one address may hold at once. */
  maxOpenCodesPerAddress?: number | undefined;
  /**
   * TCP connections one address (IPv6: one /64) may hold open. Without a cap a few addresses can
   * hold every file descriptor the process has with connections that never finish a request, and
   * then even /healthz goes unanswered. A device needs one or two; a NAT of several fits within.
   */
  maxConnectionsPerAddress?: number | undefined;
  events?: SignalingEvents | undefined;
  /** Prometheus metrics served at /metrics (the standalone service has them; embedded, none). */
  metrics?: ServiceMetrics | undefined;
  /**
   * Reverse proxies (IP addresses or CIDR blocks) whose `X-Forwarded-For` names the client that
   * limits are counted for. Nobody else's header is believed. Their own TCP connections are not
   * capped per address (every client of the proxy arrives on them).
   */
  trustedProxies?: readonly string[] | undefined;
  /**
   * `redis://…`: share nameplates, pairs, rate limits and delivery with every other instance on
   * the same Redis (lowest-free nameplates; `nameplateAllocation` does not apply).
   */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key and channel, so that deployments (or tests) can share one Redis. */
  redisKeyPrefix?: string | undefined;
}

/** How long shutdown waits for disconnected clients' pairings to be ended in Redis. */
const SHUTDOWN_DRAIN_MS = 2_000;

export interface RunningSignalingService {
  /** Where a client on this machine reaches the service (a wildcard host becomes loopback). */
  url: string;
  host: string;
  port: number;
  /** Disconnects every client, cuts open connections and stops all timers. Safe to call twice. */
  close(): Promise<void>;
}

export async function startSignalingService(
  options: SignalingServiceOptions,
): Promise<RunningSignalingService> {
  const logger = options.logger ?? createSilentLogger();
  const clock = options.clock ?? systemClock;
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  const keyPrefix = options.redisKeyPrefix ?? 'ferry:';
  const redis: RedisConnection | undefined =
    options.redisUrl === undefined ? undefined : await connectRedis(options.redisUrl, logger, clock);
  let store: SharedPairingStore;
  let limiter: SharedRateLimiter;
  if (redis === undefined) {
    store = sharedFromMemory(
      createPairingStore({
        clock,
        codeTtlMs,
        allocation: options.nameplateAllocation ?? 'random',
        ...(options.maxOpenCodesPerAddress === undefined
          ? {}
          : { maxOpenCodesPerAddress: options.maxOpenCodesPerAddress }),
      }),
    );
    limiter = sharedLimiterFromMemory(options.limiter ?? createTokenBucketLimiter({ clock }));
  } else {
    // A limiter handed in (tests) stays this instance's own; otherwise the budget is shared, and
    // opens and joins take their token in the same script as the operation.
    const sharedBudget = options.limiter === undefined;
    store = createRedisPairingStore({
      redis,
      clock,
      codeTtlMs,
      maxOpenCodesPerAddress: options.maxOpenCodesPerAddress ?? DEFAULT_MAX_OPEN_CODES_PER_ADDRESS,
      keyPrefix,
      spaceSize: NAMEPLATE_SPACE_SIZE,
      ...(sharedBudget ? { buckets: redisBucketsOf({ keyPrefix }) } : {}),
    });
    limiter =
      options.limiter === undefined
        ? createRedisRateLimiter({ redis, clock, keyPrefix })
        : sharedLimiterFromMemory(options.limiter);
  }
  /** Set once close() is called: from then on /readyz says not-ready. */
  let closing: Promise<void> | undefined;
  const httpServer = http.createServer(
    {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS,
    },
    createHttpHandler({
      staticDir: options.staticDir,
      logger,
      localInfo: options.localInfo,
      ready: () => closing === undefined && (redis === undefined || redis.isReady()),
      metrics: options.metrics,
    }),
  );
  const trustedProxies = createTrustedProxies(options.trustedProxies ?? []);
  const connections = trackConnections(
    httpServer,
    options.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    trustedProxies,
    () => options.metrics?.connectionRefused(),
  );
  const events = options.events ?? options.metrics?.events;
  const pendingLeaves = new Set<Promise<void>>();
  const io = createSignalingServer(httpServer, {
    store,
    limiter,
    pendingLeaves,
    ...(redis === undefined
      ? {}
      : { adapter: createAdapter(redis.pubClient, redis.subClient, { key: `${keyPrefix}socket.io` }) }),
    logger,
    clock,
    iceServers: createIceServerSource({ staticServers: options.iceServers ?? [], turn: options.turn, clock }),
    allowedOrigins: options.allowedOrigins ?? '*',
    trustedProxies,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(events === undefined ? {} : { events }),
  });
  options.metrics?.observe({
    sockets: () => io.of('/').sockets.size,
    openNameplates: () => store.openCount(),
  });

  async function shutdown(): Promise<void> {
    connections.refuseNew();
    // Tell this instance's clients first: they reconnect (to another instance behind a balancer,
    // or here once restarted) and take back an open code with its resume token.
    io.local.emit('service:closing', {});
    const socketIoClosed = io.close();
    // socket.io has now ended its sessions and asked the HTTP server to stop listening, but that
    // close waits for every connection: an idle keep-alive, a half-sent request, or a WebSocket
    // whose client never answers the close frame (ws then waits 30 s). Let socket.io write its
    // goodbyes (it finishes after pending promise callbacks), then cut what is still open.
    await new Promise((resolve) => setImmediate(resolve));
    connections.destroyAll();
    await socketIoClosed;
    // The sessions' pairings end in the shared store (so a peer elsewhere hears of it and a code
    // can be taken back); bounded, in case Redis is away.
    await Promise.race([
      Promise.allSettled([...pendingLeaves]),
      new Promise((resolve) => setTimeout(resolve, SHUTDOWN_DRAIN_MS).unref()),
    ]);
    store.dispose();
    await redis?.close();
  }

  try {
    await listen(httpServer, options.port, options.host);
  } catch (error) {
    // The error keeps its `code` (EADDRINUSE, EACCES…): the desktop app falls back on it.
    await shutdown();
    throw error;
  }
  httpServer.on('error', (error) => logger.error({ err: error }, 'http server error'));

  const { port } = httpServer.address() as AddressInfo;
  return {
    url: reachableUrl(options.host, port),
    host: options.host,
    port,
    close: () => (closing ??= shutdown()),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Keeps every raw connection (HTTP and upgraded WebSocket alike) so that close can cut them, and
 * caps how many one address holds: past the cap a connection is answered 429 and closed at once.
 */
function trackConnections(
  server: http.Server,
  maxPerAddress: number,
  trustedProxies: TrustedProxies,
  onRefused: () => void,
): { refuseNew(): void; destroyAll(): void } {
  const open = new Set<Socket>();
  const perAddress = new Map<string, number>();
  let refusing = false;
  server.on('connection', (socket: Socket) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    const remote = socket.remoteAddress ?? '';
    // A trusted proxy carries everyone's connections; its clients are capped as sessions instead.
    if (trustedProxies.isTrusted(remote)) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      return;
    }
    const address = rateLimitKey(remote);
    const held = perAddress.get(address) ?? 0;
    if (held >= maxPerAddress) {
      onRefused();
      socket.on('error', () => undefined);
      socket.end(TOO_MANY_CONNECTIONS_RESPONSE);
      socket.destroySoon();
      return;
    }
    perAddress.set(address, held + 1);
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return {
    refuseNew: () => {
      refusing = true;
    },
    destroyAll: () => {
      for (const socket of open) socket.destroy();
    },
  };
}

const TOO_MANY_CONNECTIONS_BODY = '{"ok":false,"error":{"code":"RATE_LIMITED"}}';
const TOO_MANY_CONNECTIONS_RESPONSE =
  'HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nConnection: close\r\n' +
  `Content-Length: ${TOO_MANY_CONNECTIONS_BODY.length}\r\n\r\n${TOO_MANY_CONNECTIONS_BODY}`;

/** A URL a client on this machine can open: a wildcard bind address becomes loopback. */
export function reachableUrl(host: string, port: number): string {
  const reachableHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIPv6(reachableHost) ? `[${reachableHost}]` : reachableHost}:${port}`;
}
