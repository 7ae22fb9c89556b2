/**
 * The one path every client event takes: ack present → rate limit → size → schema → handler, and
 * exactly one reply. Whatever a client sends, the handler either answers with a `Result` or the
 * failure becomes an INTERNAL answer; nothing a client sends can throw out of here.
 */
import type { z } from 'zod';
import { err, type ErrorCode, type Result } from '../../contracts/result';
import { MAX_SIGNAL_PAYLOAD_BYTES } from '../../contracts/signaling';
import type { ClientEventName, SignalingSocket } from './io-types';
import type { Logger } from './logger';
import type { RateLimiter } from './rate-limiter';

/** Error messages are for logs only, and receivers accept at most 500 characters. */
const MAX_ERROR_MESSAGE_LENGTH = 200;

export interface EventRoute<Schema extends z.ZodType, Value> {
  readonly schema: Schema;
  /** Guessable actions (opening and joining nameplates) take a token from the client's bucket. */
  readonly rateLimited: boolean;
  handle(request: z.infer<Schema>): Result<Value>;
}

export interface RespondContext {
  readonly socket: SignalingSocket;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
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
    const result = answer(event, context, route, payload);
    if (!result.ok) {
      logger.debug({ socketId: socket.id, event, code: result.error.code }, 'event refused');
    }
    try {
      ack(result);
    } catch (error) {
      logger.error({ err: error, socketId: socket.id, event }, 'ack failed');
    }
  };
}

function answer<Schema extends z.ZodType, Value>(
  event: ClientEventName,
  { socket, limiter, logger }: RespondContext,
  route: EventRoute<Schema, Value>,
  payload: unknown,
): Result<Value> {
  try {
    if (route.rateLimited && !limiter.tryTake(socket.data.rateLimitKey)) return err('RATE_LIMITED');
    if (jsonByteLength(payload) > MAX_SIGNAL_PAYLOAD_BYTES) return err('PAYLOAD_TOO_LARGE');
    const parsed = route.schema.safeParse(payload);
    if (!parsed.success) return refusal('INVALID_PAYLOAD', parsed.error.issues[0]?.message);
    return route.handle(parsed.data);
  } catch (error) {
    logger.error({ err: error, socketId: socket.id, event }, 'event handler failed');
    return err('INTERNAL');
  }
}

function refusal<Value>(code: ErrorCode, message: string | undefined): Result<Value> {
  return err(code, message?.slice(0, MAX_ERROR_MESSAGE_LENGTH));
}

/** Size of the payload as JSON text, the unit MAX_SIGNAL_PAYLOAD_BYTES is stated in. */
function jsonByteLength(payload: unknown): number {
  const json = JSON.stringify(payload) as string | undefined;
  return json === undefined ? 0 : Buffer.byteLength(json, 'utf8');
}
