/**
 * Slows down code guessing: each client (see `rateLimitKey`) has a token bucket, and opening or
 * joining a nameplate takes tokens. A burst is allowed, then tokens come back at a steady rate.
 *
 * The table of buckets has a fixed size, and under pressure it sheds the NEWEST clients, never the
 * oldest: a flood of fresh addresses must not be able to push an attacker's empty bucket out of
 * memory (a forgotten bucket would come back full). Only a bucket that has refilled completely is
 * forgotten, since that is exactly what a fresh one looks like. When the table is full of buckets
 * still refilling, clients it has never seen share one overflow bucket until room comes back; the
 * flood then only hurts itself and whoever arrives during it.
 *
 * A bucket can also be charged after the fact (a failed join), which may leave it in debt: an
 * address sweeping nameplates pays for each miss with a longer wait.
 */
import type { Clock } from './clock';

/** One bucket a request is counted against: a client, or the network it belongs to. */
export interface LimitSubject {
  readonly key: string;
  /** Scales this bucket's capacity and refill (a /48 counts for several clients). */
  readonly weight: number;
}

export type LimitSubjects = string | readonly LimitSubject[];

export interface RateLimiter {
  /** Takes `cost` tokens from every bucket; false (and nothing taken) when any bucket is short. */
  tryTake(subjects: LimitSubjects, cost?: number): boolean;
  /** Takes `cost` tokens from every bucket whatever they hold, down to a debt of one full bucket. */
  charge(subjects: LimitSubjects, cost: number): void;
  /** Buckets remembered right now (the overflow bucket not counted). */
  trackedKeys(): number;
}

export interface TokenBucketOptions {
  clock: Clock;
  /** Tokens a fresh client has, i.e. the largest burst. */
  capacity?: number;
  refillPerSecond?: number;
  /** How many buckets are remembered at most; see the module comment for what happens beyond. */
  maxTrackedKeys?: number;
  /** Capacity of the bucket that clients beyond the table share, in client buckets. */
  overflowWeight?: number;
}

export const DEFAULT_RATE_LIMIT = {
  capacity: 30,
  refillPerSecond: 1,
  maxTrackedKeys: 100_000,
  overflowWeight: 10,
} as const;

/** Full buckets looked for at the head of the table per new key: O(1) work per request. */
const PRUNE_SCAN = 8;

interface Bucket {
  tokens: number;
  updatedAt: number;
  readonly weight: number;
}

function asSubjects(subjects: LimitSubjects): readonly LimitSubject[] {
  return typeof subjects === 'string' ? [{ key: subjects, weight: 1 }] : subjects;
}

export function createTokenBucketLimiter(options: TokenBucketOptions): RateLimiter {
  const { clock } = options;
  const capacity = options.capacity ?? DEFAULT_RATE_LIMIT.capacity;
  const refillPerMs = (options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond) / 1000;
  const maxTrackedKeys = options.maxTrackedKeys ?? DEFAULT_RATE_LIMIT.maxTrackedKeys;
  const overflowWeight = options.overflowWeight ?? DEFAULT_RATE_LIMIT.overflowWeight;
  // A Map iterates in insertion order; re-inserting on every update keeps the least recent first,
  // which is where fully refilled buckets are found.
  const buckets = new Map<string, Bucket>();
  const overflow: Bucket = {
    tokens: capacity * overflowWeight,
    updatedAt: clock.now(),
    weight: overflowWeight,
  };

  function refill(bucket: Bucket, now: number): void {
    // max(0, …): a wall clock stepped backwards must not drain a bucket.
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(capacity * bucket.weight, bucket.tokens + elapsed * refillPerMs * bucket.weight);
    bucket.updatedAt = Math.max(bucket.updatedAt, now);
  }

  function isFull(bucket: Bucket, now: number): boolean {
    const elapsed = Math.max(0, now - bucket.updatedAt);
    return bucket.tokens + elapsed * refillPerMs * bucket.weight >= capacity * bucket.weight;
  }

  function makeRoom(now: number): boolean {
    let scanned = 0;
    for (const [key, bucket] of buckets) {
      if (buckets.size < maxTrackedKeys) return true;
      if (scanned++ >= PRUNE_SCAN) break;
      if (isFull(bucket, now)) buckets.delete(key);
    }
    return buckets.size < maxTrackedKeys;
  }

  /** The bucket for `subject`, refilled to now; the shared overflow bucket when there is no room. */
  function bucketFor(subject: LimitSubject, now: number): Bucket {
    let bucket = buckets.get(subject.key);
    if (bucket === undefined) {
      if (!makeRoom(now)) {
        refill(overflow, now);
        return overflow;
      }
      bucket = { tokens: capacity * subject.weight, updatedAt: now, weight: subject.weight };
    } else {
      buckets.delete(subject.key);
      refill(bucket, now);
    }
    buckets.set(subject.key, bucket);
    return bucket;
  }

  function bucketsOf(subjects: LimitSubjects): Bucket[] {
    const now = clock.now();
    // A Set: two subjects that both land in the overflow bucket must not pay twice.
    return [...new Set(asSubjects(subjects).map((subject) => bucketFor(subject, now)))];
  }

  return {
    tryTake(subjects, cost = 1) {
      const found = bucketsOf(subjects);
      if (!found.every((bucket) => bucket.tokens >= cost)) return false;
      for (const bucket of found) bucket.tokens -= cost;
      return true;
    },
    charge(subjects, cost) {
      for (const bucket of bucketsOf(subjects)) {
        bucket.tokens = Math.max(-capacity * bucket.weight, bucket.tokens - cost);
      }
    },
    trackedKeys: () => buckets.size,
  };
}
