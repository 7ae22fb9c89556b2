/**
 * The bulk connection: an RTCPeerConnection of its own between two connected devices, carrying
 * nothing but the bulk data channel, so that file bytes and control messages (chat, credit,
 * call signalling) never share an SCTP association.
 *
 * Why not only a second channel on the control connection (which is what the fallback is): all
 * channels of one connection share one SCTP association, with one congestion window, one
 * receive window and one UDP socket. While a transfer saturates the link, file data fills all of
 * them, and on a CPU-bound receiver that data waits in the socket buffer and the association's
 * queues; a chat message sent then waits behind whatever is already in flight, and stream
 * priorities only reorder what has not been sent yet. Measured on loopback between two Chromium
 * processes (e2e/bench/transfer.bench.ts, see docs/transfer-performance.md): chat round trips
 * during a transfer fell from p50 ~50 ms, p99 > 100 ms on the shared association to the level
 * of plain CPU contention once the bytes had a connection of their own.
 *
 * It is set up over the control channel (`transfer:signal`), like the control connection's own
 * renegotiation, so it needs no signaling service, and it uses the control connection's
 * configuration (the configured STUN/TURN servers). The device that did not start the control
 * connection makes the offer: pairing finishes on that device last (the opener adopts the
 * connection as it sends its hello, the joiner only once that hello is checked), so when its
 * offer leaves, the other device is already listening for it.
 *
 * If the bulk connection cannot be set up (no second TURN allocation, a peer that does not
 * answer), each device falls back to the bulk channel on the control connection after a while.
 * Every device receives on both, so the two need not agree; a sender keeps the channel it chose
 * for the whole connection, so the frames of a file are never split between two channels.
 *
 * On either connection there are two bulk channels, one per direction (bulk-link.ts); the device
 * that started the control connection sends on the even id.
 *
 * A bulk channel lost while the control connection stays up is set up again by the
 * TransferManager (`relink`, a new generation with a connection and fallback channel of its own).
 *
 * The bulk connection is held to the same DTLS identities as the control connection (issue 13:
 * every connection to a device is checked). A device uses its persisted certificate on every
 * connection, so both ends of the bulk connection must show exactly the fingerprints of the
 * control connection, which the pairing's PAKE binding or the reconnection's identity proof
 * authenticated: a relayed description naming any other fingerprint is never applied (DTLS then
 * cannot complete with anyone but the holder of the pinned certificate, RFC 8842 §5), and once
 * connected the negotiated certificates (descriptions cross-checked with getStats) must be the
 * same. A bulk connection that fails the check is closed; files go over the control connection.
 */
import type { OutgoingPeerMessage } from '../../../../contracts/peer-protocol';
import type { BulkSignal } from '../../../../contracts/transfer';
import { readConnectionView, type ConnectionView } from '../pake/connection-view';
import { sdpFingerprint } from '../pake/sdp-fingerprint';
import { openBulkChannels, type BulkChannelLike, type IncomingChannelLike } from './bulk-link';

/** What travels between the two ends of one bulk connection (`relink` is the manager's). */
export type BulkHandshakeSignal = Exclude<BulkSignal, { kind: 'relink' }>;

/** How long a device waits for the bulk connection before it sends on the control connection. */
export const BULK_CONNECT_TIMEOUT_MS = 10_000;
/** Candidates kept while the remote description is not set yet; a peer sending more is confused. */
const MAX_EARLY_CANDIDATES = 64;

export interface BulkConnectionOptions {
  /** Makes the offer; the other side answers. The offerer sends on the odd channel id. */
  readonly offerer: boolean;
  /** Takes the channel frames arrive on, as it is created (BulkChannelOptions.adoptIncoming). */
  readonly adoptIncoming: (channel: IncomingChannelLike) => void;
  readonly configuration: RTCConfiguration;
  /** Sends handshake data to the other device (over the control channel). */
  readonly sendSignal: (signal: BulkHandshakeSignal) => void;
  /** Test seam: how the connection is made (Node tests pass @roamhq/wrtc). */
  readonly createConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /**
   * The fingerprints both ends must show: the control connection's (see the file comment). Absent
   * only where this device has no persisted certificate to use again (Node tests: @roamhq/wrtc
   * cannot make one); there the handshake is still only taken from the authenticated control channel.
   */
  readonly binding?: ConnectionView;
  /** Why the connection was refused, for the log and tests. */
  readonly onRefused?: (reason: BulkRefusal) => void;
  /** The negotiated certificates were found to be the bound ones. */
  readonly onVerified?: () => void;
}

/** A description or negotiated certificate that is not the control connection's. */
export type BulkRefusal = 'remote-fingerprint' | 'local-fingerprint' | 'negotiated-fingerprint';

/** The control connection's fingerprints, when this device uses its persisted certificate on it. */
export function controlBinding(
  connection: Pick<RTCPeerConnection, 'localDescription' | 'remoteDescription'>,
  configuration: RTCConfiguration,
): ConnectionView | undefined {
  if (!configuration.certificates?.length) return undefined;
  const local = sdpFingerprint(connection.localDescription?.sdp ?? '');
  const remote = sdpFingerprint(connection.remoteDescription?.sdp ?? '');
  return local && remote ? { local, remote } : undefined;
}

/** A second RTCPeerConnection to the same device, with the bulk channels on it. */
export class BulkConnection {
  /** The channel this device sends on. */
  readonly channel: BulkChannelLike;
  private readonly pc: RTCPeerConnection;
  private remoteDescriptionSet = false;
  private readonly earlyCandidates: RTCIceCandidateInit[] = [];
  /** Handshake steps run one at a time, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private failedAlready = false;
  private readonly failureListeners = new Set<() => void>();

  constructor(private readonly options: BulkConnectionOptions) {
    const create = options.createConnection ?? ((configuration) => new RTCPeerConnection(configuration));
    this.pc = create(options.configuration);
    // Made before the offer, so the offer carries the data channel's m-line. The offerer is the
    // device that did not start the control connection, which sends on the odd id there too.
    this.channel = openBulkChannels(this.pc, {
      sendsOnEvenId: !options.offerer,
      adoptIncoming: options.adoptIncoming,
    });
    this.pc.addEventListener('icecandidate', (event: RTCPeerConnectionIceEvent) => {
      const candidate = event.candidate;
      // A null or empty candidate marks the end of gathering: nothing the other side needs.
      if (!candidate?.candidate || this.closed) return;
      options.sendSignal({
        kind: 'candidate',
        candidate: candidate.candidate,
        sdpMid: candidate.sdpMid ?? null,
        sdpMLineIndex: candidate.sdpMLineIndex ?? null,
      });
    });
    // 'failed', not 'disconnected': ICE may recover from the latter (FIELD-NOTES).
    this.pc.addEventListener('connectionstatechange', () => {
      if (this.pc.connectionState === 'failed') this.fail();
      if (this.pc.connectionState === 'connected') this.enqueue(() => this.checkNegotiated());
    });
    if (options.offerer) this.enqueue(() => this.offer());
  }

  /** Whether setting up or keeping the connection failed (it is closed then). */
  get failed(): boolean {
    return this.failedAlready;
  }

  /** Called once, when the connection fails. */
  onFailed(listener: () => void): void {
    this.failureListeners.add(listener);
  }

  /** Handshake data from the other device. */
  signal(signal: BulkHandshakeSignal): void {
    if (this.closed) return;
    this.enqueue(() => this.apply(signal));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.earlyCandidates.length = 0;
    this.pc.close();
  }

  private enqueue(step: () => Promise<void>): void {
    this.queue = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch {
        this.fail();
      }
    });
  }

  private async offer(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.checkLocal();
    if (!offer.sdp || this.closed) return;
    this.options.sendSignal({ kind: 'description', type: 'offer', sdp: offer.sdp });
  }

  /** Our own description must name our pinned certificate (checked before it is sent). */
  private checkLocal(): void {
    const binding = this.options.binding;
    if (binding && sdpFingerprint(this.pc.localDescription?.sdp ?? '') !== binding.local) {
      this.refuse('local-fingerprint');
    }
  }

  /** What DTLS negotiated must be what the descriptions named, and those the control connection's. */
  private async checkNegotiated(): Promise<void> {
    const binding = this.options.binding;
    if (!binding) return;
    const view = await readConnectionView(this.pc);
    if (view?.local !== binding.local || view.remote !== binding.remote)
      this.refuse('negotiated-fingerprint');
    this.options.onVerified?.();
  }

  private refuse(reason: BulkRefusal): never {
    this.options.onRefused?.(reason);
    // Thrown inside a queued step: the queue turns it into fail(), which closes the connection.
    throw new Error(`bulk connection refused: ${reason}`);
  }

  private async apply(signal: BulkHandshakeSignal): Promise<void> {
    if (signal.kind === 'candidate') {
      const candidate: RTCIceCandidateInit = {
        candidate: signal.candidate,
        sdpMid: signal.sdpMid,
        sdpMLineIndex: signal.sdpMLineIndex,
      };
      if (!this.remoteDescriptionSet) {
        if (this.earlyCandidates.length >= MAX_EARLY_CANDIDATES) throw new Error('too many early candidates');
        this.earlyCandidates.push(candidate);
        return;
      }
      // One candidate the browser cannot use is not a failure of the connection.
      await this.pc.addIceCandidate(candidate).catch(() => undefined);
      return;
    }
    // The offerer takes one answer, the answerer one offer: anything else is a confused peer.
    const expected = this.options.offerer ? 'answer' : 'offer';
    if (signal.type !== expected || this.remoteDescriptionSet) throw new Error(`unexpected ${signal.type}`);
    const binding = this.options.binding;
    if (binding && sdpFingerprint(signal.sdp) !== binding.remote) this.refuse('remote-fingerprint');
    await this.pc.setRemoteDescription({ type: signal.type, sdp: signal.sdp });
    this.remoteDescriptionSet = true;
    if (signal.type === 'offer') {
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.checkLocal();
      if (!answer.sdp || this.closed) return;
      this.options.sendSignal({ kind: 'description', type: 'answer', sdp: answer.sdp });
    }
    for (const candidate of this.earlyCandidates.splice(0)) {
      await this.pc.addIceCandidate(candidate).catch(() => undefined);
    }
  }

  private fail(): void {
    if (this.failedAlready) return;
    this.failedAlready = true;
    this.close();
    for (const listener of this.failureListeners) listener();
    this.failureListeners.clear();
  }
}

/** What PreferredBulkChannel needs of the bulk connection. */
export interface PreferredRoute {
  readonly channel: BulkChannelLike;
  readonly failed: boolean;
  onFailed(listener: () => void): void;
  close(): void;
}

type ChannelEvent = 'open' | 'close' | 'bufferedamountlow';

/**
 * The channel BulkLink sends on: the bulk connection's once it opens, or the control connection's
 * if the bulk connection fails or does not open in time. The choice is made once. (Frames are
 * received on the incoming channels of both, whichever this side sends on: see openBulkTransport.)
 */
export class PreferredBulkChannel implements BulkChannelLike {
  private chosen: BulkChannelLike | null = null;
  private ended = false;
  private lowThreshold = 0;
  private readonly listeners: Record<ChannelEvent, Set<() => void>> = {
    open: new Set(),
    close: new Set(),
    bufferedamountlow: new Set(),
  };
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly preferred: PreferredRoute,
    private readonly fallback: BulkChannelLike,
    giveUpAfterMs: number = BULK_CONNECT_TIMEOUT_MS,
  ) {
    this.timer = setTimeout(() => this.useFallback(), giveUpAfterMs);
    const preferredChannel = preferred.channel;
    if (preferredChannel.readyState === 'open') this.choose(preferredChannel);
    else preferredChannel.addEventListener('open', () => this.choose(preferredChannel));
    const lost = () => {
      if (this.chosen === null) this.useFallback();
      else if (this.chosen === preferredChannel) this.end();
    };
    preferredChannel.addEventListener('close', lost);
    if (preferred.failed) lost();
    else preferred.onFailed(lost);
  }

  /** Which channel this side sends on, once chosen. */
  get route(): 'pending' | 'bulk-connection' | 'control-connection' {
    if (this.chosen === null) return 'pending';
    return this.chosen === this.fallback ? 'control-connection' : 'bulk-connection';
  }

  get readyState(): RTCDataChannelState {
    if (this.ended) return 'closed';
    return this.chosen?.readyState ?? 'connecting';
  }

  get bufferedAmount(): number {
    return this.chosen?.bufferedAmount ?? 0;
  }

  get bufferedAmountLowThreshold(): number {
    return this.lowThreshold;
  }

  set bufferedAmountLowThreshold(bytes: number) {
    this.lowThreshold = bytes;
    if (this.chosen) this.chosen.bufferedAmountLowThreshold = bytes;
  }

  send(data: Uint8Array<ArrayBuffer>): void {
    if (!this.chosen || this.ended) throw new Error('InvalidStateError: bulk channel not open');
    this.chosen.send(data);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.preferred.close();
    try {
      this.fallback.close();
    } catch {
      // Already closed with its connection.
    }
  }

  addEventListener(type: ChannelEvent, listener: () => void): void {
    this.listeners[type].add(listener);
  }

  removeEventListener(type: ChannelEvent, listener: () => void): void {
    this.listeners[type].delete(listener);
  }

  private useFallback(): void {
    if (this.chosen !== null || this.ended) return;
    // Frees the second connection (and its TURN allocation); the other side then falls back too.
    this.preferred.close();
    this.choose(this.fallback);
  }

  private choose(channel: BulkChannelLike): void {
    if (this.chosen !== null || this.ended) return;
    clearTimeout(this.timer);
    this.chosen = channel;
    channel.bufferedAmountLowThreshold = this.lowThreshold;
    channel.addEventListener('bufferedamountlow', () => {
      if (!this.ended) this.emit('bufferedamountlow');
    });
    channel.addEventListener('close', () => this.end());
    if (channel.readyState === 'open') this.emit('open');
    else channel.addEventListener('open', () => this.emit('open'));
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.preferred.close();
    this.emit('close');
  }

  private emit(type: ChannelEvent): void {
    for (const listener of this.listeners[type]) listener();
  }
}

/** What the bulk transport needs of the control connection (PeerSession). */
export interface BulkTransportSession {
  readonly connection: RTCPeerConnection;
  readonly initiator: boolean;
  readonly rtcConfiguration: RTCConfiguration;
  send(message: OutgoingPeerMessage): boolean;
}

export interface BulkTransport {
  readonly channel: PreferredBulkChannel;
  /** `transfer:signal` data from the other device, for this transport's generation. */
  signal(signal: BulkHandshakeSignal): void;
}

/**
 * Opens the bulk channels for one connection to a device, on its own connection and the fallback
 * ones on the control connection; the incoming channel of each goes to `adoptIncoming`.
 */
export function openBulkTransport(
  session: BulkTransportSession,
  options: Pick<BulkConnectionOptions, 'createConnection' | 'adoptIncoming' | 'onRefused'> & {
    readonly giveUpAfterMs?: number;
    /** How many times the bulk link was set up again on this control connection (0 first). */
    readonly generation?: number;
  },
): BulkTransport {
  const generation = options.generation ?? 0;
  // Negotiated on both sides at once, so they are ready whenever the control connection is.
  const fallback = openBulkChannels(session.connection, {
    sendsOnEvenId: session.initiator,
    generation,
    adoptIncoming: options.adoptIncoming,
  });
  const binding = controlBinding(session.connection, session.rtcConfiguration);
  const connection = new BulkConnection({
    offerer: !session.initiator,
    adoptIncoming: options.adoptIncoming,
    configuration: session.rtcConfiguration,
    ...(binding ? { binding } : {}),
    sendSignal: (data) => void session.send({ type: 'transfer:signal', generation, data }),
    ...(options.createConnection ? { createConnection: options.createConnection } : {}),
    ...(options.onRefused ? { onRefused: options.onRefused } : {}),
  });
  const channel = new PreferredBulkChannel(connection, fallback, options.giveUpAfterMs);
  return { channel, signal: (data) => connection.signal(data) };
}
