/**
 * Presence of remembered devices over real sockets: a real service on 127.0.0.1 (ephemeral port)
 * and real socket.io clients holding real Ed25519 keys.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { presenceProofPayload, rendezvousIdOf } from '../../contracts/presence';
import type { SignalData } from '../../contracts/signaling';
import { joinPresence, testDevice } from './testing/presence-devices';
import { startSignalingService, type RunningSignalingService } from './service';
import {
  connectClient,
  errorCodeOf,
  nextEvent,
  recordEvents,
  roundTrip,
  valueOf,
  type TestClient,
} from './testing/signaling-clients';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<RunningSignalingService> {
  const service = await startSignalingService({ port: 0, host: '127.0.0.1' });
  cleanups.push(() => service.close());
  return service;
}

async function client(service: RunningSignalingService): Promise<TestClient> {
  const socket = await connectClient(service.url);
  cleanups.push(() => void socket.close());
  return socket;
}

describe('presence of remembered devices', () => {
  it('lets two key holders meet in their pairwise room and relays handshake data between them', async () => {
    const service = await start();
    const [a, b] = [testDevice(), testDevice()];
    const [socketA, socketB] = [await client(service), await client(service)];
    const first = valueOf(await joinPresence(socketA, a, b));
    expect(first.peerPresent).toBe(false);
    expect(first.rendezvousId).toBe(rendezvousIdOf(b.publicKey, a.publicKey));
    const told = nextEvent(socketA, 'presence:peer');
    const second = valueOf(await joinPresence(socketB, b, a));
    expect(second).toMatchObject({ rendezvousId: first.rendezvousId, peerPresent: true });
    expect(await told).toEqual({ rendezvousId: first.rendezvousId, present: true });

    const relayed = nextEvent(socketB, 'presence:signal');
    valueOf(await socketA.emitWithAck('presence:signal', { rendezvousId: first.rendezvousId, data: OFFER }));
    expect(await relayed).toEqual({ rendezvousId: first.rendezvousId, data: OFFER });

    // An ICE restart of the connection the two still have is relayed as such.
    const restart = nextEvent(socketA, 'presence:signal');
    valueOf(
      await socketB.emitWithAck('presence:signal', {
        rendezvousId: first.rendezvousId,
        data: OFFER,
        restart: true,
      }),
    );
    expect(await restart).toEqual({ rendezvousId: first.rendezvousId, data: OFFER, restart: true });

    const left = nextEvent(socketA, 'presence:peer');
    socketB.close();
    expect(await left).toEqual({ rendezvousId: first.rendezvousId, present: false });
  });

  it("refuses a client that claims another device's key without holding it", async () => {
    const service = await start();
    const [a, b, impostor] = [testDevice(), testDevice(), testDevice()];
    const socketA = await client(service);
    valueOf(await joinPresence(socketA, a, b));
    const told = recordEvents(socketA, 'presence:peer');
    const socketX = await client(service);
    // It knows both public keys but signs with its own key.
    expect(errorCodeOf(await joinPresence(socketX, b, a, impostor))).toBe('IDENTITY_REFUSED');
    // It cannot send into the room either.
    const rendezvousId = rendezvousIdOf(a.publicKey, b.publicKey);
    expect(errorCodeOf(await socketX.emitWithAck('presence:signal', { rendezvousId, data: OFFER }))).toBe(
      'NOT_PAIRED',
    );
    await roundTrip(socketA);
    expect(told).toEqual([]);
  });

  it('refuses a signature made for another connection (a replayed proof)', async () => {
    const service = await start();
    const [a, b] = [testDevice(), testDevice()];
    const first = await client(service);
    const { challenge } = valueOf(await first.emitWithAck('presence:challenge', {}));
    const signature = a.sign(presenceProofPayload(challenge, rendezvousIdOf(a.publicKey, b.publicKey)));
    const other = await client(service);
    valueOf(await other.emitWithAck('presence:challenge', {}));
    const replayed = await other.emitWithAck('presence:join', {
      publicKey: a.publicKey,
      peerPublicKey: b.publicKey,
      signature,
    });
    expect(errorCodeOf(replayed)).toBe('IDENTITY_REFUSED');
  });

  it('asks for a challenge before a join, and parses what it is sent', async () => {
    const service = await start();
    const [a, b] = [testDevice(), testDevice()];
    const socket = await client(service);
    const early = await socket.emitWithAck('presence:join', {
      publicKey: a.publicKey,
      peerPublicKey: b.publicKey,
      signature: 'A'.repeat(86),
    });
    expect(errorCodeOf(early)).toBe('NOT_PAIRED');
    expect(errorCodeOf(await socket.emitWithAck('presence:join', { publicKey: 42 }))).toBe('INVALID_PAYLOAD');
    expect(errorCodeOf(await joinPresence(socket, a, a))).toBe('INVALID_PAYLOAD');
  });

  it('lets a device that came back on a new connection take its own place in the room', async () => {
    const service = await start();
    const [a, b] = [testDevice(), testDevice()];
    const socketA = await client(service);
    valueOf(await joinPresence(socketA, a, b));
    const oldB = await client(service);
    valueOf(await joinPresence(oldB, b, a));
    const newB = await client(service);
    expect(valueOf(await joinPresence(newB, b, a)).peerPresent).toBe(true);
    const told = recordEvents(socketA, 'presence:peer');
    // The old connection going away does not make A think B left: B is there on its new one.
    oldB.close();
    const relayed = nextEvent(newB, 'presence:signal');
    const rendezvousId = rendezvousIdOf(a.publicKey, b.publicKey);
    valueOf(await socketA.emitWithAck('presence:signal', { rendezvousId, data: OFFER }));
    expect(await relayed).toEqual({ rendezvousId, data: OFFER });
    await roundTrip(socketA);
    expect(told.filter((event) => !event.present)).toEqual([]);
  });
});
