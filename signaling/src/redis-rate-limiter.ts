/**
 * The address rate limiter of rate-limiter.ts kept in Redis, so that an address's budget is the
 * same whichever instance it reaches: spreading requests over instances gains nothing. Same token
 * buckets (capacity scaled by the subject's weight, debt down to one full bucket); each bucket is
 * a small hash that expires once it would have refilled completely, which is exactly what a fresh
 * bucket looks like, so Redis forgets only what is safe to forget and a flood of new addresses
 * cannot evict an attacker's empty bucket.
 */
import type { Clock } from './clock';
import { DEFAULT_RATE_LIMIT, type LimitSubject, type LimitSubjects } from './rate-limiter';
import type { RedisScriptRunner } from './redis-connection';
import type { SharedRateLimiter } from './shared-pairing-store';

/**
 * The token buckets as a Lua function, so that the pairing script can take an address's tokens in
 * the same step as an open or join (redis-pairing-store.ts: one round trip instead of two).
 * `mode` take: all buckets must hold `cost`, else nothing changes and it returns 0; charge: always.
 */
export const TOKEN_BUCKET_FUNCTION = `
local function tokenBuckets(mode, keys, weights, now, cost, capacity, perMs)
  local tokens = {}
  for i, key in ipairs(keys) do
    local weight = weights[i]
    local full = capacity * weight
    local state = redis.call('HMGET', key, 't', 'u')
    local t, u = tonumber(state[1]), tonumber(state[2])
    if t == nil then t, u = full, now end
    t = math.min(full, t + math.max(0, now - u) * perMs * weight)
    tokens[i] = t
    if mode == 'take' and t < cost then return 0 end
  end
  for i, key in ipairs(keys) do
    local weight = weights[i]
    local full = capacity * weight
    local left = math.max(-full, tokens[i] - cost)
    redis.call('HSET', key, 't', tostring(left), 'u', tostring(now))
    redis.call('PEXPIRE', key, math.ceil((full - left) / (perMs * weight)) + 1000)
  end
  return 1
end
`;

/** KEYS: one bucket per subject. ARGV: mode (take|charge), now, cost, capacity, refill/ms, weights… */
export const TOKEN_BUCKET_SCRIPT = `${TOKEN_BUCKET_FUNCTION}
local weights = {}
for i = 1, #KEYS do weights[i] = tonumber(ARGV[5 + i]) end
return tokenBuckets(ARGV[1], KEYS, weights, tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
`;

/**
 * What a script needs to take `cost` from the buckets of `subjects`: their keys, then
 * [cost, capacity, refill per ms, weight…] (TOKEN_BUCKET_FUNCTION's arguments).
 */
export interface BucketCall {
  readonly keys: string[];
  readonly args: string[];
}

export interface RedisRateLimiterOptions {
  readonly redis: RedisScriptRunner;
  readonly clock: Clock;
  readonly keyPrefix: string;
  readonly capacity?: number;
  readonly refillPerSecond?: number;
}

function asSubjects(subjects: LimitSubjects): readonly LimitSubject[] {
  return typeof subjects === 'string' ? [{ key: subjects, weight: 1 }] : subjects;
}

/** The buckets of one limiter, for a script of another module to take from (see BucketCall). */
export interface RedisBuckets {
  call(subjects: LimitSubjects, cost: number): BucketCall;
}

export function redisBucketsOf(options: Omit<RedisRateLimiterOptions, 'redis' | 'clock'>): RedisBuckets {
  const capacity = options.capacity ?? DEFAULT_RATE_LIMIT.capacity;
  const perMs = (options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond) / 1000;
  return {
    call(subjects, cost) {
      const list = asSubjects(subjects);
      return {
        keys: list.map((subject) => `${options.keyPrefix}bucket:${subject.key}`),
        args: [String(cost), String(capacity), String(perMs), ...list.map((s) => String(s.weight))],
      };
    },
  };
}

export function createRedisRateLimiter(options: RedisRateLimiterOptions): SharedRateLimiter {
  const buckets = redisBucketsOf(options);

  async function run(mode: 'take' | 'charge', subjects: LimitSubjects, cost: number): Promise<boolean> {
    const { keys, args } = buckets.call(subjects, cost);
    const [costArg = '', capacity = '', perMs = '', ...weights] = args;
    const reply = await options.redis.runScript(TOKEN_BUCKET_SCRIPT, keys, [
      mode,
      String(options.clock.now()),
      costArg,
      capacity,
      perMs,
      ...weights,
    ]);
    return reply === 1;
  }

  return {
    tryTake: (subjects, cost = 1) => run('take', subjects, cost),
    charge: async (subjects, cost) => {
      await run('charge', subjects, cost);
    },
  };
}
