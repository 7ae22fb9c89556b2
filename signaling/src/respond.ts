/**
 * The one path every client event takes: ack present → rate limit → size and depth → schema →
 * handler, and exactly one reply. Whatever a client sends, the handler either answers with a
 * `Result` or the failure becomes an INTERNAL answer; nothing a client sends can throw out of here,
 * and what fails is logged under a throttle, so a client cannot flood the logs either.
 *
 * Handlers may wait (on Redis); one socket's events are still answered one at a time, in the
 * order they came, so a client sees the same order as with the in-memory store.
 */
import type { z } from 'zod';
import { err, type ErrorCode, type Result } from '../../contracts/result';
import { MAX_SIGNAL_PAYLOAD_BYTES } from '../../contracts/signaling';
import type { ClientEventName, SignalingSocket } from './io-types';
import type { Logger } from './logger';
import type { RateLimiter } from './rate-limiter';
import { SharedStoreUnavailableError } from './redis-connection';
import type { SharedRateLimiter } from './shared-pairing-store';
import type { ThrottledErrorLog } from './throttled-log';

/** Error messages are for logs only, and receivers accept at most 500 characters. */
const MAX_ERROR_MESSAGE_LENGTH = 200;
/**
 * Deeper than any real payload (a relayed candidate is 4 levels); JSON.stringify and schema
 * checks recurse, and a payload nested 100 000 levels deep would overflow the stack in both.
 */
const MAX_PAYLOAD_DEPTH = 32;

export interface EventRoute<Schema extends z.ZodType, Value> {
  readonly schema: Schema;
  /**
   * Guessable actions (opening and joining nameplates) take tokens from the client's buckets;
   * a relay takes one from the connection's own relay bucket. 'address-in-handler': the handler
   * takes the address's token itself, together with its store operation (one Redis round trip);
   * a request refused before it gets there (size, depth, schema) takes it here.
   */
  readonly limit: 'address' | 'address-in-handler' | 'relay' | 'none';
  handle(request: z.infer<Schema>): Result<Value> | Promise<Result<Value>>;
}

/** One socket's events, run one after another. */
export interface RespondQueue {
  run(task: () => Promise<void>): void;
}

export function createRespondQueue(): RespondQueue {
  let tail: Promise<void> = Promise.resolve();
  return {
    run(task) {
      // Tasks never reject (they answer every failure), but a chain must not stop on a bug either.
      tail = tail.then(task).catch(() => undefined);
    },
  };
}

export interface RespondContext {
  readonly socket: SignalingSocket;
  /** Per address (see `limitSubjectsOf`), shared by the instances when they share a Redis. */
  readonly limiter: SharedRateLimiter;
  /** This connection's relays alone. */
  readonly relayLimiter: RateLimiter;
  readonly logger: Logger;
  readonly errorLog: ThrottledErrorLog;
  /** Checked before every answer: a client that does not read its socket is cut off first. */
  readonly mayWriteTo: (socket: SignalingSocket) => boolean;
  /** Told of every refusal, for metrics. */
  readonly onRefused?: (event: ClientEventName, code: ErrorCode) => void;
  /** This socket's events in order. */
  readonly queue: RespondQueue;
}

/** Builds the socket.io listener for `event`; it reads its arguments as untrusted `unknown`s. */
export function respondTo<Schema extends z.ZodType, Value>(
  event: ClientEventName,
  context: RespondContext,
  route: EventRoute<Schema, Value>,
): (...args: unknown[]) => void {
  const { socket, logger } = context;
  return (...args) => {
    const ack = args.at(-1);
    if (typeof ack !== 'function') {
      // Without an ack the client could never learn the outcome (a nameplate, a refusal), so the
      // event is refused rather than acted on blind.
      logger.debug({ socketId: socket.id, event }, 'event without ack refused');
      socket.emit('server:error', { code: 'INVALID_PAYLOAD', message: `${event} needs an ack callback` });
      return;
    }
    const payload = args.length > 1 ? args[0] : undefined;
    context.queue.run(async () => {
      const result = await answer(event, context, route, payload);
      if (!result.ok) {
        logger.debug({ socketId: socket.id, event, code: result.error.code }, 'event refused');
        context.onRefused?.(event, result.error.code);
      }
      if (!context.mayWriteTo(socket)) return;
      try {
        ack(result);
      } catch (error) {
        context.errorLog.error({ err: error, socketId: socket.id, event }, 'ack failed');
      }
    });
  };
}

async function answer<Schema extends z.ZodType, Value>(
  event: ClientEventName,
  { socket, limiter, relayLimiter, errorLog }: RespondContext,
  route: EventRoute<Schema, Value>,
  payload: unknown,
): Promise<Result<Value>> {
  try {
    if (route.limit === 'relay' && !relayLimiter.tryTake(socket.id)) return err('RATE_LIMITED');
    if (route.limit === 'address' && !(await limiter.tryTake(socket.data.limitSubjects))) {
      return err('RATE_LIMITED');
    }
    // Refused before the handler: an 'address-in-handler' request pays its token all the same.
    const refused = async <T>(answer: Result<T>): Promise<Result<T>> =>
      route.limit === 'address-in-handler' && !(await limiter.tryTake(socket.data.limitSubjects))
        ? err('RATE_LIMITED')
        : answer;
    if (nestedDeeperThan(payload, MAX_PAYLOAD_DEPTH)) {
      return refused(err('INVALID_PAYLOAD', 'nested too deeply'));
    }
    if (jsonByteLength(payload) > MAX_SIGNAL_PAYLOAD_BYTES) return refused(err('PAYLOAD_TOO_LARGE'));
    const parsed = route.schema.safeParse(payload);
    if (!parsed.success) return refused(refusal('INVALID_PAYLOAD', parsed.error.issues[0]?.message));
    return await route.handle(parsed.data);
  } catch (error) {
    // Redis away: a clear "try again later", logged under the throttle like any other failure.
    if (error instanceof SharedStoreUnavailableError) {
      errorLog.error({ err: error, socketId: socket.id, event }, 'shared store unreachable');
      return err('UNAVAILABLE', 'shared store unreachable');
    }
    errorLog.error({ err: error, socketId: socket.id, event }, 'event handler failed');
    return err('INTERNAL');
  }
}

function refusal<Value>(code: ErrorCode, message: string | undefined): Result<Value> {
  return err(code, message?.slice(0, MAX_ERROR_MESSAGE_LENGTH));
}

/**
 * Whether `payload` has objects or arrays nested deeper than `limit`, found without recursion (so
 * the check itself cannot overflow the stack) and stopping at the first path that is too deep.
 */
function nestedDeeperThan(payload: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[payload, 0]];
  let visited = 0;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return true;
    // socket.io decodes JSON, so there are no cycles; the count bounds the work all the same.
    if (++visited > 100_000) return true;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Size of the payload as JSON text, the unit MAX_SIGNAL_PAYLOAD_BYTES is stated in. */
function jsonByteLength(payload: unknown): number {
  const json = JSON.stringify(payload) as string | undefined;
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}
