/**
 * The pairing store shared by every instance through Redis, so that a code opened on one instance
 * can be joined through another. Same rules as the in-memory store (pairing-store.ts): the lowest
 * free nameplate, freed at join, leave or expiry; open codes capped per address; a bounded memory
 * of ended nameplates so that a late joiner hears CODE_USED / CODE_EXPIRED.
 *
 * Every operation is one Lua script, so it is atomic across instances: two instances can never
 * hand out the same nameplate or let two devices join one code. Expiry does not depend on the
 * instance that opened a code staying alive: each script first sweeps nameplates past their
 * deadline (a crashed instance's codes included), and every key carries a TTL so that nothing a
 * dead instance wrote outlives its purpose. The opener's own instance keeps a timer as well, so the
 * opener is told when its code expires.
 *
 * Keys are plain (no hash tags): this needs one Redis (or a Sentinel-managed primary), not Cluster.
 */
import { err, ok, type ErrorCode, type Result } from '../../contracts/result';
import type { Clock, ClockTimer } from './clock';
import { indexOfNameplate, nameplateAt } from './nameplate-space';
import type {
  ExpiredNameplate,
  JoinedPairing,
  LeftPairing,
  OpenedNameplate,
  OpenRequest,
  SocketId,
} from './pairing-store';
import type { SharedPairingStore } from './shared-pairing-store';
import { newResumeToken } from './pairing-store';
import type { RedisScriptRunner } from './redis-connection';
import type { LimitSubjects } from './rate-limiter';
import { TOKEN_BUCKET_FUNCTION, type RedisBuckets } from './redis-rate-limiter';

const RECENTLY_ENDED_FOR_MS = 10 * 60 * 1000;
/** How long a paired socket's record lives: far past any handshake, short of forever. */
const PAIRED_RECORD_MS = 24 * 60 * 60 * 1000;
/** Overdue nameplates released per script run; a backlog is worked off over a few calls. */
const SWEEP_BATCH = 64;

/**
 * ARGV[1] is the operation, ARGV[2] the clock's now (ms), the rest depend on the operation.
 * Replies are arrays whose first element says what happened.
 */
export const PAIRING_SCRIPT = `${TOKEN_BUCKET_FUNCTION}
local P = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local ENDED_MS = ${RECENTLY_ENDED_FOR_MS}
local PAIRED_MS = ${PAIRED_RECORD_MS}

local function rec(idx) return P .. 'np:' .. idx end
local function sockKey(id) return P .. 'sock:' .. id end
local function ownerKey(owner) return P .. 'owner:' .. owner end

local function release(idx, outcome)
  local owner = redis.call('HGET', rec(idx), 'owner')
  if owner then redis.call('ZREM', ownerKey(owner), idx) end
  redis.call('DEL', rec(idx))
  redis.call('ZREM', P .. 'expiry', idx)
  redis.call('ZADD', P .. 'free', tonumber(idx), idx)
  redis.call('SET', P .. 'ended:' .. idx, outcome, 'PX', ENDED_MS)
end

-- Codes past their deadline whoever opened them: an instance that died cannot expire its own.
local function sweep()
  local due = redis.call('ZRANGEBYSCORE', P .. 'expiry', '-inf', now, 'LIMIT', 0, ${SWEEP_BATCH})
  for _, idx in ipairs(due) do
    local opener = redis.call('HGET', rec(idx), 'opener')
    if opener and redis.call('GET', sockKey(opener)) == ('o:' .. idx) then
      redis.call('DEL', sockKey(opener))
    end
    release(idx, 'expired')
  end
end

local function isTaken(idx) return redis.call('EXISTS', rec(idx)) == 1 end

local function endedOutcome(idx)
  local outcome = redis.call('GET', P .. 'ended:' .. idx)
  if outcome == 'used' then return 'CODE_USED' end
  if outcome == 'expired' then return 'CODE_EXPIRED' end
  return 'CODE_NOT_FOUND'
end

-- Admission: with KEYS[2…] (the address's buckets), the last 3 + #buckets ARGV are cost, capacity,
-- refill per ms and each bucket's weight (BucketCall). Refused: nothing else is done.
if #KEYS > 1 then
  local n = #KEYS - 1
  local base = #ARGV - n - 3
  local keys, weights = {}, {}
  for i = 1, n do
    keys[i] = KEYS[1 + i]
    weights[i] = tonumber(ARGV[base + 3 + i])
  end
  local cost, capacity, perMs = tonumber(ARGV[base + 1]), tonumber(ARGV[base + 2]), tonumber(ARGV[base + 3])
  if tokenBuckets('take', keys, weights, now, cost, capacity, perMs) == 0 then return {'RATE_LIMITED'} end
end

if op == 'admit' then return {'OK'} end

if op == 'open' then
  -- ARGV: socketId, owner, requested index or '', ttlMs, maxOpenPerOwner, maxIndex, token, resuming
  local socketId, owner, requested = ARGV[3], ARGV[4], ARGV[5]
  local ttl, maxOpen, maxIndex = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
  local token, resuming = ARGV[9], ARGV[10] == '1'
  sweep()
  if redis.call('EXISTS', sockKey(socketId)) == 1 then return {'ALREADY_PAIRED'} end
  local expiresAt = now + ttl
  if resuming and isTaken(requested) then
    -- Its old connection (or instance) has not been noticed gone: the code moves to this one.
    if redis.call('HGET', rec(requested), 'token') ~= token then return {'NAMEPLATE_TAKEN'} end
    local old = redis.call('HGET', rec(requested), 'opener')
    if redis.call('GET', sockKey(old)) == ('o:' .. requested) then redis.call('DEL', sockKey(old)) end
    redis.call('HSET', rec(requested), 'opener', socketId)
    local deadline = redis.call('HGET', rec(requested), 'expiresAt')
    redis.call('SET', sockKey(socketId), 'o:' .. requested, 'PX', ttl + ENDED_MS)
    return {'OK', requested, deadline}
  end
  redis.call('ZREMRANGEBYSCORE', ownerKey(owner), '-inf', now)
  if redis.call('ZCARD', ownerKey(owner)) >= maxOpen then return {'RATE_LIMITED'} end
  local idx
  if requested ~= '' then
    if isTaken(requested) then return {'NAMEPLATE_TAKEN'} end
    if redis.call('EXISTS', P .. 'ended:' .. requested) == 1 then
      -- Recently ended: only its own opener may take it back, and only until its deadline.
      local left = redis.call('GET', P .. 'resume:' .. requested)
      if not resuming or left == false then return {'NAMEPLATE_TAKEN'} end
      local sep = string.find(left, '|', 1, true)
      if string.sub(left, 1, sep - 1) ~= token then return {'NAMEPLATE_TAKEN'} end
      expiresAt = tonumber(string.sub(left, sep + 1))
      if expiresAt <= now then return {'NAMEPLATE_TAKEN'} end
      redis.call('DEL', P .. 'resume:' .. requested)
    end
    idx = requested
  else
    while true do
      local lowest = redis.call('ZPOPMIN', P .. 'free')
      if lowest[1] == nil then break end
      if not isTaken(lowest[1]) then idx = lowest[1] break end
    end
    while idx == nil do
      local fresh = redis.call('INCR', P .. 'next') - 1
      if fresh >= maxIndex then return {'UNAVAILABLE'} end
      if not isTaken(tostring(fresh)) then idx = tostring(fresh) end
    end
  end
  redis.call('HSET', rec(idx), 'opener', socketId, 'owner', owner, 'expiresAt', expiresAt, 'token', token)
  redis.call('PEXPIRE', rec(idx), ttl + ENDED_MS)
  redis.call('ZADD', P .. 'expiry', expiresAt, idx)
  redis.call('ZADD', ownerKey(owner), expiresAt, idx)
  redis.call('PEXPIRE', ownerKey(owner), ttl)
  redis.call('DEL', P .. 'ended:' .. idx)
  redis.call('SET', sockKey(socketId), 'o:' .. idx, 'PX', ttl + ENDED_MS)
  return {'OK', idx, tostring(expiresAt)}
end

if op == 'join' or op == 'lookup' then
  -- ARGV: index, socketId (join only)
  local idx = ARGV[3]
  sweep()
  if op == 'join' and redis.call('EXISTS', sockKey(ARGV[4])) == 1 then return {'ALREADY_PAIRED'} end
  if not isTaken(idx) then return {endedOutcome(idx)} end
  if op == 'lookup' then return {'OK'} end
  local joiner = ARGV[4]
  local opener = redis.call('HGET', rec(idx), 'opener')
  release(idx, 'used')
  redis.call('SET', sockKey(opener), 'p:o:' .. joiner, 'PX', PAIRED_MS)
  redis.call('SET', sockKey(joiner), 'p:j:' .. opener, 'PX', PAIRED_MS)
  return {'OK', opener}
end

if op == 'peer' then
  local state = redis.call('GET', sockKey(ARGV[3]))
  if state and string.sub(state, 1, 2) == 'p:' then return {'OK', string.sub(state, 5)} end
  return {'NONE'}
end

if op == 'leave' then
  local socketId = ARGV[3]
  local state = redis.call('GET', sockKey(socketId))
  if not state then return {'NONE'} end
  redis.call('DEL', sockKey(socketId))
  if string.sub(state, 1, 2) == 'o:' then
    local idx = string.sub(state, 3)
    if redis.call('HGET', rec(idx), 'opener') == socketId then
      -- The opener may only have lost its connection: it can take the code back until its deadline.
      local token = redis.call('HGET', rec(idx), 'token')
      local deadline = tonumber(redis.call('HGET', rec(idx), 'expiresAt'))
      release(idx, 'expired')
      if token and deadline > now then
        redis.call('SET', P .. 'resume:' .. idx, token .. '|' .. deadline, 'PX', deadline - now)
      end
    end
    return {'OPEN'}
  end
  local role, peer = string.sub(state, 3, 3), string.sub(state, 5)
  local peerState = redis.call('GET', sockKey(peer))
  if peerState and string.sub(peerState, 5) == socketId then redis.call('DEL', sockKey(peer)) end
  return {'PAIRED', peer, role == 'j' and socketId or peer}
end

if op == 'expire' then
  -- The opener's instance, when its timer fires: release if this socket still waits on it.
  local idx, socketId = ARGV[3], ARGV[4]
  if redis.call('HGET', rec(idx), 'opener') ~= socketId then return {'NONE'} end
  if redis.call('GET', sockKey(socketId)) == ('o:' .. idx) then redis.call('DEL', sockKey(socketId)) end
  release(idx, 'expired')
  return {'OK'}
end

if op == 'count' then
  sweep()
  return {'OK', tostring(redis.call('ZCARD', P .. 'expiry'))}
end

return {'UNKNOWN'}
`;

export interface RedisPairingStoreOptions {
  readonly redis: RedisScriptRunner;
  readonly clock: Clock;
  readonly codeTtlMs: number;
  readonly maxOpenCodesPerAddress: number;
  /** Namespaces every key, so that several deployments (or tests) can share one Redis. */
  readonly keyPrefix: string;
  /** One past the largest nameplate index handed out. */
  readonly spaceSize: number;
  /**
   * The address rate limiter's buckets (redis-rate-limiter.ts): then open, join and lookup take
   * their token inside the same script (`admitting`), one round trip instead of two.
   */
  readonly buckets?: RedisBuckets;
}

type Reply = readonly string[];

function failure<T>(code: string): Result<T> {
  return err(code as ErrorCode);
}

export function createRedisPairingStore(options: RedisPairingStoreOptions): SharedPairingStore {
  const { redis, clock, codeTtlMs, keyPrefix } = options;
  const expiryListeners = new Set<(expired: ExpiredNameplate) => void>();
  /** This instance's openers, so that each can be told when its code expires unjoined. */
  const timers = new Map<SocketId, ClockTimer>();

  /** Runs `op`; with `admit`, only once one token is taken from those buckets (else RATE_LIMITED). */
  async function runAdmitted(
    admit: LimitSubjects | undefined,
    op: string,
    ...args: string[]
  ): Promise<Reply> {
    const bucketCall = admit === undefined ? undefined : options.buckets?.call(admit, 1);
    const reply = await redis.runScript(
      PAIRING_SCRIPT,
      [keyPrefix, ...(bucketCall?.keys ?? [])],
      [op, String(clock.now()), ...args, ...(bucketCall?.args ?? [])],
    );
    if (!Array.isArray(reply) || !reply.every((part) => typeof part === 'string')) {
      throw new Error(`unexpected reply from the pairing script: ${JSON.stringify(reply)}`);
    }
    return reply as string[];
  }

  function run(op: string, ...args: string[]): Promise<Reply> {
    return runAdmitted(undefined, op, ...args);
  }

  /** A request refused before it reaches the script still costs its token, as it did before. */
  async function refusedAfterToken<T>(
    admit: LimitSubjects | undefined,
    refusal: Result<T>,
  ): Promise<Result<T>> {
    if (admit === undefined) return refusal;
    const [status] = await runAdmitted(admit, 'admit');
    return status === 'OK' ? refusal : failure(status ?? 'INTERNAL');
  }

  function stopTimer(socketId: SocketId): void {
    const timer = timers.get(socketId);
    if (timer === undefined) return;
    clock.clearTimeout(timer);
    timers.delete(socketId);
  }

  async function open(
    socketId: SocketId,
    request: OpenRequest,
    admit?: LimitSubjects,
  ): Promise<Result<OpenedNameplate>> {
    let requested = '';
    if (request.nameplate !== undefined) {
      const index = indexOfNameplate(request.nameplate);
      if (index === undefined) return refusedAfterToken(admit, err('INVALID_PAYLOAD', 'not a nameplate'));
      requested = String(index);
    }
    const resumeToken = request.resumeToken ?? newResumeToken();
    const resuming = request.nameplate !== undefined && request.resumeToken !== undefined;
    const [status = 'INTERNAL', index = '', expiresAtText = ''] = await runAdmitted(
      admit,
      'open',
      socketId,
      request.owner,
      requested,
      String(codeTtlMs),
      String(options.maxOpenCodesPerAddress),
      String(options.spaceSize),
      resumeToken,
      resuming ? '1' : '0',
    );
    if (status !== 'OK') return failure(status);
    const nameplate = nameplateAt(Number(index));
    const expiresAt = Number(expiresAtText);
    stopTimer(socketId);
    timers.set(
      socketId,
      clock.setTimeout(
        () => {
          timers.delete(socketId);
          void run('expire', index, socketId).then(
            ([expired]) => {
              if (expired !== 'OK') return;
              for (const listener of expiryListeners) listener({ nameplate, openerSocketId: socketId });
            },
            // Redis unreachable: the sweep of a later call expires the code instead.
            () => undefined,
          );
        },
        Math.max(0, expiresAt - clock.now()),
      ),
    );
    return ok({ nameplate, expiresAt, resumeToken });
  }

  async function join(
    socketId: SocketId,
    nameplate: string,
    admit?: LimitSubjects,
  ): Promise<Result<JoinedPairing>> {
    const index = indexOfNameplate(nameplate);
    if (index === undefined) return refusedAfterToken(admit, err('CODE_NOT_FOUND'));
    const [status = 'INTERNAL', opener = ''] = await runAdmitted(admit, 'join', String(index), socketId);
    if (status !== 'OK') return failure(status);
    stopTimer(opener);
    return ok({ openerSocketId: opener });
  }

  async function lookup(nameplate: string, admit?: LimitSubjects): Promise<Result<null>> {
    const index = indexOfNameplate(nameplate);
    if (index === undefined) return refusedAfterToken(admit, err('CODE_NOT_FOUND'));
    const [status = 'INTERNAL'] = await runAdmitted(admit, 'lookup', String(index));
    return status === 'OK' ? ok(null) : failure(status);
  }

  return {
    open: (socketId, request) => open(socketId, request),
    join: (socketId, nameplate) => join(socketId, nameplate),
    lookup: (nameplate) => lookup(nameplate),
    ...(options.buckets === undefined ? {} : { admitting: { open, join, lookup } }),

    async peerOf(socketId) {
      const [status, peer] = await run('peer', socketId);
      return status === 'OK' ? peer : undefined;
    },

    async leave(socketId): Promise<LeftPairing | undefined> {
      stopTimer(socketId);
      const [status, peer, joiner] = await run('leave', socketId);
      if (status === 'OPEN') return { peerSocketId: undefined, joinerSocketId: undefined };
      if (status === 'PAIRED') return { peerSocketId: peer, joinerSocketId: joiner };
      return undefined;
    },

    onExpired(listener) {
      expiryListeners.add(listener);
      return () => expiryListeners.delete(listener);
    },

    async openCount() {
      const [, count = '0'] = await run('count');
      return Number(count);
    },

    dispose() {
      for (const timer of timers.values()) clock.clearTimeout(timer);
      timers.clear();
      expiryListeners.clear();
    },
  };
}
