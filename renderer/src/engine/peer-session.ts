/**
 * One WebRTC connection to one paired device, wrapping simple-peer.
 *
 * The control channel (simple-peer's own data channel) carries JSON messages from
 * contracts/peer-protocol. Handshake data goes through the signaling service until the channel is
 * open; after that, renegotiation travels over the channel itself (`peer:signal`), so the pair no
 * longer depends on the service.
 */
import SimplePeer, { type SimplePeerError } from '@thaunknown/simple-peer';
import {
  decodePeerMessage,
  encodePeerMessage,
  type OutgoingPeerMessage,
  type PeerMessage,
} from '../../../contracts/peer-protocol';
import { signalDataSchema, type IceServer, type SignalData } from '../../../contracts/signaling';
import type { ConnectStep } from './engine-actions';

/** Why a session ended, in terms the UI can explain. */
export type PeerSessionEnd =
  | 'closed' // we closed it
  | 'peer-closed' // the other side closed the connection
  | 'no-path' // never connected: no network path between the two devices
  | 'connection-lost'; // was connected, then the network dropped

export interface PeerSessionOptions {
  readonly initiator: boolean;
  readonly iceServers: readonly IceServer[];
  /** Sends handshake data through the signaling service (used until the control channel is open). */
  readonly sendViaSignaling: (data: SignalData) => void;
  /**
   * This device's lasting DTLS certificate (engine/identity): with it the fingerprint is the same
   * on every connection, so the other device can pin it. It stays in `rtcConfiguration`, so bulk
   * connections made from it use it too.
   */
  readonly certificates?: readonly RTCCertificate[];
  /** Gives up when no connection is made in this time. */
  readonly connectTimeoutMs?: number;
  /** Test seam: how the underlying simple-peer is made. */
  readonly createPeer?: (options: ConstructorParameters<typeof SimplePeer>[0]) => SimplePeer;
}

export interface PeerSessionEvents {
  open: () => void;
  message: (message: PeerMessage) => void;
  /** A frame the other side sent that does not parse; answered with `peer:error`, then dropped. */
  invalidMessage: (code: string) => void;
  end: (reason: PeerSessionEnd) => void;
}

const CONTROL_CHANNEL = 'ferry-control';
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/**
 * How long a connection may stay 'disconnected' before we call it lost. Chromium reports
 * 'failed' only ~15 s after checks stop answering (FIELD-NOTES), and a peer that vanished without
 * a `peer:bye` (crash, sleep, cable) would otherwise look online for that long.
 */
const DISCONNECTED_GRACE_MS = 6_000;

/** zod's optional fields may hold `undefined`; RTCIceServer's may only be absent. */
function toRtcIceServer(server: IceServer): RTCIceServer {
  const rtc: RTCIceServer = { urls: server.urls };
  if (server.username !== undefined) rtc.username = server.username;
  if (server.credential !== undefined) rtc.credential = server.credential;
  return rtc;
}

export class PeerSession {
  private readonly peer: SimplePeer;
  /** Kept here because simple-peer drops its own reference when it is destroyed. */
  private readonly pc: RTCPeerConnection;
  private readonly listeners: { [E in keyof PeerSessionEvents]: Set<PeerSessionEvents[E]> } = {
    open: new Set(),
    message: new Set(),
    invalidMessage: new Set(),
    end: new Set(),
  };
  private opened = false;
  private ended = false;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  /**
   * The configuration this connection was made with (the configured ICE servers), for a feature
   * that opens a connection of its own to the same device (transfers' bulk connection).
   */
  readonly rtcConfiguration: RTCConfiguration;
  private disconnectedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: PeerSessionOptions) {
    const createPeer = options.createPeer ?? ((init) => new SimplePeer(init));
    this.rtcConfiguration = {
      iceServers: options.iceServers.map(toRtcIceServer),
      ...(options.certificates ? { certificates: [...options.certificates] } : {}),
    };
    this.peer = createPeer({
      initiator: options.initiator,
      channelName: CONTROL_CHANNEL,
      config: this.rtcConfiguration,
      trickle: true,
    });
    this.peer.on('signal', (data) => this.routeOutgoingSignal(data));
    this.peer.on('connect', () => this.handleOpen());
    this.peer.on('data', (frame) => this.handleFrame(frame));
    this.peer.on('error', (error) => this.handleError(error));
    this.peer.on('close', () => this.finish(this.opened ? 'peer-closed' : 'no-path'));
    this.connectTimer = setTimeout(() => {
      if (!this.opened) this.close('no-path');
    }, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    this.pc = this.peer._pc;
    this.pc.addEventListener('connectionstatechange', () => this.watchConnectionState());
  }

  get isOpen(): boolean {
    return this.opened && !this.ended;
  }

  /** Whether this side started the connection (made the first offer). */
  get initiator(): boolean {
    return this.options.initiator;
  }

  /** The underlying connection, for features that add channels, tracks or read stats. */
  get connection(): RTCPeerConnection {
    return this.pc;
  }

  /** simple-peer itself, for media (calls add tracks and renegotiate through it). */
  get media(): Pick<
    SimplePeer,
    'addTrack' | 'removeTrack' | 'replaceTrack' | 'addStream' | 'removeStream' | 'on'
  > {
    return this.peer;
  }

  on<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** Handshake data from the other device, via the signaling service. */
  applySignal(data: SignalData): void {
    if (!this.ended) this.peer.signal(data);
  }

  /**
   * What ICE is checking at this moment, for progress in words while the connection is made: a
   * direct path (host or server-reflexive candidates on both ends) while any is still being
   * checked, else the TURN relay, else nothing yet (the addresses are still being exchanged).
   */
  async connectStep(): Promise<ConnectStep> {
    let report: RTCStatsReport;
    try {
      report = await this.pc.getStats();
    } catch {
      return 'addresses';
    }
    const candidateTypes = new Map<string, string>();
    const pairs: { local: string; remote: string }[] = [];
    report.forEach((stat: Record<string, unknown>) => {
      if (
        (stat.type === 'local-candidate' || stat.type === 'remote-candidate') &&
        typeof stat.id === 'string' &&
        typeof stat.candidateType === 'string'
      ) {
        candidateTypes.set(stat.id, stat.candidateType);
      } else if (
        stat.type === 'candidate-pair' &&
        (stat.state === 'waiting' || stat.state === 'in-progress' || stat.state === 'succeeded') &&
        typeof stat.localCandidateId === 'string' &&
        typeof stat.remoteCandidateId === 'string'
      ) {
        pairs.push({ local: stat.localCandidateId, remote: stat.remoteCandidateId });
      }
    });
    let relay = false;
    for (const pair of pairs) {
      const viaRelay =
        candidateTypes.get(pair.local) === 'relay' || candidateTypes.get(pair.remote) === 'relay';
      if (!viaRelay) return 'direct';
      relay = true;
    }
    return relay ? 'relay' : 'addresses';
  }

  /** Sends one control message; false when the channel is not open (the caller decides what that means). */
  send(message: OutgoingPeerMessage): boolean {
    if (!this.isOpen) return false;
    try {
      this.peer.send(encodePeerMessage(message));
      return true;
    } catch {
      return false;
    }
  }

  close(reason: PeerSessionEnd = 'closed'): void {
    if (this.ended) return;
    // Say goodbye first so the other device shows us offline at once instead of after a timeout.
    if (reason === 'closed') this.send({ type: 'peer:bye' });
    this.finish(reason);
    this.peer.destroy();
  }

  private watchConnectionState(): void {
    const state = this.pc.connectionState;
    if (state === 'disconnected' && this.opened && !this.disconnectedTimer) {
      this.disconnectedTimer = setTimeout(() => this.close('connection-lost'), DISCONNECTED_GRACE_MS);
    } else if (state === 'connected' && this.disconnectedTimer) {
      clearTimeout(this.disconnectedTimer);
      this.disconnectedTimer = null;
    }
  }

  private routeOutgoingSignal(raw: unknown): void {
    const parsed = signalDataSchema.safeParse(raw);
    if (!parsed.success) return;
    if (this.opened) this.send({ type: 'peer:signal', data: parsed.data });
    else this.options.sendViaSignaling(parsed.data);
  }

  private handleOpen(): void {
    clearTimeout(this.connectTimer);
    this.opened = true;
    this.emit('open');
  }

  private handleFrame(frame: Uint8Array | string): void {
    const decoded = decodePeerMessage(frame);
    if (!decoded.ok) {
      this.emit('invalidMessage', decoded.error.code);
      this.send({
        type: 'peer:error',
        code: decoded.error.code === 'UNSUPPORTED_PROTOCOL' ? 'UNSUPPORTED_VERSION' : 'INVALID_MESSAGE',
      });
      return;
    }
    if (decoded.value.type === 'peer:signal') {
      this.peer.signal(decoded.value.data);
      return;
    }
    if (decoded.value.type === 'peer:bye') {
      this.close('peer-closed');
      return;
    }
    this.emit('message', decoded.value);
  }

  private handleError(error: SimplePeerError): void {
    // simple-peer destroys itself after an error and then emits 'close'; record the reason first.
    const lostAfterOpen =
      error.code === 'ERR_CONNECTION_FAILURE' || error.code === 'ERR_ICE_CONNECTION_FAILURE';
    this.finish(this.opened ? (lostAfterOpen ? 'connection-lost' : 'peer-closed') : 'no-path');
  }

  private finish(reason: PeerSessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.connectTimer);
    if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
    this.emit('end', reason);
  }

  private emit<E extends keyof PeerSessionEvents>(event: E, ...args: Parameters<PeerSessionEvents[E]>): void {
    for (const listener of this.listeners[event]) {
      (listener as (...a: Parameters<PeerSessionEvents[E]>) => void)(...args);
    }
  }
}
