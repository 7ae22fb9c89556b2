import wrtc from '@roamhq/wrtc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BulkSignal } from '../../../../contracts/transfer';
import { sdpFingerprint } from '../pake/sdp-fingerprint';
import {
  BulkConnection,
  PreferredBulkChannel,
  openBulkTransport,
  type BulkConnectionOptions,
  type BulkRefusal,
  type PreferredRoute,
} from './bulk-connection';
import type { BulkChannelLike, IncomingChannelLike } from './bulk-link';

/** A data channel that opens, closes and receives when the test says so. */
class ScriptedChannel implements BulkChannelLike {
  readyState: RTCDataChannelState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  binaryType: BinaryType = 'blob';
  readonly sent: number[] = [];
  closedByUs = false;
  private readonly target = new EventTarget();

  send(data: Uint8Array<ArrayBuffer>): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError');
    this.sent.push(data.byteLength);
  }

  close(): void {
    this.closedByUs = true;
    this.readyState = 'closed';
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.target.addEventListener(type, listener as EventListener);
  }

  removeEventListener(type: string, listener: () => void): void {
    this.target.removeEventListener(type, listener);
  }

  open(): void {
    this.readyState = 'open';
    this.target.dispatchEvent(new Event('open'));
  }

  lose(): void {
    this.readyState = 'closed';
    this.target.dispatchEvent(new Event('close'));
  }

  receive(bytes: number): void {
    this.target.dispatchEvent(new MessageEvent('message', { data: new ArrayBuffer(bytes) }));
  }

  drain(): void {
    this.bufferedAmount = 0;
    this.target.dispatchEvent(new Event('bufferedamountlow'));
  }
}

class ScriptedRoute implements PreferredRoute {
  readonly channel = new ScriptedChannel();
  failed = false;
  closed = false;
  private readonly failures: (() => void)[] = [];

  onFailed(listener: () => void): void {
    this.failures.push(listener);
  }

  close(): void {
    this.closed = true;
  }

  fail(): void {
    this.failed = true;
    for (const listener of this.failures) listener();
  }
}

function setup(giveUpAfterMs = 1_000) {
  const route = new ScriptedRoute();
  const fallback = new ScriptedChannel();
  const channel = new PreferredBulkChannel(route, fallback, giveUpAfterMs);
  const events: string[] = [];
  channel.addEventListener('open', () => events.push('open'));
  channel.addEventListener('close', () => events.push('close'));
  channel.addEventListener('bufferedamountlow', () => events.push('low'));
  return { route, fallback, channel, events };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('PreferredBulkChannel', () => {
  it('sends on the bulk connection once it opens, with the thresholds BulkLink set before', () => {
    const { route, fallback, channel, events } = setup();
    channel.bufferedAmountLowThreshold = 1234;
    fallback.open();
    expect(channel.readyState).toBe('connecting');
    expect(channel.route).toBe('pending');
    route.channel.open();
    expect(channel.route).toBe('bulk-connection');
    expect(channel.readyState).toBe('open');
    expect(route.channel.bufferedAmountLowThreshold).toBe(1234);
    channel.send(new Uint8Array(10));
    expect(route.channel.sent).toEqual([10]);
    expect(fallback.sent).toEqual([]);
    route.channel.bufferedAmount = 99;
    expect(channel.bufferedAmount).toBe(99);
    route.channel.drain();
    fallback.drain();
    expect(events).toEqual(['open', 'low']);
  });

  it('falls back to the control connection when the bulk connection fails to connect', () => {
    const { route, fallback, channel, events } = setup();
    fallback.open();
    route.fail();
    expect(channel.route).toBe('control-connection');
    expect(route.closed).toBe(true);
    expect(events).toEqual(['open']);
    channel.send(new Uint8Array(7));
    expect(fallback.sent).toEqual([7]);
  });

  it('falls back when the bulk connection does not open in time, and keeps that choice', () => {
    vi.useFakeTimers();
    const { route, fallback, channel, events } = setup(500);
    vi.advanceTimersByTime(499);
    expect(channel.route).toBe('pending');
    vi.advanceTimersByTime(1);
    expect(channel.route).toBe('control-connection');
    // Not open yet: BulkLink waits for 'open'.
    expect(channel.readyState).toBe('connecting');
    fallback.open();
    expect(events).toEqual(['open']);
    // The bulk connection opening late changes nothing: a file's frames stay on one channel.
    route.channel.open();
    channel.send(new Uint8Array(3));
    expect(fallback.sent).toEqual([3]);
    expect(route.channel.sent).toEqual([]);
    expect(route.closed).toBe(true);
  });

  it('reports close when the chosen bulk connection is lost, and not for the unused channel', () => {
    const { route, fallback, channel, events } = setup();
    route.channel.open();
    fallback.lose();
    expect(channel.readyState).toBe('open');
    route.fail();
    expect(channel.readyState).toBe('closed');
    expect(events).toEqual(['open', 'close']);
    expect(() => channel.send(new Uint8Array(1))).toThrow();
  });

  it('closes the bulk connection and the fallback channel when closed', () => {
    const { route, fallback, channel, events } = setup();
    route.channel.open();
    channel.close();
    expect(route.closed).toBe(true);
    expect(fallback.closedByUs).toBe(true);
    expect(channel.readyState).toBe('closed');
    expect(events).toEqual(['open']);
  });
});

/** Two bulk connections wired to each other like two devices over their control channel. */
function wiredPair(bobExtra: Partial<BulkConnectionOptions> = {}) {
  const connections: { ada?: BulkConnection; bob?: BulkConnection } = {};
  const signals: BulkSignal[] = [];
  const incoming = { ada: [] as IncomingChannelLike[], bob: [] as IncomingChannelLike[] };
  const createConnection = (configuration: RTCConfiguration) =>
    new wrtc.RTCPeerConnection(configuration) as unknown as RTCPeerConnection;
  connections.bob = new BulkConnection({
    offerer: false,
    adoptIncoming: (channel) => incoming.bob.push(channel),
    configuration: { iceServers: [] },
    createConnection,
    sendSignal: (signal) => {
      signals.push(signal);
      setTimeout(() => connections.ada?.signal(signal), 0);
    },
    ...bobExtra,
  });
  connections.ada = new BulkConnection({
    offerer: true,
    adoptIncoming: (channel) => incoming.ada.push(channel),
    configuration: { iceServers: [] },
    createConnection,
    sendSignal: (signal) => {
      signals.push(signal);
      setTimeout(() => connections.bob?.signal(signal), 0);
    },
  });
  return { ada: connections.ada, bob: connections.bob, signals, incoming };
}

const opened = (channel: BulkChannelLike) =>
  new Promise<void>((resolve) => {
    if (channel.readyState === 'open') resolve();
    else channel.addEventListener('open', resolve);
  });

describe('BulkConnection (two real connections, @roamhq/wrtc)', () => {
  it('connects through its own signals and carries binary frames, one channel per direction', async () => {
    const { ada, bob, signals, incoming } = wiredPair();
    try {
      await Promise.all([opened(ada.channel), opened(bob.channel)]);
      expect(
        signals.filter((s) => s.kind === 'description').map((s) => s.kind === 'description' && s.type),
      ).toEqual(['offer', 'answer']);
      expect(signals.some((s) => s.kind === 'candidate')).toBe(true);
      const [toBob, toAda] = [incoming.bob[0], incoming.ada[0]];
      if (!toBob || !toAda) throw new Error('no incoming channel adopted');
      const received = (channel: IncomingChannelLike) =>
        new Promise<number>((resolve) => {
          channel.binaryType = 'arraybuffer';
          channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) =>
            resolve(event.data.byteLength),
          );
        });
      const [atBob, atAda] = [received(toBob), received(toAda)];
      ada.channel.send(new Uint8Array(262_144));
      bob.channel.send(new Uint8Array(1_000));
      expect(await atBob).toBe(262_144);
      expect(await atAda).toBe(1_000);
      expect([incoming.ada.length, incoming.bob.length]).toEqual([1, 1]);
    } finally {
      ada.close();
      bob.close();
    }
  });

  it('refuses an offer naming another certificate than the control connection’s: never applied, never answered', async () => {
    const refusals: BulkRefusal[] = [];
    const someoneElse = `sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`;
    const { ada, bob, signals } = wiredPair({
      // Bob's control connection was with another certificate than the one Ada's offer names.
      binding: { local: someoneElse, remote: someoneElse },
      onRefused: (reason) => refusals.push(reason),
    });
    try {
      await new Promise<void>((resolve) => bob.onFailed(resolve));
      expect(refusals).toEqual(['remote-fingerprint']);
      expect(bob.failed).toBe(true);
      // No answer went back: there is no DTLS session with Bob for anyone to finish.
      expect(signals.some((s) => s.kind === 'description' && s.type === 'answer')).toBe(false);
    } finally {
      ada.close();
      bob.close();
    }
  });

  it('keeps a bulk connection whose both ends show the bound fingerprints, checked against getStats once connected', async () => {
    const refusals: BulkRefusal[] = [];
    let bobPc: RTCPeerConnection | null = null;
    let relayed: readonly BulkSignal[] = [];
    // @roamhq/wrtc cannot reuse a certificate, so the "control connection's" fingerprints are the
    // ones this very handshake produces, read when the checks ask for them.
    const binding = {
      get local() {
        return sdpFingerprint(bobPc?.localDescription?.sdp ?? '') ?? 'none';
      },
      get remote() {
        const offer = relayed.find((s) => s.kind === 'description' && s.type === 'offer');
        return (offer?.kind === 'description' && sdpFingerprint(offer.sdp)) || 'none';
      },
    };
    let verified = () => undefined as void;
    const checked = new Promise<void>((resolve) => (verified = resolve));
    const { ada, bob, signals, incoming } = wiredPair({
      binding,
      onRefused: (reason) => refusals.push(reason),
      onVerified: () => verified(),
      createConnection: (configuration) => {
        bobPc = new wrtc.RTCPeerConnection(configuration) as unknown as RTCPeerConnection;
        return bobPc;
      },
    });
    relayed = signals;
    try {
      await Promise.all([opened(ada.channel), opened(bob.channel), checked]);
      expect(refusals).toEqual([]);
      expect(bob.failed).toBe(false);
      const toBob = incoming.bob[0];
      if (!toBob) throw new Error('no incoming channel adopted');
      const received = new Promise<number>((resolve) => {
        toBob.binaryType = 'arraybuffer';
        toBob.addEventListener('message', (event: MessageEvent<ArrayBuffer>) =>
          resolve(event.data.byteLength),
        );
      });
      ada.channel.send(new Uint8Array(1_000));
      expect(await received).toBe(1_000);
    } finally {
      ada.close();
      bob.close();
    }
  });

  it('fails on a handshake out of place (an answerer sent an answer)', async () => {
    const answerer = new BulkConnection({
      offerer: false,
      adoptIncoming: () => undefined,
      configuration: { iceServers: [] },
      createConnection: (configuration) =>
        new wrtc.RTCPeerConnection(configuration) as unknown as RTCPeerConnection,
      sendSignal: () => undefined,
    });
    const failed = new Promise<void>((resolve) => answerer.onFailed(resolve));
    answerer.signal({ kind: 'description', type: 'answer', sdp: 'v=0\r\n' });
    await failed;
    expect(answerer.failed).toBe(true);
  });

  it('is offered by the device that did not start the control connection, through transfer:signal; each side sends on one channel and receives on the other', () => {
    const sent: unknown[] = [];
    const made: RTCConfiguration[] = [];
    const fallbacks = new Map<number, ScriptedChannel>();
    const adopted: IncomingChannelLike[] = [];
    const session = {
      connection: {
        createDataChannel: (_label: string, init: RTCDataChannelInit) => {
          const channel = new ScriptedChannel();
          fallbacks.set(init.id ?? -1, channel);
          return channel;
        },
      } as unknown as RTCPeerConnection,
      initiator: true,
      rtcConfiguration: { iceServers: [{ urls: 'turn:relay.example:3478', username: 'u', credential: 'c' }] },
      send: (message: unknown) => sent.push(message) > 0,
    };
    const transport = openBulkTransport(session, {
      generation: 3,
      adoptIncoming: (channel) => adopted.push(channel),
      createConnection: (configuration) => {
        made.push(configuration);
        return new wrtc.RTCPeerConnection(configuration) as unknown as RTCPeerConnection;
      },
    });
    const [sending, receiving] = [fallbacks.get(1006), fallbacks.get(1007)];
    try {
      // The control connection's ICE servers, so TURN works for the bulk connection too.
      expect(made).toEqual([session.rtcConfiguration]);
      expect(transport.channel.route).toBe('pending');
      // The initiator waits for the other device's offer.
      expect(sent).toEqual([]);
      // Generation 3 takes the fourth pair of ids; the initiator sends on the even one. What it
      // receives on, there and on the bulk connection, was adopted as it was made.
      expect([...fallbacks.keys()]).toEqual([1006, 1007]);
      expect(adopted).toHaveLength(2);
      expect(adopted[0]).toBe(receiving);
    } finally {
      transport.channel.close();
    }
    expect(sending?.closedByUs).toBe(true);
  });
});
