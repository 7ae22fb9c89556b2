/**
 * Two (or more) devices' CallManagers wired together in one process without WebRTC: control
 * messages go through `decodePeerMessage` like real frames and arrive a microtask later, and
 * adding a microphone track to a link fires a 'track' event on the other device's end, as
 * renegotiation does. Microphones, meters and players are fakes that remember what happened.
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
  /** Packets "received" so far per remote track id, for getStats. */
  readonly received = new Map<string, number>();
  async getStats() {
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
        addTrack: (track) => {
          if (!this.open) throw new Error('destroyed');
          this.added.push(track as unknown as FakeTrack);
          const remote = new FakeTrack(`${(track as unknown as FakeTrack).id}@remote`);
          if (this.mediaStuck) return {} as RTCRtpSender;
          this.other.connection.received.set(remote.id, 50);
          // Renegotiation happens over the control channel; the other side sees the track later.
          queueMicrotask(() => this.other.connection.fireTrack(remote));
          return {} as RTCRtpSender;
        },
        removeTrack: (track) => {
          if (!this.open) throw new Error('destroyed');
          this.removed.push(track as unknown as FakeTrack);
        },
        replaceTrack: () => undefined,
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
        const track = new FakeTrack(`${this.id}-mic-${this.nextTrack++}`);
        this.microphones.push(track);
        return new FakeStream(track) as unknown as MediaStream;
      },
      createLevelMeter: () => ({ read: () => 0.05, close: () => undefined }),
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
