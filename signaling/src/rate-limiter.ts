/**
 * Slows down code guessing: each client (see `rateLimitKey`) has a token bucket, and opening or
 * joining a nameplate takes one token. A burst is allowed, then tokens come back at a steady rate.
 */
import type { Clock } from './clock';

export interface RateLimiter {
  /** Takes one token for `key`; false when the bucket is empty and the action must be refused. */
  tryTake(key: string): boolean;
}

export interface TokenBucketOptions {
  clock: Clock;
  /** Tokens a fresh client has, i.e. the largest burst. */
  capacity?: number;
  refillPerSecond?: number;
  /**
   * How many clients are remembered. Beyond this the least recently seen are forgotten, so that a
   * flood of addresses cannot grow memory without bound; a forgotten client starts with a full
   * bucket, which is what it would have after being idle anyway.
   */
  maxTrackedKeys?: number;
}

export const DEFAULT_RATE_LIMIT = { capacity: 30, refillPerSecond: 1, maxTrackedKeys: 10_000 } as const;

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function createTokenBucketLimiter(options: TokenBucketOptions): RateLimiter {
  const { clock } = options;
  const capacity = options.capacity ?? DEFAULT_RATE_LIMIT.capacity;
  const refillPerMs = (options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond) / 1000;
  const maxTrackedKeys = options.maxTrackedKeys ?? DEFAULT_RATE_LIMIT.maxTrackedKeys;
  // A Map iterates in insertion order; re-inserting on every use keeps the least recent first.
  const buckets = new Map<string, Bucket>();

  function refilled(bucket: Bucket, now: number): number {
    // max(0, …): a wall clock stepped backwards must not drain a bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return Math.min(capacity, bucket.tokens + elapsed * refillPerMs);
  }

  function forgetLeastRecent(): void {
    while (buckets.size > maxTrackedKeys) {
      const oldest = buckets.keys().next();
      if (oldest.done === true) return;
      buckets.delete(oldest.value);
    }
  }

  return {
    tryTake(key) {
      const now = clock.now();
      const existing = buckets.get(key);
      const tokens = existing === undefined ? capacity : refilled(existing, now);
      buckets.delete(key);
      const allowed = tokens >= 1;
      buckets.set(key, { tokens: allowed ? tokens - 1 : tokens, updatedAt: now });
      forgetLeastRecent();
      return allowed;
    },
  };
}
