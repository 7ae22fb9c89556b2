/**
 * Who is paired with whom, kept in memory by one service instance.
 *
 * A pairing starts when a socket opens a nameplate and is complete when a second socket joins it.
 * The nameplate is only the meeting point: it is freed the moment the second device joins (the
 * pair goes on by socket, not by nameplate), when its opener leaves, or when it expires unjoined,
 * and the next `open` gets the lowest free nameplate again. So an open code holds a nameplate for
 * as long as someone is really waiting on it, and never after: the space cannot be filled by
 * finished pairings, and an attacker can only hold what the per-address cap lets it hold open.
 *
 * A short, bounded memory of recently ended nameplates lets a late join hear CODE_USED or
 * CODE_EXPIRED instead of CODE_NOT_FOUND; it never blocks a nameplate from being handed out again.
 *
 * An open code can be taken back by its opener after a reconnection (its connection dropped, or the
 * service restarted behind a balancer): `open` with the nameplate and the resume token it was given
 * moves a still-open code to the new connection, or reopens one its old connection left, until the
 * original deadline. Nobody else has the token, so nobody else can take a code this way.
 *
 * Only the public nameplate is stored; the secret part of a pairing code never reaches the service.
 */
import { isNameplate } from '../../contracts/pairing-code';
import { err, ok, type Result } from '../../contracts/result';
import type { Clock, ClockTimer } from './clock';
import { randomBytes, randomInt } from 'node:crypto';
import { indexOfNameplate, LowestFreeAllocator, nameplateAt } from './nameplate-space';

/** Random draws cover the three-symbol nameplates: indices 31 + 961 up to 31 + 961 + 29 791. */
const RANDOM_FIRST_INDEX = 31 + 31 ** 2;
const RANDOM_SPAN = 31 ** 3;
const RANDOM_DRAWS = 16;

export const DEFAULT_CODE_TTL_MS = 10 * 60 * 1000;
/** Open codes one address may hold at once: a household or office behind one NAT fits well within. */
export const DEFAULT_MAX_OPEN_CODES_PER_ADDRESS = 16;
const RECENTLY_ENDED_MEMORY = 4096;
const RECENTLY_ENDED_FOR_MS = 10 * 60 * 1000;
/** Node fires a longer timeout at once (with a warning), which would expire every code on open. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export type SocketId = string;

export interface OpenedNameplate {
  readonly nameplate: string;
  /** Milliseconds since the epoch when the nameplate stops being joinable. */
  readonly expiresAt: number;
  /** Lets the opener take the code back after a reconnection. */
  readonly resumeToken: string;
}

/** A fresh resume token: 128 random bits, unguessable. */
export function newResumeToken(): string {
  return randomBytes(16).toString('base64url');
}

export interface OpenRequest {
  /** Who the opener counts as for the per-address cap (its rate-limit key). */
  readonly owner: string;
  /** Claim exactly this nameplate (the same code open on two services); refused if it is taken. */
  readonly nameplate?: string | undefined;
  /** With `nameplate`: take back this client's own code (see the module comment). */
  readonly resumeToken?: string | undefined;
}

export interface JoinedPairing {
  readonly openerSocketId: SocketId;
}

export interface LeftPairing {
  /** The other socket of a complete pair, which should be told; undefined if nobody had joined. */
  readonly peerSocketId: SocketId | undefined;
  /** The socket that joined, whichever side left; undefined if nobody had joined. */
  readonly joinerSocketId: SocketId | undefined;
}

export interface ExpiredNameplate {
  readonly nameplate: string;
  readonly openerSocketId: SocketId;
}

export interface PairingStore {
  open(socketId: SocketId, request: OpenRequest): Result<OpenedNameplate>;
  join(socketId: SocketId, nameplate: string): Result<JoinedPairing>;
  /** What `join` would answer for `nameplate` (ok or why not), without joining or ending anything. */
  lookup(nameplate: string): Result<null>;
  /** The other socket of a complete pair, or undefined when `socketId` is not in one. */
  peerOf(socketId: SocketId): SocketId | undefined;
  /** Ends the socket's pairing, if any (on `pair:leave` and on disconnect). */
  leave(socketId: SocketId): LeftPairing | undefined;
  /** Called when an unjoined nameplate expires, so that its opener can be told. */
  onExpired(listener: (expired: ExpiredNameplate) => void): () => void;
  /** Nameplates open and waiting for a second device right now. */
  openCount(): number;
  /** Stops all timers and forgets everything. */
  dispose(): void;
}

/**
 * How a nameplate is picked when the client names none. `lowest-free` (the internet service) keeps
 * codes short; `random` (the default, and what the desktop's embedded service uses) draws
 * three-symbol nameplates at random, because a code is looked up on every nearby embedded service
 * and neighbours handing out the lowest free one would all show the same nameplate. Both fall back
 * to the lowest free nameplate (which grows) when random draws keep hitting taken ones.
 */
export type NameplateAllocation = 'random' | 'lowest-free';

export interface PairingStoreOptions {
  clock: Clock;
  allocation?: NameplateAllocation;
  codeTtlMs?: number;
  maxOpenCodesPerAddress?: number;
}

interface Pairing {
  readonly nameplate: string;
  readonly index: number;
  readonly owner: string;
  /** Changes only when the opener takes its code back on a new connection. */
  openerSocketId: SocketId;
  readonly resumeToken: string;
  joinerSocketId: SocketId | undefined;
  readonly expiresAt: number;
  expiryTimer: ClockTimer | undefined;
}

type EndedOutcome = 'expired' | 'used';

interface EndedNameplate {
  readonly outcome: EndedOutcome;
  readonly forgetAt: number;
  /** An open code its opener left: it may take it back with this token until the deadline. */
  readonly resume?: { readonly token: string; readonly expiresAt: number } | undefined;
}

export function createPairingStore(options: PairingStoreOptions): PairingStore {
  const { clock } = options;
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  const maxOpenPerAddress = options.maxOpenCodesPerAddress ?? DEFAULT_MAX_OPEN_CODES_PER_ADDRESS;
  const allocation = options.allocation ?? 'random';
  if (!Number.isInteger(codeTtlMs) || codeTtlMs <= 0 || codeTtlMs > MAX_TIMER_DELAY_MS) {
    throw new RangeError(
      `codeTtlMs must be an integer between 1 and ${MAX_TIMER_DELAY_MS}, got ${codeTtlMs}`,
    );
  }

  const allocator = new LowestFreeAllocator();
  /** Open (unjoined) pairings by nameplate: the only thing a join can find. */
  const waiting = new Map<string, Pairing>();
  /** Every pairing, open or complete, by each of its sockets. */
  const pairingsBySocket = new Map<SocketId, Pairing>();
  const openByOwner = new Map<string, number>();
  // Insertion order is forget order (the period is constant), so pruning stops at the first keeper.
  const recentlyEnded = new Map<string, EndedNameplate>();
  const expiryListeners = new Set<(expired: ExpiredNameplate) => void>();

  function rememberEnded(nameplate: string, outcome: EndedOutcome, resume?: EndedNameplate['resume']): void {
    recentlyEnded.delete(nameplate);
    recentlyEnded.set(nameplate, { outcome, forgetAt: clock.now() + RECENTLY_ENDED_FOR_MS, resume });
    // Only words for a late joiner are lost by forgetting early, so the bound can be tight.
    while (recentlyEnded.size > RECENTLY_ENDED_MEMORY) {
      const oldest = recentlyEnded.keys().next();
      if (oldest.done === true) break;
      recentlyEnded.delete(oldest.value);
    }
  }

  function forgetOldEnded(now: number): void {
    for (const [nameplate, ended] of recentlyEnded) {
      if (ended.forgetAt > now) return;
      recentlyEnded.delete(nameplate);
    }
  }

  function countOpen(owner: string, delta: 1 | -1): void {
    const count = (openByOwner.get(owner) ?? 0) + delta;
    if (count <= 0) openByOwner.delete(owner);
    else openByOwner.set(owner, count);
  }

  /** The nameplate is no longer open: free it for the next opener. */
  function releaseNameplate(pairing: Pairing, outcome: EndedOutcome, resumable = false): void {
    if (pairing.expiryTimer !== undefined) clock.clearTimeout(pairing.expiryTimer);
    pairing.expiryTimer = undefined;
    if (waiting.get(pairing.nameplate) !== pairing) return;
    waiting.delete(pairing.nameplate);
    allocator.release(pairing.index);
    countOpen(pairing.owner, -1);
    const resume = resumable ? { token: pairing.resumeToken, expiresAt: pairing.expiresAt } : undefined;
    rememberEnded(pairing.nameplate, outcome, resume);
  }

  function place(
    socketId: SocketId,
    taken: { nameplate: string; index: number; owner: string; resumeToken: string; expiresAt: number },
  ): OpenedNameplate {
    const pairing: Pairing = {
      ...taken,
      openerSocketId: socketId,
      joinerSocketId: undefined,
      expiryTimer: undefined,
    };
    pairing.expiryTimer = clock.setTimeout(
      () => {
        pairing.expiryTimer = undefined;
        expire(pairing);
      },
      Math.max(0, taken.expiresAt - clock.now()),
    );
    waiting.set(taken.nameplate, pairing);
    pairingsBySocket.set(socketId, pairing);
    countOpen(taken.owner, 1);
    return { nameplate: taken.nameplate, expiresAt: taken.expiresAt, resumeToken: taken.resumeToken };
  }

  /** The opener taking its code back; undefined when the token does not open anything here. */
  function resume(socketId: SocketId, request: OpenRequest, now: number): OpenedNameplate | undefined {
    const { nameplate, resumeToken } = request;
    if (nameplate === undefined || resumeToken === undefined) return undefined;
    const live = waiting.get(nameplate);
    if (live !== undefined) {
      if (live.resumeToken !== resumeToken || now >= live.expiresAt) return undefined;
      // The old connection has not been noticed gone yet: the code moves to the new one.
      pairingsBySocket.delete(live.openerSocketId);
      live.openerSocketId = socketId;
      pairingsBySocket.set(socketId, live);
      return { nameplate, expiresAt: live.expiresAt, resumeToken };
    }
    const left = recentlyEnded.get(nameplate)?.resume;
    if (left?.token !== resumeToken || now >= left.expiresAt) return undefined;
    const index = indexOfNameplate(nameplate);
    if (index === undefined || !allocator.claim(index)) return undefined;
    recentlyEnded.delete(nameplate);
    return place(socketId, {
      nameplate,
      index,
      owner: request.owner,
      resumeToken,
      expiresAt: left.expiresAt,
    });
  }

  function expire(pairing: Pairing): void {
    releaseNameplate(pairing, 'expired');
    pairingsBySocket.delete(pairing.openerSocketId);
    const expired = { nameplate: pairing.nameplate, openerSocketId: pairing.openerSocketId };
    for (const listener of expiryListeners) listener(expired);
  }

  function takeNameplate(requested: string | undefined): Result<{ nameplate: string; index: number }> {
    if (requested === undefined) {
      if (allocation === 'random') {
        for (let draw = 0; draw < RANDOM_DRAWS; draw++) {
          const index = RANDOM_FIRST_INDEX + randomInt(RANDOM_SPAN);
          if (!recentlyEnded.has(nameplateAt(index)) && allocator.claim(index)) {
            return ok({ nameplate: nameplateAt(index), index });
          }
        }
      }
      const index = allocator.allocate();
      if (index === undefined) return err('UNAVAILABLE', 'no free nameplate');
      return ok({ nameplate: nameplateAt(index), index });
    }
    const index = isNameplate(requested) ? indexOfNameplate(requested) : undefined;
    if (index === undefined) return err('INVALID_PAYLOAD', 'not a nameplate');
    // A nameplate that just ended stays unclaimable by name for a while, so that a late joiner of
    // the old code hears "already used" rather than reaching a stranger's mirrored code.
    if (recentlyEnded.has(requested) || !allocator.claim(index)) return err('NAMEPLATE_TAKEN');
    return ok({ nameplate: requested, index });
  }

  return {
    open(socketId, request) {
      if (pairingsBySocket.has(socketId)) return err('ALREADY_PAIRED');
      const now = clock.now();
      forgetOldEnded(now);
      const live = request.nameplate === undefined ? undefined : waiting.get(request.nameplate);
      // Moving a live code to a new connection holds nothing more, so the cap does not apply.
      const moved = live === undefined ? undefined : resume(socketId, request, now);
      if (moved !== undefined) return ok(moved);
      if ((openByOwner.get(request.owner) ?? 0) >= maxOpenPerAddress) {
        return err('RATE_LIMITED', 'too many open codes from this address');
      }
      const resumed = resume(socketId, request, now);
      if (resumed !== undefined) return ok(resumed);
      const taken = takeNameplate(request.nameplate);
      if (!taken.ok) return taken;
      const { nameplate, index } = taken.value;
      recentlyEnded.delete(nameplate);
      return ok(
        place(socketId, {
          nameplate,
          index,
          owner: request.owner,
          resumeToken: request.resumeToken ?? newResumeToken(),
          expiresAt: now + codeTtlMs,
        }),
      );
    },

    join(socketId, nameplate) {
      if (pairingsBySocket.has(socketId)) return err('ALREADY_PAIRED');
      const now = clock.now();
      forgetOldEnded(now);
      const pairing = waiting.get(nameplate);
      if (pairing === undefined) {
        const ended = recentlyEnded.get(nameplate);
        if (ended === undefined) return err('CODE_NOT_FOUND');
        return err(ended.outcome === 'expired' ? 'CODE_EXPIRED' : 'CODE_USED');
      }
      // A timer may fire late (busy event loop); the deadline is what was promised to the opener.
      if (now >= pairing.expiresAt) {
        expire(pairing);
        return err('CODE_EXPIRED');
      }
      releaseNameplate(pairing, 'used');
      pairing.joinerSocketId = socketId;
      pairingsBySocket.set(socketId, pairing);
      return ok({ openerSocketId: pairing.openerSocketId });
    },

    lookup(nameplate) {
      const pairing = waiting.get(nameplate);
      if (pairing === undefined) {
        const ended = recentlyEnded.get(nameplate);
        if (ended === undefined || ended.forgetAt <= clock.now()) return err('CODE_NOT_FOUND');
        return err(ended.outcome === 'expired' ? 'CODE_EXPIRED' : 'CODE_USED');
      }
      // Past its deadline but its timer has not run yet: expired, and the timer will say so.
      if (clock.now() >= pairing.expiresAt) return err('CODE_EXPIRED');
      return ok(null);
    },

    peerOf(socketId) {
      const pairing = pairingsBySocket.get(socketId);
      if (pairing?.joinerSocketId === undefined) return undefined;
      return socketId === pairing.openerSocketId ? pairing.joinerSocketId : pairing.openerSocketId;
    },

    leave(socketId) {
      const pairing = pairingsBySocket.get(socketId);
      if (pairing === undefined) return undefined;
      pairingsBySocket.delete(pairing.openerSocketId);
      if (pairing.joinerSocketId === undefined) {
        // Resumable: the opener may only have lost its connection, and come back for its code.
        releaseNameplate(pairing, 'expired', true);
        return { peerSocketId: undefined, joinerSocketId: undefined };
      }
      pairingsBySocket.delete(pairing.joinerSocketId);
      const peerSocketId =
        socketId === pairing.openerSocketId ? pairing.joinerSocketId : pairing.openerSocketId;
      return { peerSocketId, joinerSocketId: pairing.joinerSocketId };
    },

    onExpired(listener) {
      expiryListeners.add(listener);
      return () => expiryListeners.delete(listener);
    },

    openCount: () => waiting.size,

    dispose() {
      for (const pairing of waiting.values()) {
        if (pairing.expiryTimer !== undefined) clock.clearTimeout(pairing.expiryTimer);
      }
      waiting.clear();
      pairingsBySocket.clear();
      openByOwner.clear();
      recentlyEnded.clear();
      expiryListeners.clear();
    },
  };
}
