/**
 * Voice calls over the devices' existing peer connections. It observes the engine's links
 * (FerryEngine.observe) for call messages and dropped connections, runs the state machine of
 * call-machine.ts, and turns its state changes into timers and media: the caller's microphone
 * opens when the call is placed, the callee's only when they accept; once accepted, each side adds
 * its microphone track to the connection, which simple-peer renegotiates over the control channel
 * (no signaling service involved). It reports through `CallActions` and knows nothing of React.
 *
 * A connection's audio line is made once and reused. Ending a call does not remove the track
 * (`removeTrack` leaves a transceiver that `addTrack` never takes again, so every call would add
 * one or two m-lines for good); it parks the sender with no track (`replaceTrack(track, null)`:
 * nothing is captured or sent). The next call on that connection puts its microphone on the parked
 * sender, without renegotiating, and hears the other side on the receivers the first call made,
 * once packets arrive on them again.
 */
import type { PeerMessage, OutgoingPeerMessage } from '../../../../contracts/peer-protocol';
import type { PeerSession } from '../peer-session';
import { randomId } from '../random-id';
import {
  callTransition,
  IDLE_CALL,
  isActive,
  type ActiveCall,
  type CallDirection,
  type CallEndReason,
  type CallEvent,
  type CallState,
  type EndedCall,
} from './call-machine';
import type { CallDevicePreferences, CallMedia, LevelMeter, RemoteAudioPlayer } from './call-media';
import { stopStream } from './call-media';
import { callQuality, meterLevel, type CallQuality } from './call-quality';
import { qualityInputs, readCallStats, type CallStatsSample } from './call-stats';

/** The parts of a device's live connection a call uses (a PeerSession has them). */
export interface CallTransport {
  send(message: OutgoingPeerMessage): boolean;
  readonly media: Pick<PeerSession['media'], 'addTrack' | 'removeTrack' | 'replaceTrack'>;
  readonly connection: Pick<
    RTCPeerConnection,
    'getStats' | 'getReceivers' | 'addEventListener' | 'removeEventListener'
  >;
}

/**
 * A sender an earlier call left on a connection, with no track. simple-peer finds a sender by the
 * track and stream it was given, so both are kept (the track is stopped; it is only a key).
 */
interface ParkedSender {
  readonly track: MediaStreamTrack;
  readonly stream: MediaStream;
}

/** The engine, as calls see it. */
export interface CallLinks {
  observe(observer: {
    message?(deviceId: string, message: PeerMessage): void;
    linkDown?(deviceId: string): void;
  }): () => void;
  session(deviceId: string): CallTransport | undefined;
}

/** The current call, for the UI and the tray. */
export interface CallView {
  readonly callId: string;
  readonly peerId: string;
  readonly direction: CallDirection;
  readonly phase: ActiveCall['phase'];
  readonly startedAt: number;
  /** When audio started flowing both ways. */
  readonly connectedAt: number | null;
  readonly muted: boolean;
}

/** Levels on a meter's 0..1 scale (see `meterLevel`), a few times a second while a call runs. */
export interface CallMetrics {
  readonly localLevel: number;
  readonly remoteLevel: number;
  readonly quality: CallQuality | null;
}

/** A finished call, for the conversation's timeline. */
export interface CallRecord {
  readonly callId: string;
  readonly peerId: string;
  readonly direction: CallDirection;
  readonly reason: CallEndReason;
  readonly startedAt: number;
  readonly endedAt: number;
  /** How long audio flowed; null if the call never connected. */
  readonly durationMs: number | null;
}

export interface CallActions {
  callChanged(call: CallView | null): void;
  callMetrics(metrics: CallMetrics): void;
  callEnded(record: CallRecord): void;
}

/** `unavailable`: this device cannot make calls (no microphone access here). */
export type PlaceCallOutcome = 'ringing' | 'offline' | 'busy' | 'unavailable';

export interface CallManagerDeps {
  readonly links: CallLinks;
  readonly actions: CallActions;
  readonly media: CallMedia;
  readonly devices: () => CallDevicePreferences;
  readonly now?: () => number;
  readonly newCallId?: () => string;
  /** How long a call rings before it counts as unanswered. */
  readonly ringTimeoutMs?: number;
  /** How long audio may take to flow both ways after the call is accepted. */
  readonly connectTimeoutMs?: number;
  /** How often levels and quality are measured. */
  readonly metricsIntervalMs?: number;
}

export const DEFAULT_RING_TIMEOUT_MS = 30_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 20_000;
const DEFAULT_METRICS_INTERVAL_MS = 250;
/**
 * The callee gives up a little after the caller would: normally the caller's cancel arrives first
 * and the callee's timer only covers a cancel that was lost.
 */
const CALLEE_RING_GRACE_MS = 5_000;
/** Loss is judged over about this span of samples. */
const QUALITY_WINDOW_MS = 3_000;

/** One call's timers and media; released as a whole when the call ends. */
class CallResources {
  released = false;
  microphone: MediaStream | null = null;
  microphoneOpening = false;
  meter: LevelMeter | null = null;
  attached: { transport: CallTransport; track: MediaStreamTrack; stream: MediaStream } | null = null;
  player: RemoteAudioPlayer | null = null;
  readonly remoteTrackIds = new Set<string>();
  /**
   * Inbound audio packets when this call began to listen on receivers an earlier call made; more
   * than that means the other side's audio flows again. Null until the first measurement.
   */
  reusedReceiversBaseline: number | null = null;
  listensOnReusedReceivers = false;
  stopWatchingTracks: (() => void) | null = null;
  ringTimer: ReturnType<typeof setTimeout> | null = null;
  connectTimer: ReturnType<typeof setTimeout> | null = null;
  metricsTimer: ReturnType<typeof setInterval> | null = null;
  samples: CallStatsSample[] = [];

  constructor(
    readonly callId: string,
    readonly peerId: string,
    private readonly park: (connection: CallTransport['connection'], sender: ParkedSender) => void,
  ) {}

  release(): void {
    this.released = true;
    if (this.ringTimer) clearTimeout(this.ringTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.stopWatchingTracks?.();
    if (this.attached) {
      const { transport, track, stream } = this.attached;
      try {
        // The sender stays on the connection with nothing to send, ready for the next call.
        transport.media.replaceTrack(track, null, stream);
        this.park(transport.connection, { track, stream });
      } catch {
        // The connection is already gone, and the sender with it.
      }
    }
    if (this.microphone) stopStream(this.microphone);
    this.meter?.close();
    this.player?.stop();
  }
}

export class CallManager {
  private state: CallState = IDLE_CALL;
  private resources: CallResources | null = null;
  /** Per connection (a device's link), the sender of its last call; gone with the connection. */
  private readonly parkedSenders = new WeakMap<CallTransport['connection'], ParkedSender>();
  private readonly now: () => number;
  private readonly unobserve: () => void;

  constructor(private readonly deps: CallManagerDeps) {
    this.now = deps.now ?? Date.now;
    this.unobserve = deps.links.observe({
      message: (deviceId, message) => this.received(deviceId, message),
      linkDown: (deviceId) => this.dispatch({ type: 'link-down', peerId: deviceId, at: this.now() }),
    });
  }

  get current(): CallState {
    return this.state;
  }

  /**
   * Whether this device can make and take calls at all: false in a browser page that is not a
   * secure context, which browsers give no microphone (CallMedia.canCapture).
   */
  get canCallHere(): boolean {
    return this.deps.media.canCapture?.() ?? true;
  }

  /** Rings the device; the microphone opens now so it is ready when they accept. */
  place(peerId: string): PlaceCallOutcome {
    if (!this.canCallHere) return 'unavailable';
    if (isActive(this.state)) return 'busy';
    if (!this.deps.links.session(peerId)) return 'offline';
    const callId = this.deps.newCallId?.() ?? randomId();
    this.dispatch({ type: 'place', peerId, callId, at: this.now() });
    return 'ringing';
  }

  /** Accepts the call that is ringing here; false if none is. */
  accept(): boolean {
    if (this.state.phase !== 'incoming-ringing') return false;
    this.dispatch({ type: 'accept', at: this.now() });
    return true;
  }

  decline(): void {
    this.dispatch({ type: 'decline', at: this.now() });
  }

  /** Ends the current call in whatever way fits its phase (cancel, decline or hang up). */
  hangUp(): void {
    this.dispatch({ type: 'hang-up', at: this.now() });
  }

  setMuted(muted: boolean): void {
    this.dispatch({ type: 'set-muted', muted });
  }

  toggleMute(): void {
    if (isActive(this.state)) this.setMuted(!this.state.muted);
  }

  /** Switches the microphone of a running call; later calls read the choice from `devices`. */
  async changeMicrophone(): Promise<void> {
    const resources = this.resources;
    if (!resources?.microphone || resources.released) return;
    const stream = await this.deps.media.openMicrophone(this.deps.devices().input);
    if (resources.released || this.resources !== resources) {
      stopStream(stream);
      return;
    }
    const [track] = stream.getAudioTracks();
    const old = resources.microphone;
    if (!track) return;
    track.enabled = isActive(this.state) && !this.state.muted;
    if (resources.attached) {
      // The new track takes the old one's place in the connection; no renegotiation needed.
      resources.attached.transport.media.replaceTrack(
        resources.attached.track,
        track,
        resources.attached.stream,
      );
      resources.attached = { ...resources.attached, track };
    }
    resources.microphone = stream;
    resources.meter?.close();
    resources.meter = this.deps.media.createLevelMeter(stream);
    stopStream(old);
  }

  async changeSpeaker(): Promise<void> {
    await this.resources?.player?.setOutput(this.deps.devices().output);
  }

  /** The current call's audio statistics, fresh; null when no call is connecting or running. */
  async stats(): Promise<CallStatsSample | null> {
    const resources = this.resources;
    if (!resources || resources.released) return null;
    const transport = this.deps.links.session(resources.peerId);
    if (!transport) return null;
    return readCallStats(await transport.connection.getStats(), resources.remoteTrackIds);
  }

  /**
   * How many audio lines (transceivers) the connection to this device has; null when offline.
   * Calls reuse the first call's line, so this stays at one or two however many calls follow.
   */
  audioLines(peerId: string): number | null {
    const transport = this.deps.links.session(peerId);
    if (!transport) return null;
    return transport.connection.getReceivers().filter((receiver) => receiver.track.kind === 'audio').length;
  }

  /** The page is going away: tell the other side the call is over, then let go of everything. */
  dispose(): void {
    this.hangUp();
    this.unobserve();
    this.resources?.release();
    this.resources = null;
  }

  private received(deviceId: string, message: PeerMessage): void {
    const at = this.now();
    switch (message.type) {
      case 'call:invite':
        return this.dispatch({
          type: 'invite-received',
          peerId: deviceId,
          callId: message.callId,
          at,
          ...(this.canCallHere ? {} : { cannotAnswer: true }),
        });
      case 'call:accept':
        return this.dispatch({ type: 'accept-received', peerId: deviceId, callId: message.callId, at });
      case 'call:decline':
        return this.dispatch({
          type: 'decline-received',
          peerId: deviceId,
          callId: message.callId,
          reason: message.reason,
          at,
        });
      case 'call:cancel':
        return this.dispatch({ type: 'cancel-received', peerId: deviceId, callId: message.callId, at });
      case 'call:end':
        return this.dispatch({
          type: 'end-received',
          peerId: deviceId,
          callId: message.callId,
          failed: message.reason === 'failed',
          at,
        });
      default:
        return;
    }
  }

  private dispatch(event: CallEvent): void {
    const before = this.state;
    const step = callTransition(before, event);
    this.state = step.state;
    for (const { peerId, message } of step.outbox) this.deps.links.session(peerId)?.send(message);
    if (step.state !== before) this.apply(before, step.state);
  }

  /** Makes timers and media follow the new state, then reports it. */
  private apply(before: CallState, after: CallState): void {
    if (after.phase === 'ended') {
      this.resources?.release();
      this.resources = null;
      this.deps.actions.callChanged(null);
      this.deps.actions.callEnded(recordOf(after));
      return;
    }
    if (!isActive(after)) return;

    let resources = this.resources;
    if (!resources || resources.callId !== after.callId) {
      // A new call (or, after both called at once, the other side's call replaced ours).
      resources?.release();
      resources = new CallResources(after.callId, after.peerId, (connection, sender) =>
        this.parkedSenders.set(connection, sender),
      );
      this.resources = resources;
    }
    const entered = !isActive(before) || before.callId !== after.callId || before.phase !== after.phase;

    if (entered) this.enterPhase(resources, after);
    if (after.phase === 'connecting' || after.phase === 'in-call') {
      if (after.microphoneReady && !resources.attached) this.attachMicrophone(resources);
    }
    if (resources.microphone) {
      for (const track of resources.microphone.getAudioTracks()) track.enabled = !after.muted;
    }
    this.deps.actions.callChanged(viewOf(after));
  }

  private enterPhase(resources: CallResources, call: ActiveCall): void {
    switch (call.phase) {
      case 'outgoing-ringing':
        this.startRingTimer(resources, this.ringTimeout());
        this.openMicrophone(resources);
        this.startMetrics(resources);
        return;
      case 'incoming-ringing':
        this.startRingTimer(resources, this.ringTimeout() + CALLEE_RING_GRACE_MS);
        return;
      case 'connecting':
        if (resources.ringTimer) clearTimeout(resources.ringTimer);
        resources.connectTimer = setTimeout(
          () => this.dispatch({ type: 'connect-timeout', callId: resources.callId, at: this.now() }),
          this.deps.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        );
        this.watchRemoteAudio(resources);
        if (!resources.microphone && !resources.microphoneOpening) this.openMicrophone(resources);
        this.startMetrics(resources);
        return;
      case 'in-call':
        if (resources.connectTimer) clearTimeout(resources.connectTimer);
        return;
    }
  }

  private ringTimeout(): number {
    return this.deps.ringTimeoutMs ?? DEFAULT_RING_TIMEOUT_MS;
  }

  private startRingTimer(resources: CallResources, ms: number): void {
    if (resources.ringTimer) clearTimeout(resources.ringTimer);
    resources.ringTimer = setTimeout(
      () => this.dispatch({ type: 'ring-timeout', callId: resources.callId, at: this.now() }),
      ms,
    );
  }

  private openMicrophone(resources: CallResources): void {
    resources.microphoneOpening = true;
    const { callId } = resources;
    this.deps.media.openMicrophone(this.deps.devices().input).then(
      (stream) => {
        resources.microphoneOpening = false;
        if (resources.released) {
          stopStream(stream);
          return;
        }
        resources.microphone = stream;
        resources.meter = this.deps.media.createLevelMeter(stream);
        this.dispatch({ type: 'microphone-ready', callId, at: this.now() });
      },
      () => {
        resources.microphoneOpening = false;
        if (!resources.released) this.dispatch({ type: 'microphone-failed', callId, at: this.now() });
      },
    );
  }

  private attachMicrophone(resources: CallResources): void {
    const transport = this.deps.links.session(resources.peerId);
    const stream = resources.microphone;
    const track = stream?.getAudioTracks()[0];
    // No link: the link-down event that ends the call is on its way.
    if (!transport || !stream || !track) return;
    try {
      const parked = this.parkedSenders.get(transport.connection);
      if (parked) {
        // No renegotiation: the line is there, it only gets sound again.
        transport.media.replaceTrack(parked.track, track, parked.stream);
        this.parkedSenders.delete(transport.connection);
        resources.attached = { transport, track, stream: parked.stream };
      } else {
        transport.media.addTrack(track, stream);
        resources.attached = { transport, track, stream };
      }
    } catch {
      // Reported after the state change under way has been applied and reported.
      queueMicrotask(() =>
        this.dispatch({ type: 'microphone-failed', callId: resources.callId, at: this.now() }),
      );
    }
  }

  private watchRemoteAudio(resources: CallResources): void {
    const transport = this.deps.links.session(resources.peerId);
    if (!transport || resources.stopWatchingTracks) return;
    const play = (track: MediaStreamTrack): void => {
      resources.remoteTrackIds.add(track.id);
      resources.player ??= this.deps.media.createPlayer(this.deps.devices().output);
      resources.player.play(track);
    };
    // A track the other side adds now arrives by renegotiation, with a 'track' event.
    const onTrack = (event: RTCTrackEvent): void => {
      if (resources.released || event.track.kind !== 'audio') return;
      play(event.track);
      this.dispatch({ type: 'remote-audio', callId: resources.callId, at: this.now() });
    };
    transport.connection.addEventListener('track', onTrack);
    resources.stopWatchingTracks = () => transport.connection.removeEventListener('track', onTrack);
    // Receivers an earlier call made are here already; the other side puts sound on its line again
    // without renegotiating, so no event says so: `measure` watches their packets instead.
    for (const receiver of transport.connection.getReceivers()) {
      if (receiver.track.kind !== 'audio') continue;
      play(receiver.track);
      resources.listensOnReusedReceivers = true;
    }
  }

  private startMetrics(resources: CallResources): void {
    if (resources.metricsTimer) return;
    let measuring = false;
    resources.metricsTimer = setInterval(() => {
      if (measuring || resources.released) return;
      measuring = true;
      void this.measure(resources).finally(() => {
        measuring = false;
      });
    }, this.deps.metricsIntervalMs ?? DEFAULT_METRICS_INTERVAL_MS);
  }

  private async measure(resources: CallResources): Promise<void> {
    const muted = isActive(this.state) && this.state.muted;
    const localLevel = muted ? 0 : meterLevel(resources.meter?.read() ?? 0);
    let remoteLevel = 0;
    let quality: CallQuality | null = null;
    const transport =
      resources.remoteTrackIds.size > 0 ? this.deps.links.session(resources.peerId) : undefined;
    if (transport) {
      try {
        const sample = readCallStats(await transport.connection.getStats(), resources.remoteTrackIds);
        if (resources.released) return;
        resources.samples = [...resources.samples, sample].filter(
          (earlier) => sample.timestamp - earlier.timestamp <= QUALITY_WINDOW_MS,
        );
        if (resources.listensOnReusedReceivers && this.state.phase === 'connecting') {
          // Audio (even muted audio: silence is still sent) makes ~50 packets a second.
          if (resources.reusedReceiversBaseline === null) {
            resources.reusedReceiversBaseline = sample.packetsReceived;
          } else if (sample.packetsReceived > resources.reusedReceiversBaseline) {
            this.dispatch({ type: 'remote-audio', callId: resources.callId, at: this.now() });
          }
        }
        const earliest = resources.samples[0];
        quality = callQuality(qualityInputs(earliest === sample ? null : (earliest ?? null), sample));
        remoteLevel = meterLevel(sample.audioLevel ?? 0);
      } catch {
        // Stats are best effort: the connection may be closing.
      }
    }
    if (!resources.released) this.deps.actions.callMetrics({ localLevel, remoteLevel, quality });
  }
}

function viewOf(call: ActiveCall): CallView {
  return {
    callId: call.callId,
    peerId: call.peerId,
    direction: call.direction,
    phase: call.phase,
    startedAt: call.startedAt,
    connectedAt: call.phase === 'in-call' ? call.connectedAt : null,
    muted: call.muted,
  };
}

function recordOf(call: EndedCall): CallRecord {
  return {
    callId: call.callId,
    peerId: call.peerId,
    direction: call.direction,
    reason: call.reason,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    durationMs: call.connectedAt === null ? null : call.endedAt - call.connectedAt,
  };
}
