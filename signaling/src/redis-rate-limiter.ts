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

/** KEYS: one bucket per subject. ARGV: mode (take|charge), now, cost, capacity, refill/ms, weights… */
export const TOKEN_BUCKET_SCRIPT = `
local mode = ARGV[1]
local now = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local capacity = tonumber(ARGV[4])
local perMs = tonumber(ARGV[5])
local tokens = {}
for i, key in ipairs(KEYS) do
  local weight = tonumber(ARGV[5 + i])
  local full = capacity * weight
  local state = redis.call('HMGET', key, 't', 'u')
  local t, u = tonumber(state[1]), tonumber(state[2])
  if t == nil then t, u = full, now end
  t = math.min(full, t + math.max(0, now - u) * perMs * weight)
  tokens[i] = t
  if mode == 'take' and t < cost then return 0 end
end
for i, key in ipairs(KEYS) do
  local weight = tonumber(ARGV[5 + i])
  local full = capacity * weight
  local left = math.max(-full, tokens[i] - cost)
  redis.call('HSET', key, 't', tostring(left), 'u', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((full - left) / (perMs * weight)) + 1000)
end
return 1
`;

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

export function createRedisRateLimiter(options: RedisRateLimiterOptions): SharedRateLimiter {
  const capacity = options.capacity ?? DEFAULT_RATE_LIMIT.capacity;
  const perMs = (options.refillPerSecond ?? DEFAULT_RATE_LIMIT.refillPerSecond) / 1000;

  async function run(mode: 'take' | 'charge', subjects: LimitSubjects, cost: number): Promise<boolean> {
    const list = asSubjects(subjects);
    const reply = await options.redis.runScript(
      TOKEN_BUCKET_SCRIPT,
      list.map((subject) => `${options.keyPrefix}bucket:${subject.key}`),
      [
        mode,
        String(options.clock.now()),
        String(cost),
        String(capacity),
        String(perMs),
        ...list.map((s) => String(s.weight)),
      ],
    );
    return reply === 1;
  }

  return {
    tryTake: (subjects, cost = 1) => run('take', subjects, cost),
    charge: async (subjects, cost) => {
      await run('charge', subjects, cost);
    },
  };
}
