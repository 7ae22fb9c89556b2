/**
 * The signaling service as one thing to start and stop: an HTTP server (health check and web
 * client) with socket.io attached, on one port. The Electron main process embeds it; `cli.ts` runs
 * it standalone.
 */
import http from 'node:http';
import { isIPv6, type AddressInfo, type Socket } from 'node:net';
import type { LocalInfo } from '../../contracts/local-service';
import type { IceServer } from '../../contracts/signaling';
import { systemClock, type Clock } from './clock';
import { createHttpHandler } from './http-handler';
import { createSilentLogger, type Logger } from './logger';
import { createPairingStore, DEFAULT_CODE_TTL_MS } from './pairing-store';
import { createTokenBucketLimiter, type RateLimiter } from './rate-limiter';
import { createSignalingServer } from './server';

export interface SignalingServiceOptions {
  /** 0 picks a free ephemeral port; `port` of the running service says which. */
  port: number;
  /** Address to bind, e.g. '127.0.0.1' (this machine only) or '0.0.0.0' (the network). */
  host: string;
  /** The built web client (out/renderer), served at '/'; without it '/' explains how to build it. */
  staticDir?: string | undefined;
  /** Handed to clients in the `pair:open` and `pair:join` acks. */
  iceServers?: IceServer[] | undefined;
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
}

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
  const store = createPairingStore({ clock, codeTtlMs: options.codeTtlMs ?? DEFAULT_CODE_TTL_MS });
  const httpServer = http.createServer(
    createHttpHandler({ staticDir: options.staticDir, logger, localInfo: options.localInfo }),
  );
  const connections = trackConnections(httpServer);
  const io = createSignalingServer(httpServer, {
    store,
    limiter: options.limiter ?? createTokenBucketLimiter({ clock }),
    logger,
    iceServers: options.iceServers ?? [],
    allowedOrigins: options.allowedOrigins ?? '*',
  });

  async function shutdown(): Promise<void> {
    connections.refuseNew();
    store.dispose();
    const socketIoClosed = io.close();
    // socket.io has now ended its sessions and asked the HTTP server to stop listening, but that
    // close waits for every connection: an idle keep-alive, a half-sent request, or a WebSocket
    // whose client never answers the close frame (ws then waits 30 s). Let socket.io write its
    // goodbyes (it finishes after pending promise callbacks), then cut what is still open.
    await new Promise((resolve) => setImmediate(resolve));
    connections.destroyAll();
    await socketIoClosed;
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
  let closing: Promise<void> | undefined;
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

/** Keeps every raw connection (HTTP and upgraded WebSocket alike) so that close can cut them. */
function trackConnections(server: http.Server): { refuseNew(): void; destroyAll(): void } {
  const open = new Set<Socket>();
  let refusing = false;
  server.on('connection', (socket: Socket) => {
    if (refusing) {
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
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

/** A URL a client on this machine can open: a wildcard bind address becomes loopback. */
export function reachableUrl(host: string, port: number): string {
  const reachableHost = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${isIPv6(reachableHost) ? `[${reachableHost}]` : reachableHost}:${port}`;
}
