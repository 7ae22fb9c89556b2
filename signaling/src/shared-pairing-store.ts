/**
 * The pairing store as the socket.io side uses it: asynchronous, so that it can live in memory
 * (one instance, pairing-store.ts) or in Redis (several instances, redis-pairing-store.ts) behind
 * the same calls. Likewise the address rate limiter.
 */
import type { Result } from '../../contracts/result';
import type {
  ExpiredNameplate,
  JoinedPairing,
  LeftPairing,
  OpenedNameplate,
  OpenRequest,
  PairingStore,
  SocketId,
} from './pairing-store';
import type { LimitSubjects, RateLimiter } from './rate-limiter';

/**
 * Open, join and lookup that first take one token from `admit`'s buckets, in the same step as the
 * operation (Redis: inside its script, one round trip instead of two); RATE_LIMITED and nothing
 * done when the buckets are empty. A store that cannot has none, and its callers take first.
 */
export interface AdmittingPairingStore {
  open(socketId: SocketId, request: OpenRequest, admit: LimitSubjects): Promise<Result<OpenedNameplate>>;
  join(socketId: SocketId, nameplate: string, admit: LimitSubjects): Promise<Result<JoinedPairing>>;
  lookup(nameplate: string, admit: LimitSubjects): Promise<Result<null>>;
}

export interface SharedPairingStore {
  open(socketId: SocketId, request: OpenRequest): Promise<Result<OpenedNameplate>>;
  join(socketId: SocketId, nameplate: string): Promise<Result<JoinedPairing>>;
  lookup(nameplate: string): Promise<Result<null>>;
  readonly admitting?: AdmittingPairingStore;
  peerOf(socketId: SocketId): Promise<SocketId | undefined>;
  leave(socketId: SocketId): Promise<LeftPairing | undefined>;
  onExpired(listener: (expired: ExpiredNameplate) => void): () => void;
  openCount(): Promise<number>;
  dispose(): void;
}

export interface SharedRateLimiter {
  tryTake(subjects: LimitSubjects, cost?: number): Promise<boolean>;
  charge(subjects: LimitSubjects, cost: number): Promise<void>;
}

export function sharedFromMemory(store: PairingStore): SharedPairingStore {
  return {
    open: (socketId, request) => Promise.resolve(store.open(socketId, request)),
    join: (socketId, nameplate) => Promise.resolve(store.join(socketId, nameplate)),
    lookup: (nameplate) => Promise.resolve(store.lookup(nameplate)),
    peerOf: (socketId) => Promise.resolve(store.peerOf(socketId)),
    leave: (socketId) => Promise.resolve(store.leave(socketId)),
    onExpired: (listener) => store.onExpired(listener),
    openCount: () => Promise.resolve(store.openCount()),
    dispose: () => store.dispose(),
  };
}

export function sharedLimiterFromMemory(limiter: RateLimiter): SharedRateLimiter {
  return {
    tryTake: (subjects, cost) => Promise.resolve(limiter.tryTake(subjects, cost)),
    charge: (subjects, cost) => {
      limiter.charge(subjects, cost);
      return Promise.resolve();
    },
  };
}
