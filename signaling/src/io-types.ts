/** socket.io types of the signaling service, typed by the event maps of the shared contract. */
import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  PairAbortReason,
  PairEndReason,
  RelayData,
  ServerToClientEvents,
  SignalData,
} from '../../contracts/signaling';
import type { LimitSubject } from './rate-limiter';

/** A message for a socket that may be on another instance (see server.ts `deliver`). */
export type Delivery =
  // `from`: the joiner, so that the opener's instance knows its peer without asking Redis.
  | {
      readonly to: string;
      readonly event: 'pair:peer-joined';
      readonly payload: Record<string, never>;
      readonly from?: string;
    }
  | { readonly to: string; readonly event: 'pair:ended'; readonly payload: { reason: PairEndReason } }
  | { readonly to: string; readonly event: 'pair:aborted'; readonly payload: { reason: PairAbortReason } }
  // Handshake data or the devices' PAKE messages, relayed as they came. `from`: the sender, which
  // the receiving instance checks is still its socket's peer (server.ts `peers`).
  | {
      readonly to: string;
      readonly event: 'signal:relay';
      readonly payload: { data: RelayData };
      readonly from?: string;
    }
  | {
      readonly to: string;
      readonly event: 'presence:peer';
      readonly payload: { rendezvousId: string; present: boolean };
    }
  | {
      readonly to: string;
      readonly event: 'presence:signal';
      readonly payload: { rendezvousId: string; data: SignalData; restart?: true };
    };

/** What instances sharing a Redis tell each other (socket.io's Redis adapter carries it). */
export interface InterServerEvents {
  'ferry:deliver': (delivery: Delivery) => void;
  /** Charge the address of socket `to` (a failed join found out on another instance). */
  'ferry:charge': (charge: { to: string; cost: number }) => void;
}

export interface SignalingSocketData {
  /** Who this connection counts as for per-address caps (see `rateLimitKey`). */
  rateLimitKey: string;
  /** The buckets its opens and joins are counted against (see `limitSubjectsOf`). */
  limitSubjects: LimitSubject[];
  /**
   * Presence rooms (contracts/presence.ts) this connection proved a key for: room id → that key.
   * In `data` so that other instances see it when they list a room's members.
   */
  presenceKeys?: Record<string, string>;
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
