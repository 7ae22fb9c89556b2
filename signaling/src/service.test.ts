/**
 * The service as the desktop app and the end-to-end tests use it: start on an ephemeral port,
 * serve HTTP and socket.io on it, and stop completely while clients are still connected.
 */
import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SIGNALING_PROTOCOL_VERSION, type SignalData } from '../../contracts/signaling';
import { reachableUrl, startSignalingService, type RunningSignalingService } from './service';
import { createManualClock } from './testing/manual-clock';
import { rawRequest } from './testing/raw-http';
import { connectClient, nextEvent, valueOf, type TestClient } from './testing/signaling-clients';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\n' };
const running: RunningSignalingService[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((service) => service.close()));
});

async function start(options: Partial<Parameters<typeof startSignalingService>[0]> = {}) {
  const service = await startSignalingService({ port: 0, host: '127.0.0.1', ...options });
  running.push(service);
  return service;
}

/** Network handles of this process: what must not outlive a stopped service. */
function openNetworkHandles(): number {
  return process
    .getActiveResourcesInfo()
    .filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap').length;
}

/**
 * Waits until exactly `count` network handles are open. The client ends of closed connections
 * live in this process too and are released a few event-loop turns after the service lets go,
 * so this polls; a handle that is really leaked never goes away and fails the wait.
 */
async function expectNetworkHandlesToSettleAt(count: number): Promise<void> {
  await vi.waitFor(() => expect(openNetworkHandles()).toBe(count), { timeout: 5_000, interval: 10 });
}

async function pairOn(service: RunningSignalingService): Promise<{ opener: TestClient; joiner: TestClient }> {
  const opener = await connectClient(service.url);
  const joiner = await connectClient(service.url);
  const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
  valueOf(await joiner.emitWithAck('pair:join', { nameplate }));
  return { opener, joiner };
}

describe('nameplates of an embedded service', () => {
  it('are drawn at random, not lowest-free: two devices on one LAN, each with its own service, rarely show the same one', async () => {
    // Every desktop runs its own service and a code is looked up on all nearby ones: if each
    // handed out the lowest free nameplate, two neighbours would both show the first one.
    const first = await start();
    const second = await start();
    const opened = async (service: RunningSignalingService) => {
      const clients = await Promise.all(Array.from({ length: 4 }, () => connectClient(service.url)));
      const nameplates = [];
      for (const client of clients)
        nameplates.push(valueOf(await client.emitWithAck('pair:open', {})).nameplate);
      for (const client of clients) client.close();
      return nameplates;
    };
    const a = await opened(first);
    const b = await opened(second);
    // The chance that four random draws of 29 791 agree, in order, is 29 791^-4.
    expect(a).not.toEqual(b);
    expect(new Set(a).size).toBe(4);
  });
});

describe('starting', () => {
  it('listens on an ephemeral port and serves HTTP and socket.io on it', async () => {
    const service = await start({ iceServers: [{ urls: 'stun:stun.ferry.test' }] });
    expect(service.port).toBeGreaterThan(0);
    expect(service.host).toBe('127.0.0.1');
    expect(service.url).toBe(`http://127.0.0.1:${service.port}`);
    const health = await rawRequest(service.url, '/healthz');
    expect(JSON.parse(health.body)).toMatchObject({
      service: 'ferry-signaling',
      protocol: SIGNALING_PROTOCOL_VERSION,
    });
    const { opener, joiner } = await pairOn(service);
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
    expect(await arrived).toEqual({ data: OFFER });
    opener.close();
    joiner.close();
  });

  it('hands out its ICE servers and code lifetime', async () => {
    const clock = createManualClock();
    const iceServers = [{ urls: ['turn:turn.ferry.test:3478'], username: 'u', credential: 'c' }];
    const service = await start({ clock, iceServers, codeTtlMs: 30_000 });
    const client = await connectClient(service.url);
    expect(valueOf(await client.emitWithAck('pair:open', {}))).toMatchObject({
      expiresAt: clock.now() + 30_000,
      iceServers,
    });
    client.close();
  });

  it('rejects with the listen error, code intact, and leaves nothing open', async () => {
    const first = await start();
    await expectNetworkHandlesToSettleAt(1);
    const failure = startSignalingService({ port: first.port, host: '127.0.0.1' });
    await expect(failure).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expectNetworkHandlesToSettleAt(1);
  });

  it('turns a wildcard bind address into a URL this machine can open', () => {
    expect(reachableUrl('0.0.0.0', 47100)).toBe('http://127.0.0.1:47100');
    expect(reachableUrl('::', 47100)).toBe('http://[::1]:47100');
    expect(reachableUrl('::1', 1)).toBe('http://[::1]:1');
    expect(reachableUrl('192.168.1.5', 2)).toBe('http://192.168.1.5:2');
    expect(reachableUrl('localhost', 3)).toBe('http://localhost:3');
  });
});

describe('stopping', () => {
  it('disconnects a connected pair and leaves no open network handle behind', async () => {
    await expectNetworkHandlesToSettleAt(0);
    const service = await startSignalingService({ port: 0, host: '127.0.0.1' });
    const { opener, joiner } = await pairOn(service);
    const [openerGone, joinerGone] = [opener, joiner].map(
      (client) => new Promise((resolve) => client.once('disconnect', resolve)),
    );

    await service.close();
    await Promise.all([openerGone, joinerGone]);

    expect(opener.connected).toBe(false);
    expect(joiner.connected).toBe(false);
    await expectNetworkHandlesToSettleAt(0);
    // Closing again is harmless.
    await service.close();
  });

  it('does not wait for connections that would hold it open', async () => {
    await expectNetworkHandlesToSettleAt(0);
    const service = await startSignalingService({ port: 0, host: '127.0.0.1' });
    // A request that never finishes its headers, and a client that never says anything.
    const stalled = net.connect(service.port, '127.0.0.1');
    const silent = net.connect(service.port, '127.0.0.1');
    await Promise.all(
      [stalled, silent].map((socket) => new Promise((resolve) => socket.once('connect', resolve))),
    );
    stalled.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    const polling = await connectClient(service.url, { transports: ['polling'] });
    const closedByService = [
      ...[stalled, silent].map((socket) => new Promise((resolve) => socket.once('close', resolve))),
      new Promise((resolve) => polling.once('disconnect', resolve)),
    ];

    await service.close();
    await Promise.all(closedByService);
    await expectNetworkHandlesToSettleAt(0);
  });

  it('stops its expiry timers', async () => {
    const clock = createManualClock();
    const service = await startSignalingService({ port: 0, host: '127.0.0.1', clock });
    const client = await connectClient(service.url);
    valueOf(await client.emitWithAck('pair:open', {}));
    expect(clock.pendingTimers()).toBe(1);
    await service.close();
    expect(clock.pendingTimers()).toBe(0);
    client.close();
  });
});
