/**
 * A typed client for the signaling service: one socket per pairing attempt.
 *
 * A connection that drops (the service restarting, an instance behind a balancer closing: it says
 * `service:closing` first) reconnects with back-off, and an open code that nobody has joined yet is
 * taken back on the new connection with the resume token the service gave for it, so the code the
 * person is reading out keeps working.
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
  serviceClosingEventSchema,
  signalEventSchema,
  type ClientToServerEvents,
  type PairAbortReason,
  type PairEndReason,
  type PairJoined,
  type PairOpened,
  type ServerToClientEvents,
  type RelayData,
} from '../../../contracts/signaling';
import { err, resultSchema, type Result } from '../../../contracts/result';
import { requestAck } from './service-ack';

const ACK_TIMEOUT_MS = 10_000;
/** After `service:closing`, how soon to try again (socket.io's own back-off takes over then). */
const RECONNECT_AFTER_CLOSING_MS = 500;

const pairOpenedSchema = z.object({
  nameplate: z.string(),
  expiresAt: z.number(),
  iceServers: iceServersSchema,
  resumeToken: z.string().max(64).optional(),
});
const pairJoinedSchema = z.object({ iceServers: iceServersSchema });
const openAckSchema = resultSchema(pairOpenedSchema);
const joinAckSchema = resultSchema(pairJoinedSchema);
const nullAckSchema = resultSchema(z.null());

export interface SignalingHandlers {
  onPeerJoined?: () => void;
  onSignal?: (data: RelayData) => void;
  onPairEnded?: (reason: PairEndReason) => void;
  /** The other device gave up and told us why. */
  onPairAborted?: (reason: PairAbortReason) => void;
  /** The service refused this client outright (e.g. an incompatible protocol version). */
  onRefused?: (code: string) => void;
}

type FerrySocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SignalingConnectionOptions {
  /**
   * Other services to open the same code on (`open` only): a desktop opens each code on the
   * internet service and on its embedded one, so whichever the other device reaches works. The
   * service the other device joins through becomes this connection's; the others are closed.
   */
  readonly mirrorUrls?: readonly string[];
}

/** How long `open` waits for a mirror to take the code before going on without it. */
const MIRROR_OPEN_TIMEOUT_MS = 5_000;

export class SignalingConnection {
  /** The service this pairing goes through; a mirror replaces it if the other device joins there. */
  private socket: FerrySocket;
  /** Services holding the same code as mirrors, until the other device joins on one of them. */
  private mirrors: FerrySocket[] = [];
  private readonly mirrorUrls: readonly string[];
  /** Codes open and not yet joined, per socket, to take back after a reconnection. */
  private readonly heldCodes = new Map<FerrySocket, { nameplate: string; resumeToken: string }>();

  constructor(
    url: string,
    private readonly handlers: SignalingHandlers,
    options: SignalingConnectionOptions = {},
  ) {
    this.mirrorUrls = options.mirrorUrls ?? [];
    this.socket = this.connect(url);
  }

  private connect(url: string): FerrySocket {
    const socket: FerrySocket = io(url, {
      auth: { protocol: SIGNALING_PROTOCOL_VERSION },
      // One connection per pairing attempt; no sharing with other attempts' sockets.
      forceNew: true,
      // Websocket first, long-polling where a proxy blocks it.
      transports: ['websocket', 'polling'],
      reconnectionDelayMax: 5_000,
    });
    const handlers = this.handlers;
    const current = () => socket === this.socket;
    let connectedBefore = false;
    let closingNotice = false;
    socket.on('connect', () => {
      closingNotice = false;
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      void this.takeBackCode(socket);
    });
    socket.on('service:closing', (event) => {
      if (serviceClosingEventSchema.safeParse(event).success) closingNotice = true;
    });
    socket.on('disconnect', (reason) => {
      // socket.io comes back by itself after a dropped transport, but not when the service ended
      // the session; after `service:closing` that only means "gone for a moment": come back.
      if (reason === 'io server disconnect' && closingNotice) {
        setTimeout(() => {
          if (!socket.connected && (current() || this.mirrors.includes(socket))) socket.connect();
        }, RECONNECT_AFTER_CLOSING_MS);
      }
    });
    socket.on('pair:peer-joined', (event) => {
      if (!peerJoinedEventSchema.safeParse(event).success) return;
      this.heldCodes.clear();
      if (!current()) {
        if (!this.mirrors.includes(socket)) return;
        this.socket.disconnect();
        this.socket = socket;
      }
      // The other device chose this service: the code is no longer needed anywhere else.
      for (const mirror of this.mirrors) if (mirror !== socket) mirror.disconnect();
      this.mirrors = [];
      handlers.onPeerJoined?.();
    });
    socket.on('signal:relay', (event) => {
      const parsed = signalEventSchema.safeParse(event);
      if (parsed.success && current()) handlers.onSignal?.(parsed.data.data);
    });
    socket.on('pair:ended', (event) => {
      const parsed = pairEndedEventSchema.safeParse(event);
      if (parsed.success) this.heldCodes.delete(socket);
      if (parsed.success && current()) handlers.onPairEnded?.(parsed.data.reason);
    });
    socket.on('pair:aborted', (event) => {
      const parsed = pairAbortedEventSchema.safeParse(event);
      if (parsed.success && current()) handlers.onPairAborted?.(parsed.data.reason);
    });
    socket.on('connect_error', (error) => {
      const data: unknown = (error as { data?: unknown }).data;
      const code = z.object({ code: z.string() }).safeParse(data);
      if (code.success) {
        socket.disconnect();
        if (current()) handlers.onRefused?.(code.data.code);
      }
    });
    return socket;
  }

  /**
   * Opens a code on this connection's service, then the same nameplate on each mirror, best
   * effort: a mirror that is unreachable or already uses that nameplate is left out, and the code
   * still works on the others.
   */
  async open(): Promise<Result<PairOpened>> {
    const opened = await this.request(openAckSchema, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('pair:open', {}),
    );
    if (opened.ok) this.holdCode(this.socket, opened.value);
    if (!opened.ok || this.mirrorUrls.length === 0) return opened;
    const { nameplate } = opened.value;
    const mirrored = await Promise.all(
      this.mirrorUrls.map(async (url) => {
        const mirror = this.connect(url);
        this.mirrors.push(mirror);
        // A service that refuses the connection says so at once; no need to wait out the timeout.
        const refused = new Promise<never>((_resolve, reject) => mirror.once('connect_error', reject));
        refused.catch(() => undefined);
        try {
          const reply = openAckSchema.safeParse(
            await Promise.race([
              mirror.timeout(MIRROR_OPEN_TIMEOUT_MS).emitWithAck('pair:open', { nameplate }),
              refused,
            ]),
          );
          if (reply.success && reply.data.ok) {
            this.holdCode(mirror, reply.data.value);
            return reply.data.value;
          }
        } catch {
          // Unreachable in time: the code stays open where it could be opened.
        }
        this.dropMirror(mirror);
        return undefined;
      }),
    );
    // The code is joinable everywhere only until the earliest deadline; show that one.
    const expiresAt = Math.min(
      opened.value.expiresAt,
      ...mirrored.flatMap((value) => (value === undefined ? [] : [value.expiresAt])),
    );
    return { ok: true, value: { ...opened.value, expiresAt } };
  }

  private holdCode(
    socket: FerrySocket,
    opened: { nameplate: string; resumeToken?: string | undefined },
  ): void {
    // A service older than resume tokens gives none: nothing to take back with.
    if (opened.resumeToken !== undefined) {
      this.heldCodes.set(socket, { nameplate: opened.nameplate, resumeToken: opened.resumeToken });
    }
  }

  /**
   * After a reconnection: the same code again on the new connection. If the service cannot give
   * it back (its deadline passed, someone else holds the nameplate now), the code is over and the
   * person is told as for an expired one; a mirror that cannot is simply left out.
   */
  private async takeBackCode(socket: FerrySocket): Promise<void> {
    const held = this.heldCodes.get(socket);
    if (held === undefined) return;
    let taken = false;
    try {
      const reply = openAckSchema.safeParse(
        await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('pair:open', { ...held }),
      );
      taken = reply.success && reply.data.ok;
    } catch {
      // No answer in time: as good as refused.
    }
    if (taken || this.heldCodes.get(socket) !== held) return;
    this.heldCodes.delete(socket);
    if (socket === this.socket) this.handlers.onPairEnded?.('expired');
    else if (this.mirrors.includes(socket)) this.dropMirror(socket);
  }

  private dropMirror(mirror: FerrySocket): void {
    this.heldCodes.delete(mirror);
    mirror.removeAllListeners();
    mirror.disconnect();
    this.mirrors = this.mirrors.filter((other) => other !== mirror);
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

  relay(data: RelayData): Promise<Result<null>> {
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
    this.heldCodes.clear();
    for (const mirror of this.mirrors) this.dropMirror(mirror);
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private request<T>(schema: z.ZodType<Result<T>>, send: () => Promise<unknown>): Promise<Result<T>> {
    return requestAck(this.socket, schema, send);
  }
}
