/** socket.io types of the signaling service, typed by the event maps of the shared contract. */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../contracts/signaling';
import type { LimitSubject } from './rate-limiter';

/** Instances do not talk to each other yet (one process); a Redis adapter would add events here. */
export type InterServerEvents = Record<string, never>;

export interface SignalingSocketData {
  /** Who this connection counts as for per-address caps (see `rateLimitKey`). */
  rateLimitKey: string;
  /** The buckets its opens and joins are counted against (see `limitSubjectsOf`). */
  limitSubjects: LimitSubject[];
}

export type SignalingServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SignalingSocketData
>;
export type SignalingSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SignalingSocketData
>;
export type ClientEventName = keyof ClientToServerEvents;
