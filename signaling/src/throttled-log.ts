/**
 * Error logs that a client cannot turn into a flood. Whatever a client sends that makes a handler
 * fail (a deeply nested payload, say) would otherwise write a full stack trace per event, which is
 * an easy way to fill a disk or drown real errors. The first few errors of each window are logged
 * in full; the rest are counted and reported once when the window ends.
 */
import type { Clock } from './clock';
import type { Logger } from './logger';

export interface ThrottledErrorLog {
  error(context: Record<string, unknown>, message: string): void;
}

export interface ThrottleOptions {
  readonly clock: Clock;
  /** Errors logged in full per window. */
  readonly perWindow?: number;
  readonly windowMs?: number;
}

export function createThrottledErrorLog(logger: Logger, options: ThrottleOptions): ThrottledErrorLog {
  const perWindow = options.perWindow ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  let windowStart = Number.NEGATIVE_INFINITY;
  let logged = 0;
  let suppressed = 0;

  return {
    error(context, message) {
      const now = options.clock.now();
      if (now - windowStart >= windowMs) {
        if (suppressed > 0) logger.error({ suppressed }, 'more errors were not logged in full');
        windowStart = now;
        logged = 0;
        suppressed = 0;
      }
      if (logged < perWindow) {
        logged++;
        logger.error(context, message);
      } else {
        suppressed++;
      }
    },
  };
}
