/**
 * The Redis connections of one instance: a command client for the shared store and rate limits,
 * and a publish/subscribe pair for socket.io's Redis adapter. Redis going away must never crash the
 * service: errors are logged (throttled), commands fail at once instead of queueing (a client then
 * hears UNAVAILABLE), /readyz says not-ready, and the clients reconnect with back-off by themselves.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import type { Logger } from './logger';
import { createThrottledErrorLog } from './throttled-log';
import type { Clock } from './clock';

/** Redis could not be asked: the caller answers UNAVAILABLE instead of INTERNAL. */
export class SharedStoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('shared store (Redis) unreachable', { cause });
    this.name = 'SharedStoreUnavailableError';
  }
}

export interface RedisScriptRunner {
  /** Runs a Lua script (by its SHA1 once Redis knows it) and resolves with its reply. */
  runScript(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

export interface RedisConnection extends RedisScriptRunner {
  /** For @socket.io/redis-adapter (which takes any client). */
  readonly pubClient: unknown;
  readonly subClient: unknown;
  /** All three connections are up. */
  isReady(): boolean;
  close(): Promise<void>;
}

/** Back-off between reconnection attempts: 50 ms doubling up to 2 s, forever. */
function reconnectDelay(retries: number): number {
  return Math.min(2_000, 50 * 2 ** Math.min(retries, 6));
}

const CONNECT_TIMEOUT_MS = 5_000;

export async function connectRedis(url: string, logger: Logger, clock: Clock): Promise<RedisConnection> {
  const errorLog = createThrottledErrorLog(logger, { clock });
  const client = createClient({
    url,
    // A command while Redis is away fails at once; queued, it would hold a client's answer hostage.
    disableOfflineQueue: true,
    socket: { reconnectStrategy: reconnectDelay, connectTimeout: CONNECT_TIMEOUT_MS },
  });
  const pubClient = client.duplicate();
  const subClient = client.duplicate();
  for (const [name, each] of [
    ['command', client],
    ['publish', pubClient],
    ['subscribe', subClient],
  ] as const) {
    // Without a listener an 'error' event would throw and take the process down.
    each.on('error', (error: unknown) => errorLog.error({ err: error, connection: name }, 'redis error'));
  }
  try {
    await Promise.all([client.connect(), pubClient.connect(), subClient.connect()]);
  } catch (error) {
    await Promise.allSettled([client.destroy(), pubClient.destroy(), subClient.destroy()]);
    throw error;
  }

  const shas = new Map<string, string>();
  function shaOf(script: string): string {
    let sha = shas.get(script);
    if (sha === undefined) {
      sha = createHash('sha1').update(script).digest('hex');
      shas.set(script, sha);
    }
    return sha;
  }

  async function runScript(
    script: string,
    keys: readonly string[],
    args: readonly string[],
  ): Promise<unknown> {
    if (!client.isReady) throw new SharedStoreUnavailableError(new Error('redis not connected'));
    const options = { keys: [...keys], arguments: [...args] };
    try {
      try {
        return await client.evalSha(shaOf(script), options);
      } catch (error) {
        // A restarted Redis has forgotten its scripts: send the text once, it caches it again.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return await client.eval(script, options);
      }
    } catch (error) {
      if (!client.isReady) throw new SharedStoreUnavailableError(error);
      throw error;
    }
  }

  return {
    pubClient,
    subClient,
    runScript,
    isReady: () => client.isReady && pubClient.isReady && subClient.isReady,
    async close() {
      await Promise.allSettled([client.close(), pubClient.close(), subClient.close()]);
    },
  };
}
