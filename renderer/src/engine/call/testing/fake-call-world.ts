/**
 * Two (or more) devices' CallManagers wired together in one process without WebRTC: control
 * messages go through `decodePeerMessage` like real frames and arrive a microtask later, and
 * adding a microphone track to a link makes a receiver on the other device's end and fires a
 * 'track' event there, as renegotiation does. A sender with a track "sends": the receiver's packet
 * count grows at each getStats. `replaceTrack` swaps what a sender sends (null: nothing) without
 * any event, as in WebRTC. Microphones, meters and players are fakes that remember what happened.
 */
import {
  decodePeerMessage,
  encodePeerMessage,
  type PeerMessage,
} from '../../../../../contracts/peer-protocol';
import {
  CallManager,
  type CallActions,
  type CallLinks,
  type CallMetrics,
  type CallRecord,
  type CallTransport,
  type CallView,
} from '../call-manager';
import type { CallMedia } from '../call-media';

export class FakeTrack {
  enabled = true;
  stopped = false;
  readonly kind = 'audio';
  constructor(readonly id: string) {}
  stop(): void {
    this.stopped = true;
  }
}

export class FakeStream {
  constructor(readonly track: FakeTrack) {}
  getAudioTracks(): FakeTrack[] {
    return [this.track];
  }
  getTracks(): FakeTrack[] {
    return [this.track];
  }
}

class FakeConnection {
  private readonly trackListeners = new Set<(event: { track: FakeTrack }) => void>();
  addEventListener(type: string, listener: (event: { track: FakeTrack }) => void): void {
    if (type === 'track') this.trackListeners.add(listener);
  }
  removeEventListener(type: string, listener: (event: { track: FakeTrack }) => void): void {
    if (type === 'track') this.trackListeners.delete(listener);
  }
  get listenerCount(): number {
    return this.trackListeners.size;
  }
  fireTrack(track: FakeTrack): void {
    for (const listener of this.trackListeners) listener({ track });
  }
  /** One per audio line the other side made (transceivers are never removed). */
  readonly receivers: { track: FakeTrack }[] = [];
  getReceivers(): { track: FakeTrack }[] {
    return [...this.receivers];
  }
  /** Remote track ids whose sender on the other side currently has a track. */
  readonly flowing = new Set<string>();
  /** Packets "received" so far per remote track id, for getStats. */
  readonly received = new Map<string, number>();
  async getStats() {
    for (const id of this.flowing) this.received.set(id, (this.received.get(id) ?? 0) + 50);
    const entries = [...this.received].map(([trackIdentifier, packetsReceived]) => ({
      type: 'inbound-rtp',
      kind: 'audio',
      trackIdentifier,
      packetsReceived,
      packetsLost: 0,
      jitter: 0.002,
      audioLevel: 0.1,
      timestamp: 1,
    }));
    return { forEach: (callback: (stats: unknown) => void) => entries.forEach(callback) };
  }
}

/** One device's end of the link to another device. */
class FakeLinkEnd {
  readonly connection = new FakeConnection();
  readonly added: FakeTrack[] = [];
  readonly removed: FakeTrack[] = [];
  /** Each `replaceTrack(old, new)`, by track id ('-' for null). */
  readonly replaced: string[] = [];
  /** What each sender was last given (simple-peer's key), → the track the other side receives. */
  private readonly senders = new Map<FakeTrack, FakeTrack>();
  readonly sent: PeerMessage[] = [];
  other!: FakeLinkEnd;
  open = true;
  /** When set, tracks added here never reach the other side (renegotiation stuck). */
  mediaStuck = false;
  constructor(
    readonly owner: FakeDevice,
    readonly peerId: string,
  ) {}

  transport(): CallTransport {
    return {
      send: (message) => {
        if (!this.open) return false;
        const decoded = decodePeerMessage(encodePeerMessage(message));
        if (!decoded.ok) throw new Error(`unencodable message ${message.type}`);
        this.sent.push(decoded.value);
        queueMicrotask(() => {
          if (this.open) this.other.owner.deliver(this.other.peerId, decoded.value);
        });
        return true;
      },
      media: {
        addTrack: (added) => {
          if (!this.open) throw new Error('destroyed');
          const track = added as unknown as FakeTrack;
          if (this.senders.has(track)) throw new Error('Track has already been added to that stream.');
          this.added.push(track);
          const remote = new FakeTrack(`${track.id}@remote`);
          this.senders.set(track, remote);
          if (this.mediaStuck) return {} as RTCRtpSender;
          // Renegotiation happens over the control channel; the other side sees the track later.
          queueMicrotask(() => {
            this.other.connection.receivers.push({ track: remote });
            this.other.connection.flowing.add(remote.id);
            this.other.connection.fireTrack(remote);
          });
          return {} as RTCRtpSender;
        },
        removeTrack: (removed) => {
          if (!this.open) throw new Error('destroyed');
          const track = removed as unknown as FakeTrack;
          this.removed.push(track);
          const remote = this.senders.get(track);
          if (remote) this.other.connection.flowing.delete(remote.id);
        },
        replaceTrack: (oldTrack, newTrack) => {
          if (!this.open) throw new Error('destroyed');
          const old = oldTrack as unknown as FakeTrack;
          const next = newTrack as unknown as FakeTrack | null;
          const remote = this.senders.get(old);
          if (!remote) throw new Error('Cannot replace track that was never added.');
          this.replaced.push(`${old.id}→${next?.id ?? '-'}`);
          // As simple-peer: the sender is found by the new track from now on (the old key stays).
          if (next) {
            this.senders.set(next, remote);
            this.other.connection.flowing.add(remote.id);
          } else {
            this.other.connection.flowing.delete(remote.id);
          }
        },
      },
      connection: this.connection as unknown as CallTransport['connection'],
    };
  }
}

export class FakeDevice implements CallActions {
  readonly views: (CallView | null)[] = [];
  readonly records: CallRecord[] = [];
  readonly metrics: CallMetrics[] = [];
  readonly microphones: FakeTrack[] = [];
  readonly players: { played: FakeTrack[]; stopped: boolean }[] = [];
  readonly links = new Map<string, FakeLinkEnd>();
  microphoneFails = false;
  /** No microphone can be asked for at all (a browser page that is not a secure context). */
  cannotCapture = false;
  /** The microphone request never settles (a permission prompt nobody answers). */
  microphoneHangs = false;
  readonly manager: CallManager;
  private observers = new Set<Parameters<CallLinks['observe']>[0]>();
  private nextTrack = 1;

  constructor(
    readonly id: string,
    options: { ringTimeoutMs?: number; connectTimeoutMs?: number } = {},
  ) {
    const links: CallLinks = {
      observe: (observer) => {
        this.observers.add(observer);
        return () => this.observers.delete(observer);
      },
      session: (peerId) => {
        const end = this.links.get(peerId);
        return end?.open ? end.transport() : undefined;
      },
    };
    const media: CallMedia = {
      openMicrophone: async () => {
        if (this.microphoneFails) throw new Error('NotAllowedError');
        if (this.microphoneHangs) return new Promise<MediaStream>(() => undefined);
        const track = new FakeTrack(`${this.id}-mic-${this.nextTrack++}`);
        this.microphones.push(track);
        return new FakeStream(track) as unknown as MediaStream;
      },
      createLevelMeter: () => ({ read: () => 0.05, close: () => undefined }),
      canCapture: () => !this.cannotCapture,
      createPlayer: () => {
        const player = { played: [] as FakeTrack[], stopped: false };
        this.players.push(player);
        return {
          play: (track) => void player.played.push(track as unknown as FakeTrack),
          setOutput: async () => undefined,
          stop: () => {
            player.stopped = true;
          },
        };
      },
    };
    this.manager = new CallManager({
      links,
      actions: this,
      media,
      devices: () => ({ input: '', output: '' }),
      metricsIntervalMs: 250,
      ...options,
    });
  }

  get view(): CallView | null {
    return this.views.at(-1) ?? null;
  }

  callChanged(call: CallView | null): void {
    this.views.push(call);
  }
  callMetrics(metrics: CallMetrics): void {
    this.metrics.push(metrics);
  }
  callEnded(record: CallRecord): void {
    this.records.push(record);
  }

  deliver(fromPeerId: string, message: PeerMessage): void {
    for (const observer of this.observers) observer.message?.(fromPeerId, message);
  }

  dropLink(peerId: string): void {
    const end = this.links.get(peerId);
    if (!end?.open) return;
    end.open = false;
    end.other.open = false;
    for (const observer of this.observers) observer.linkDown?.(peerId);
    for (const observer of end.other.owner.observers) observer.linkDown?.(this.id);
  }
}

/** Connects two devices as the engine would after pairing. */
export function link(a: FakeDevice, b: FakeDevice): { ab: FakeLinkEnd; ba: FakeLinkEnd } {
  const ab = new FakeLinkEnd(a, b.id);
  const ba = new FakeLinkEnd(b, a.id);
  ab.other = ba;
  ba.other = ab;
  a.links.set(b.id, ab);
  b.links.set(a.id, ba);
  return { ab, ba };
}
