/**
 * Who is paired with whom: the service's whole state, kept in memory.
 *
 * A pairing starts when a socket opens a nameplate and is complete when a second socket joins it.
 * A nameplate is single-use: once its pairing ends (expired unjoined, opener gone, or either side
 * of a complete pair gone) it is remembered for a while as ended, so that a late join learns why
 * it failed (CODE_EXPIRED / CODE_USED) instead of CODE_NOT_FOUND, and so that the same nameplate
 * is not handed out again while someone may still be typing the old code.
 *
 * Only the public nameplate is stored; the secret part of a pairing code never reaches the service.
 */
import { generateNameplate } from '../../contracts/pairing-code';
import { err, ok, type Result } from '../../contracts/result';
import type { Clock, ClockTimer } from './clock';

export const DEFAULT_CODE_TTL_MS = 10 * 60 * 1000;
export const DEFAULT_ENDED_NAMEPLATE_RETENTION_MS = 60 * 60 * 1000;
/**
 * Random draws before giving up on finding a free nameplate. Failing 64 draws in a row means over
 * ~95 % of the 29 791 nameplates are taken, which only a flood (which the rate limiter slows) causes.
 */
const MAX_NAMEPLATE_DRAWS = 64;
/** Node fires a longer timeout at once (with a warning), which would expire every code on open. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export type SocketId = string;

export interface OpenedNameplate {
  readonly nameplate: string;
  /** Milliseconds since the epoch when the nameplate stops being joinable. */
  readonly expiresAt: number;
}

export interface JoinedPairing {
  readonly openerSocketId: SocketId;
}

export interface LeftPairing {
  /** The other socket of a complete pair, which should be told; undefined if nobody had joined. */
  readonly peerSocketId: SocketId | undefined;
}

export interface ExpiredNameplate {
  readonly nameplate: string;
  readonly openerSocketId: SocketId;
}

export interface PairingStore {
  /** Opens a free nameplate, or exactly `wanted` when it is free here (else `NAMEPLATE_TAKEN`). */
  open(socketId: SocketId, wanted?: string): Result<OpenedNameplate>;
  join(socketId: SocketId, nameplate: string): Result<JoinedPairing>;
  /** What `join` would answer for `nameplate` (ok or why not), without joining or ending anything. */
  lookup(nameplate: string): Result<null>;
  /** The other socket of a complete pair, or undefined when `socketId` is not in one. */
  peerOf(socketId: SocketId): SocketId | undefined;
  /** Ends the socket's pairing, if any (on `pair:leave` and on disconnect). */
  leave(socketId: SocketId): LeftPairing | undefined;
  /** Called when an unjoined nameplate expires, so that its opener can be told. */
  onExpired(listener: (expired: ExpiredNameplate) => void): () => void;
  /** Stops all timers and forgets everything. */
  dispose(): void;
}

export interface PairingStoreOptions {
  clock: Clock;
  codeTtlMs?: number;
  endedNameplateRetentionMs?: number;
  /** Injected by tests to force collisions; crypto randomness otherwise. */
  generateNameplate?: () => string;
}

interface Pairing {
  readonly nameplate: string;
  readonly openerSocketId: SocketId;
  joinerSocketId: SocketId | undefined;
  readonly expiresAt: number;
  expiryTimer: ClockTimer | undefined;
}

type EndedOutcome = 'expired' | 'used';

interface EndedNameplate {
  readonly outcome: EndedOutcome;
  readonly forgetAt: number;
}

export function createPairingStore(options: PairingStoreOptions): PairingStore {
  const { clock } = options;
  const codeTtlMs = options.codeTtlMs ?? DEFAULT_CODE_TTL_MS;
  const retentionMs = options.endedNameplateRetentionMs ?? DEFAULT_ENDED_NAMEPLATE_RETENTION_MS;
  const drawNameplate = options.generateNameplate ?? (() => generateNameplate());
  if (!Number.isInteger(codeTtlMs) || codeTtlMs <= 0 || codeTtlMs > MAX_TIMER_DELAY_MS) {
    throw new RangeError(
      `codeTtlMs must be an integer between 1 and ${MAX_TIMER_DELAY_MS}, got ${codeTtlMs}`,
    );
  }

  const pairingsByNameplate = new Map<string, Pairing>();
  const pairingsBySocket = new Map<SocketId, Pairing>();
  // Insertion order is forget order (retention is constant), so pruning stops at the first keeper.
  const endedNameplates = new Map<string, EndedNameplate>();
  const expiryListeners = new Set<(expired: ExpiredNameplate) => void>();

  function forgetOldEndedNameplates(now: number): void {
    for (const [nameplate, ended] of endedNameplates) {
      if (ended.forgetAt > now) return;
      endedNameplates.delete(nameplate);
    }
  }

  function isTaken(nameplate: string): boolean {
    return pairingsByNameplate.has(nameplate) || endedNameplates.has(nameplate);
  }

  function freeNameplate(): string | undefined {
    for (let draw = 0; draw < MAX_NAMEPLATE_DRAWS; draw++) {
      const candidate = drawNameplate();
      if (!isTaken(candidate)) return candidate;
    }
    return undefined;
  }

  function end(pairing: Pairing, outcome: EndedOutcome): void {
    if (pairing.expiryTimer !== undefined) clock.clearTimeout(pairing.expiryTimer);
    pairingsByNameplate.delete(pairing.nameplate);
    pairingsBySocket.delete(pairing.openerSocketId);
    if (pairing.joinerSocketId !== undefined) pairingsBySocket.delete(pairing.joinerSocketId);
    endedNameplates.set(pairing.nameplate, { outcome, forgetAt: clock.now() + retentionMs });
  }

  function expire(pairing: Pairing): void {
    end(pairing, 'expired');
    const expired = { nameplate: pairing.nameplate, openerSocketId: pairing.openerSocketId };
    for (const listener of expiryListeners) listener(expired);
  }

  return {
    open(socketId, wanted) {
      if (pairingsBySocket.has(socketId)) return err('ALREADY_PAIRED');
      const now = clock.now();
      forgetOldEndedNameplates(now);
      if (wanted !== undefined && isTaken(wanted)) return err('NAMEPLATE_TAKEN');
      const nameplate = wanted ?? freeNameplate();
      if (nameplate === undefined) return err('UNAVAILABLE', 'no free nameplate');
      const pairing: Pairing = {
        nameplate,
        openerSocketId: socketId,
        joinerSocketId: undefined,
        expiresAt: now + codeTtlMs,
        expiryTimer: undefined,
      };
      pairing.expiryTimer = clock.setTimeout(() => {
        pairing.expiryTimer = undefined;
        expire(pairing);
      }, codeTtlMs);
      pairingsByNameplate.set(nameplate, pairing);
      pairingsBySocket.set(socketId, pairing);
      return ok({ nameplate, expiresAt: pairing.expiresAt });
    },

    join(socketId, nameplate) {
      if (pairingsBySocket.has(socketId)) return err('ALREADY_PAIRED');
      const now = clock.now();
      forgetOldEndedNameplates(now);
      const pairing = pairingsByNameplate.get(nameplate);
      if (pairing === undefined) {
        const ended = endedNameplates.get(nameplate);
        if (ended === undefined) return err('CODE_NOT_FOUND');
        return err(ended.outcome === 'expired' ? 'CODE_EXPIRED' : 'CODE_USED');
      }
      if (pairing.joinerSocketId !== undefined) return err('PAIR_FULL');
      // A timer may fire late (busy event loop); the deadline is what was promised to the opener.
      if (now >= pairing.expiresAt) {
        expire(pairing);
        return err('CODE_EXPIRED');
      }
      if (pairing.expiryTimer !== undefined) clock.clearTimeout(pairing.expiryTimer);
      pairing.expiryTimer = undefined;
      pairing.joinerSocketId = socketId;
      pairingsBySocket.set(socketId, pairing);
      return ok({ openerSocketId: pairing.openerSocketId });
    },

    lookup(nameplate) {
      const pairing = pairingsByNameplate.get(nameplate);
      if (pairing === undefined) {
        const ended = endedNameplates.get(nameplate);
        if (ended === undefined || ended.forgetAt <= clock.now()) return err('CODE_NOT_FOUND');
        return err(ended.outcome === 'expired' ? 'CODE_EXPIRED' : 'CODE_USED');
      }
      if (pairing.joinerSocketId !== undefined) return err('PAIR_FULL');
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
      const complete = pairing.joinerSocketId !== undefined;
      end(pairing, complete ? 'used' : 'expired');
      if (!complete) return { peerSocketId: undefined };
      const peerSocketId =
        socketId === pairing.openerSocketId ? pairing.joinerSocketId : pairing.openerSocketId;
      return { peerSocketId };
    },

    onExpired(listener) {
      expiryListeners.add(listener);
      return () => expiryListeners.delete(listener);
    },

    dispose() {
      for (const pairing of pairingsByNameplate.values()) {
        if (pairing.expiryTimer !== undefined) clock.clearTimeout(pairing.expiryTimer);
      }
      pairingsByNameplate.clear();
      pairingsBySocket.clear();
      endedNameplates.clear();
      expiryListeners.clear();
    },
  };
}
