/**
 * A typed client for the signaling service: one socket per pairing attempt.
 *
 * Acks are parsed as `Result` envelopes and events with the contract schemas, so a misbehaving or
 * incompatible service yields an error code, never an exception in the engine.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  SIGNALING_PROTOCOL_VERSION,
  iceServersSchema,
  pairAbortedEventSchema,
  pairEndedEventSchema,
  peerJoinedEventSchema,
  signalEventSchema,
  type ClientToServerEvents,
  type PairAbortReason,
  type PairEndReason,
  type PairJoined,
  type PairOpened,
  type ServerToClientEvents,
  type SignalData,
} from '../../../contracts/signaling';
import { err, resultSchema, type Result } from '../../../contracts/result';

const ACK_TIMEOUT_MS = 10_000;

const pairOpenedSchema = z.object({
  nameplate: z.string(),
  expiresAt: z.number(),
  iceServers: iceServersSchema,
});
const pairJoinedSchema = z.object({ iceServers: iceServersSchema });
const openAckSchema = resultSchema(pairOpenedSchema);
const joinAckSchema = resultSchema(pairJoinedSchema);
const nullAckSchema = resultSchema(z.null());

export interface SignalingHandlers {
  onPeerJoined?: () => void;
  onSignal?: (data: SignalData) => void;
  onPairEnded?: (reason: PairEndReason) => void;
  /** The other device gave up and told us why. */
  onPairAborted?: (reason: PairAbortReason) => void;
  /** The service refused this client outright (e.g. an incompatible protocol version). */
  onRefused?: (code: string) => void;
}

type FerrySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SignalingConnection {
  private readonly socket: FerrySocket;

  constructor(url: string, handlers: SignalingHandlers) {
    this.socket = io(url, {
      auth: { protocol: SIGNALING_PROTOCOL_VERSION },
      // One connection per pairing attempt; no sharing with other attempts' sockets.
      forceNew: true,
      // Websocket first, long-polling where a proxy blocks it.
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
    });
    this.socket.on('pair:peer-joined', (event) => {
      if (peerJoinedEventSchema.safeParse(event).success) handlers.onPeerJoined?.();
    });
    this.socket.on('signal:relay', (event) => {
      const parsed = signalEventSchema.safeParse(event);
      if (parsed.success) handlers.onSignal?.(parsed.data.data);
    });
    this.socket.on('pair:ended', (event) => {
      const parsed = pairEndedEventSchema.safeParse(event);
      if (parsed.success) handlers.onPairEnded?.(parsed.data.reason);
    });
    this.socket.on('pair:aborted', (event) => {
      const parsed = pairAbortedEventSchema.safeParse(event);
      if (parsed.success) handlers.onPairAborted?.(parsed.data.reason);
    });
    this.socket.on('connect_error', (error) => {
      const data: unknown = (error as { data?: unknown }).data;
      const code = z.object({ code: z.string() }).safeParse(data);
      if (code.success) {
        this.socket.disconnect();
        handlers.onRefused?.(code.data.code);
      }
    });
  }

  open(): Promise<Result<PairOpened>> {
    return this.request(openAckSchema, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('pair:open', {}),
    );
  }

  join(nameplate: string): Promise<Result<PairJoined>> {
    return this.request(joinAckSchema, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('pair:join', { nameplate }),
    );
  }

  /** Whether `nameplate` is joinable on this service, without joining it (see `pair:lookup`). */
  lookup(nameplate: string, timeoutMs = ACK_TIMEOUT_MS): Promise<Result<null>> {
    return this.request(nullAckSchema, () =>
      this.socket.timeout(timeoutMs).emitWithAck('pair:lookup', { nameplate }),
    );
  }

  relay(data: SignalData): Promise<Result<null>> {
    return this.request(nullAckSchema, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('signal:relay', { data }),
    );
  }

  /** Ends the pairing on the service and tells the other device why (answered once relayed). */
  abort(reason: PairAbortReason, timeoutMs = ACK_TIMEOUT_MS): Promise<Result<null>> {
    if (!this.socket.connected) return Promise.resolve(err('UNAVAILABLE'));
    return this.request(nullAckSchema, () =>
      this.socket.timeout(timeoutMs).emitWithAck('pair:abort', { reason }),
    );
  }

  /** Leaves the pair and closes the socket; the peer connection, if any, is unaffected. */
  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private async request<T>(schema: z.ZodType<Result<T>>, send: () => Promise<unknown>): Promise<Result<T>> {
    let reply: unknown;
    try {
      reply = await send();
    } catch {
      // socket.io rejects when no ack arrived in time: the service is unreachable or overloaded.
      return err(this.socket.connected ? 'TIMEOUT' : 'UNAVAILABLE');
    }
    const parsed = schema.safeParse(reply);
    return parsed.success ? parsed.data : err('INVALID_PAYLOAD', 'malformed ack from the service');
  }
}
