/**
 * The presence room as the rescue route of a live connection: ICE-restart handshake data goes out
 * flagged as a restart through every service where the other device is, and a flagged signal that
 * comes in is handed to the connection the engine has, never used to start a new one.
 */
import { describe, expect, it } from 'vitest';
import { rendezvousIdOf } from '../../../../contracts/presence';
import type { SignalData } from '../../../../contracts/signaling';
import type { PeerSession } from '../peer-session';
import { memoryDeviceBook } from '../remembered/device-book';
import { RememberedDevices } from '../remembered/remembered-devices';
import { testIdentity } from '../testing/test-identity';
import type { PresenceConnection, PresenceHandlers } from './presence-connection';
import { Reconnector } from './reconnector';

/** A presence connection that records what it is asked to send, and lets a test speak for the service. */
class RecordedPresence {
  readonly sent: { rendezvousId: string; data: SignalData; restart: boolean }[] = [];
  connected = true;
  constructor(readonly handlers: PresenceHandlers) {}
  watch(): string {
    return '';
  }
  unwatch(): void {}
  unwatchRoom(): void {}
  wake(): void {}
  close(): void {}
  signal(rendezvousId: string, data: SignalData, restart = false) {
    this.sent.push({ rendezvousId, data, restart });
    return Promise.resolve({ ok: true as const, value: null });
  }
}

/** The parts of a live session the reconnector uses, recording what it is given. */
class LiveSession {
  readonly applied: SignalData[] = [];
  route: ((data: SignalData) => void) | null = null;
  isReconnecting = false;
  restartsAsked = 0;
  applySignal(data: SignalData): void {
    this.applied.push(data);
  }
  setRescueRoute(route: ((data: SignalData) => void) | null): void {
    this.route = route;
  }
  restartNow(): void {
    this.restartsAsked++;
  }
}

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\na=ice-ufrag:abcd\r\n' };

async function setUp() {
  const ada = testIdentity('Ada');
  const bob = testIdentity('Bob');
  const book = memoryDeviceBook();
  await book.put({
    id: bob.deviceId,
    name: 'Bob',
    publicKey: bob.publicKey,
    certificateFingerprint: Array.from({ length: 32 }, () => 'AB').join(':'),
    pairedAt: 1,
    lastSeen: 1,
  });
  const remembered = new RememberedDevices(book);
  await remembered.load();
  const presences: RecordedPresence[] = [];
  const live = new LiveSession();
  const started: boolean[] = [];
  const reconnector = new Reconnector({
    identity: () => ada,
    remembered,
    serviceUrls: () => ['http://127.0.0.1:1', 'http://127.0.0.1:2'],
    extraIceServers: () => [],
    isOnline: () => true,
    dropLink: () => undefined,
    adopt: () => undefined,
    liveSession: () => live as unknown as PeerSession,
    createPresence: (_url, _signer, handlers) => {
      const presence = new RecordedPresence(handlers);
      presences.push(presence);
      return presence as unknown as PresenceConnection;
    },
    createSession: () => {
      started.push(true);
      throw new Error('no new connection may be started for a restart');
    },
  });
  reconnector.refresh();
  const room = rendezvousIdOf(ada.publicKey, bob.publicKey);
  return { reconnector, presences, live, room, bob, started };
}

describe('the presence room as rescue route', () => {
  it('sends restart data, flagged, through every service where the other device is present', async () => {
    const { reconnector, presences, live, room, bob } = await setUp();
    const [first, second] = presences;
    // Bob is in the room on the first service only.
    first!.handlers.onPeer(room, true, []);
    const stop = reconnector.rescue(bob.deviceId, live as unknown as PeerSession);
    live.route?.(OFFER);
    expect(first!.sent).toEqual([{ rendezvousId: room, data: OFFER, restart: true }]);
    expect(second!.sent).toEqual([]);
    // Present on both now: both carry it.
    second!.handlers.onPeer(room, true, []);
    live.route?.(OFFER);
    expect(first!.sent).toHaveLength(2);
    expect(second!.sent).toEqual([{ rendezvousId: room, data: OFFER, restart: true }]);
    stop();
    expect(live.route).toBeNull();
    reconnector.dispose();
  });

  it('hands a flagged signal to the live connection instead of starting a new one', async () => {
    const { reconnector, presences, live, room, started } = await setUp();
    presences[0]!.handlers.onPeer(room, true, []);
    presences[0]!.handlers.onSignal(room, OFFER, true);
    expect(live.applied).toEqual([OFFER]);
    expect(started).toEqual([]);
    reconnector.dispose();
  });

  it('asks a connection being restored to restart at once when the other device comes back into the room', async () => {
    const { reconnector, presences, live, room } = await setUp();
    presences[0]!.handlers.onPeer(room, true, []);
    expect(live.restartsAsked).toBe(0);
    live.isReconnecting = true;
    presences[0]!.handlers.onPeer(room, false, []);
    presences[0]!.handlers.onPeer(room, true, []);
    expect(live.restartsAsked).toBe(1);
    reconnector.dispose();
  });
});
