/**
 * One WebRTC connection to one paired device, wrapping simple-peer.
 *
 * The control channel (simple-peer's own data channel) carries JSON messages from
 * contracts/peer-protocol. Handshake data goes through the signaling service until the channel is
 * open; after that, renegotiation travels over the channel itself (`peer:signal`), so the pair no
 * longer depends on the service.
 *
 * A connection that drops once open is not given up: it reports `reconnecting` and restarts ICE
 * (RFC 8445 §9) with back-off and jitter. The restart's handshake goes over the control channel
 * (whose SCTP association outlives the ICE path and delivers it, and anything queued meanwhile, in
 * order, if packets still flow) and, when the engine gave this session one, through the rescue
 * route as well: the presence room of the two devices on a signaling service, which still reaches
 * the other device when the path itself is gone (a new address, a NAT rebinding). Whichever copy
 * comes first is used; later copies and stale candidates are recognised and dropped.
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
  /** Crypto randomness in [0, 1), for the jitter of ICE restarts. */
  readonly random?: () => number;
  /** Test seam: how the underlying simple-peer is made. */
  readonly createPeer?: (options: ConstructorParameters<typeof SimplePeer>[0]) => SimplePeer;
}

export interface PeerSessionEvents {
  open: () => void;
  message: (message: PeerMessage) => void;
  /** A frame the other side sent that does not parse; answered with `peer:error`, then dropped. */
  invalidMessage: (code: string) => void;
  end: (reason: PeerSessionEnd) => void;
  /** The connection dropped and is being restored (true), or is back (false). */
  reconnecting: (reconnecting: boolean) => void;
}

const CONTROL_CHANNEL = 'ferry-control';
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/**
 * ICE restarts while reconnecting: the first soon after 'disconnected' (Chromium reports it 5–7.6 s
 * into an outage, FIELD-NOTES; it recovers alone only if the addresses stayed the same), then
 * backing off to a steady pace so that a long outage costs little.
 */
export const RECONNECT_BACKOFF_MS: readonly number[] = [500, 1_000, 2_000, 4_000, 4_000];
/** Descriptions from the other side remembered to recognise a repeat or a late copy. */
const REMOTE_DESCRIPTIONS_KEPT = 16;
/** Candidates kept with the latest local description, to say it again through the rescue route. */
const RESTART_CANDIDATES_KEPT = 32;

function cryptoRandom(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

/** The ICE username fragment of a description, or of a candidate line (`… ufrag abcd …`). */
export function iceUfragOf(text: string): string | null {
  return /(?:a=ice-ufrag:|\bufrag )(\S+)/.exec(text)?.[1] ?? null;
}
/**
 * How long a connection tries to come back by ICE restarts before it is called lost. Long enough
 * for Wi-Fi roaming, an uplink that is down for a while or a router's new address, which keeps the
 * connection itself (its SCTP association, a running transfer or call). Past it a remembered device
 * is still looked for, never given up (presence/reconnector.ts makes a new connection when both
 * are in their room again); it is not longer because a device that vanished without a `peer:bye`
 * (crash, power) shows "Reconnecting…" until then.
 */
export const RECONNECT_GIVE_UP_MS = 2 * 60_000;

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
    reconnecting: new Set(),
  };
  private opened = false;
  private ended = false;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  /**
   * The configuration this connection was made with (the configured ICE servers), for a feature
   * that opens a connection of its own to the same device (transfers' bulk connection).
   */
  readonly rtcConfiguration: RTCConfiguration;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectStartedAt: number | null = null;
  private restarts = 0;
  private rescueRoute: ((data: SignalData) => void) | null = null;
  /** Descriptions already taken from the other side (latest last): a copy or a late one is dropped. */
  private readonly remoteSdps: string[] = [];
  /** The other side's ICE username fragment now: candidates of an older generation are dropped. */
  private remoteUfrag: string | null = null;
  private lastSentOffer: string | null = null;
  /**
   * The latest description this side sent since the channel opened, and the candidates that
   * followed it: said again through the rescue route when the other side may have missed them.
   */
  private restartSignals: SignalData[] = [];
  /** The other side's restart came through the rescue route: the reply goes back that way too. */
  private replyViaRescue = false;
  /**
   * A restart offer is being made: the connection stays 'stable' until it is set locally, and a
   * second restart in that window would make a second, different offer; two offers arriving
   * together make the other side answer the first in the wrong state (simple-peer then gives up).
   */
  private makingOffer = false;
  /** An offer that arrived while the previous one was still being answered, applied after it. */
  private heldOffer: SignalData | null = null;

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
    this.keepThroughFailures();
    this.pc.addEventListener('connectionstatechange', () => this.watchConnectionState());
    this.pc.addEventListener('signalingstatechange', () => {
      if (this.pc.signalingState !== 'stable') {
        this.makingOffer = false;
        return;
      }
      const held = this.heldOffer;
      this.heldOffer = null;
      if (held && !this.ended) this.takeSignal(held);
    });
  }

  /**
   * simple-peer destroys itself when ICE or the connection reports 'failed'. Once the channel is
   * open that is too soon for us: an ICE restart can still bring the same connection back (and its
   * SCTP association with everything queued on it), so failures after open are left to
   * `watchConnectionState`. Before open, simple-peer's behaviour stands (no path: give up).
   */
  private keepThroughFailures(): void {
    const peer = this.peer as unknown as { _onIceStateChange(): void; _onConnectionStateChange(): void };
    const onIceState = peer._onIceStateChange.bind(peer);
    const onConnectionState = peer._onConnectionStateChange.bind(peer);
    peer._onIceStateChange = () => {
      if (this.opened && this.pc.iceConnectionState === 'failed') return;
      onIceState();
    };
    peer._onConnectionStateChange = () => {
      if (this.opened && this.pc.connectionState === 'failed') return;
      onConnectionState();
    };
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

  /** Handshake data from the other device, via the signaling service (at pairing, or the rescue route). */
  applySignal(data: SignalData): void {
    if (this.ended) return;
    // Once open, handshake data through a service is an ICE restart that the channel could not
    // carry: answer the same way.
    if (this.opened && data.type !== 'candidate') this.replyViaRescue = true;
    this.takeSignal(data, this.opened);
  }

  /**
   * A second way for handshake data to reach the other device once the channel is open (the
   * presence room on a signaling service), used while the connection is being restored: the
   * channel runs on the very path that dropped. Null when there is none.
   */
  setRescueRoute(route: ((data: SignalData) => void) | null): void {
    this.rescueRoute = route;
    // Restart at once now that the offer can get through.
    if (route && this.isReconnecting) this.restartIce();
  }

  /**
   * The other device just became reachable through the rescue route (it came back into the room):
   * what was sent before it came is lost, so say it again, or restart, now.
   */
  restartNow(): void {
    if (!this.isReconnecting) return;
    if (this.options.initiator && this.pc.signalingState === 'stable') this.restartIce();
    else this.resendRestart();
  }

  private takeSignal(data: SignalData, viaRescue = false): void {
    // The other side lost the connection and asks for a restart: make (or repeat) the offer now
    // instead of waiting for our own timer. Through the rescue route it can only be that, even if
    // this side has not noticed the drop yet.
    if (data.type === 'renegotiate' && this.options.initiator && (this.isReconnecting || viaRescue)) {
      this.restartIce();
      return;
    }
    if (data.type === 'candidate') {
      // A candidate of an earlier restart, delivered late by the other route: Chromium refuses
      // it, and simple-peer would end the connection over that.
      const ufrag = iceUfragOf(data.candidate.candidate);
      if (ufrag !== null && this.remoteUfrag !== null && ufrag !== this.remoteUfrag) return;
    }
    if ((data.type === 'offer' || data.type === 'answer') && data.sdp !== undefined) {
      // While reconnecting, a description may come twice (through the service and over the
      // channel once the path is back) or late; applying it again would tear the connection down.
      if (this.remoteSdps.includes(data.sdp)) {
        // The same offer again: our answer was lost on the way (the other side came back into the
        // room after it was sent): say it again.
        if (data.type === 'offer' && data.sdp === this.remoteSdps.at(-1) && viaRescue) this.resendRestart();
        return;
      }
      if (data.type === 'answer' && this.pc.signalingState !== 'have-local-offer') return;
      if (data.type === 'offer' && this.pc.signalingState !== 'stable') {
        // Still answering the previous offer: this newer one is applied once that is done.
        this.heldOffer = data;
        return;
      }
      this.remoteSdps.push(data.sdp);
      if (this.remoteSdps.length > REMOTE_DESCRIPTIONS_KEPT) this.remoteSdps.shift();
      this.remoteUfrag = iceUfragOf(data.sdp) ?? this.remoteUfrag;
    }
    this.peer.signal(data);
  }

  /** Says the latest description and its candidates again, through the rescue route. */
  private resendRestart(): void {
    if (!this.rescueRoute) return;
    for (const data of this.restartSignals) this.rescueRoute(data);
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

  /** Whether the connection dropped and is being restored. */
  get isReconnecting(): boolean {
    return this.reconnectStartedAt !== null && !this.ended;
  }

  private watchConnectionState(): void {
    if (this.ended || !this.opened) return;
    const state = this.pc.connectionState;
    if ((state === 'disconnected' || state === 'failed') && this.reconnectStartedAt === null) {
      this.reconnectStartedAt = Date.now();
      this.restarts = 0;
      this.emit('reconnecting', true);
      this.scheduleRestart();
    } else if (state === 'connected' && this.reconnectStartedAt !== null) {
      this.reconnectStartedAt = null;
      this.replyViaRescue = false;
      if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
      this.reconnectTimer = null;
      this.emit('reconnecting', false);
    }
  }

  private scheduleRestart(): void {
    const step = RECONNECT_BACKOFF_MS[Math.min(this.restarts, RECONNECT_BACKOFF_MS.length - 1)] ?? 4_000;
    // ±50 % jitter: two devices behind one router that changed its address do not restart in step.
    const delay = step * (0.5 + (this.options.random ?? cryptoRandom)());
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.ended || this.reconnectStartedAt === null) return;
      if (Date.now() - this.reconnectStartedAt > RECONNECT_GIVE_UP_MS) {
        this.close('connection-lost');
        return;
      }
      this.restartIce();
      this.restarts++;
      this.scheduleRestart();
    }, delay);
  }

  /**
   * One ICE restart. Only the side that made the first offer makes offers (simple-peer's rule); the
   * other asks it to (a `renegotiate`). One restart offer at a time: a second one while
   * the first is unanswered would change this side's ICE credentials under the other side's answer.
   * The offer is made directly rather than through simple-peer's negotiation queue, which an
   * earlier unanswered renegotiation may hold shut.
   */
  private restartIce(): void {
    if (!this.options.initiator) {
      this.routeOutgoingSignal({ type: 'renegotiate', renegotiate: true });
      return;
    }
    if (this.pc.signalingState === 'have-local-offer' && this.lastSentOffer) {
      // The restart offer went unanswered (lost, or the other side was not in the room yet): say
      // it again word for word with its candidates, so that the other side can tell it is the
      // same one and answer it (again).
      if (this.rescueRoute) this.resendRestart();
      else this.send({ type: 'peer:signal', data: { type: 'offer', sdp: this.lastSentOffer } });
      return;
    }
    if (this.pc.signalingState !== 'stable' || this.makingOffer) return;
    this.makingOffer = true;
    try {
      this.pc.restartIce();
      (this.peer as unknown as { _createOffer(): void })._createOffer();
    } catch {
      // A connection being closed cannot restart; its end is reported by the close itself.
    }
  }

  private routeOutgoingSignal(raw: unknown): void {
    const parsed = signalDataSchema.safeParse(raw);
    if (!parsed.success) return;
    if (parsed.data.type === 'offer' && parsed.data.sdp !== undefined) {
      this.lastSentOffer = parsed.data.sdp;
      this.makingOffer = false;
    }
    if (!this.opened) {
      this.options.sendViaSignaling(parsed.data);
      return;
    }
    if (parsed.data.type === 'candidate') {
      if (this.restartSignals.length <= RESTART_CANDIDATES_KEPT) this.restartSignals.push(parsed.data);
    } else if (parsed.data.type !== 'renegotiate') {
      this.restartSignals = [parsed.data];
    }
    // The channel first: if the path still carries packets, this is the quickest way. While the
    // connection is being restored, through the rescue route as well, since the channel runs on
    // the path that dropped; the other side takes whichever copy comes first.
    this.send({ type: 'peer:signal', data: parsed.data });
    if (this.rescueRoute && (this.isReconnecting || this.replyViaRescue)) this.rescueRoute(parsed.data);
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
      this.takeSignal(decoded.value.data, false);
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.emit('end', reason);
  }

  private emit<E extends keyof PeerSessionEvents>(event: E, ...args: Parameters<PeerSessionEvents[E]>): void {
    for (const listener of this.listeners[event]) {
      (listener as (...a: Parameters<PeerSessionEvents[E]>) => void)(...args);
    }
  }
}
