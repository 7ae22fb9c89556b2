/**
 * Transfers between two real engines over real WebRTC (simple-peer over @roamhq/wrtc): the bulk
 * frames travel on the bulk connection that the two devices set up over their control channel,
 * with the signaling service already gone.
 */
import wrtc from '@roamhq/wrtc';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../../signaling/src/service';
import { codeShownBy, testDevice } from '../testing/test-device';
import { sha256Hex } from './sha256';
import { MemorySink, memoryFiles, patternBytes } from './testing/transfer-harness';
import { TransferManager } from './transfer-manager';
import type { TransferView } from './transfer-types';

/** Connections made through the global RTCPeerConnection: simple-peer takes its own from webrtc-polyfill, so these are bulk connections. */
const bulkConnections: RTCPeerConnection[] = [];
/** Bytes sent on data channels of those connections. */
let bulkBytesSent = 0;
/** The same, by connection. */
const sentOn = new Map<RTCPeerConnection, number>();

class RecordingPeerConnection extends wrtc.RTCPeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    bulkConnections.push(this as unknown as RTCPeerConnection);
  }

  override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
    const channel = super.createDataChannel(label, init) as RTCDataChannel;
    const send = channel.send.bind(channel) as (data: Uint8Array) => void;
    const connection = this as unknown as RTCPeerConnection;
    channel.send = ((data: Uint8Array) => {
      send(data);
      bulkBytesSent += data.byteLength;
      sentOn.set(connection, (sentOn.get(connection) ?? 0) + data.byteLength);
    }) as RTCDataChannel['send'];
    fireBufferedAmountLow(channel);
    return channel;
  }
}

/**
 * node-webrtc does not fire `bufferedamountlow` once a channel's queue has passed the bulk link's
 * high mark (Chromium does): without this, a saturating transfer here stalls on a drained queue.
 */
function fireBufferedAmountLow(channel: RTCDataChannel): void {
  let above = false;
  const watch = setInterval(() => {
    if (channel.readyState === 'closed') return clearInterval(watch);
    if (channel.bufferedAmount > channel.bufferedAmountLowThreshold) above = true;
    else if (above) {
      above = false;
      channel.dispatchEvent(new Event('bufferedamountlow'));
    }
  }, 5);
}

let service: RunningSignalingService;
const disposers: (() => void)[] = [];

function device(name: string) {
  // Disposed of below, after its transfer manager.
  const { id, actions, engine } = testDevice(name, { signalingUrl: () => service.url }, () => undefined);
  const views = new Map<string, TransferView>();
  const sink = new MemorySink();
  const manager = new TransferManager({
    engine,
    actions: { transferChanged: (view) => views.set(view.key, view) },
    sink: () => sink,
    autoAccept: () => true,
  });
  disposers.push(() => {
    manager.dispose();
    engine.dispose();
  });
  return { id, actions, engine, manager, views, sink };
}

async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  vi.stubGlobal('RTCPeerConnection', RecordingPeerConnection);
  bulkConnections.length = 0;
  bulkBytesSent = 0;
  sentOn.clear();
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose();
  await service.close().catch(() => undefined);
  vi.unstubAllGlobals();
});

/** Ada and Bob paired through the service, which is then stopped; their bulk connections are up. */
async function pairedWithoutService() {
  const ada = device('ada-device');
  const bob = device('bob-device');
  bob.engine.enterCode(await codeShownBy(ada));
  await ada.actions.until(() => ada.actions.online.has(bob.id));
  await bob.actions.until(() => bob.actions.online.has(ada.id));
  // From here on the devices only have each other.
  await service.close();

  expect(bulkConnections).toHaveLength(2);
  await waitFor(
    () => bulkConnections.every((pc) => pc.connectionState === 'connected'),
    'bulk connections up',
  );
  return { ada, bob };
}

const received = (side: ReturnType<typeof device>) =>
  [...side.views.values()].filter((view) => view.direction === 'in');

describe('bulk connection between two real engines', () => {
  it('carries a file on its own connection, set up over the control channel without the service', async () => {
    const { ada, bob } = await pairedWithoutService();

    const bytes = patternBytes(3 * 1024 * 1024 + 12_345, 7);
    expect(ada.manager.sendFiles(bob.id, memoryFiles([{ path: 'big.bin', bytes }])).outcome).toBe('offered');
    await waitFor(() => [...bob.views.values()].some((view) => view.phase === 'done'), 'received');
    expect(sha256Hex(bob.sink.saved.get('big.bin') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    // Every byte went over the bulk connection (frame headers included), none over the control connection's.
    expect(bulkBytesSent).toBeGreaterThanOrEqual(bytes.byteLength);

    // Closed with the link.
    ada.engine.disconnect(bob.id);
    await waitFor(
      () => bulkConnections.every((pc) => pc.connectionState === 'closed'),
      'bulk connections closed',
    );
  });

  it('loses its bulk connection mid-file while chat stays up, sets it up again and the file completes intact', async () => {
    const { ada, bob } = await pairedWithoutService();
    const bytes = patternBytes(48 * 1024 * 1024 + 777, 11);
    expect(ada.manager.sendFiles(bob.id, memoryFiles([{ path: 'long.bin', bytes }])).outcome).toBe('offered');
    await waitFor(() => (received(bob)[0]?.doneBytes ?? 0) > 4 * 1024 * 1024, 'transfer under way', 30_000);

    // One device's bulk connection dies (as when its network path fails); the control connection stays.
    const [lost] = bulkConnections;
    lost?.close();
    await waitFor(() => received(bob)[0]?.phase === 'paused', 'paused');
    // What the receiver had confirmed on disk when it paused, and when it went on: the resume
    // offset (what it had on disk) lies between the two.
    const onDiskWhenPaused = received(bob)[0]?.doneBytes ?? 0;
    await waitFor(() => received(bob)[0]?.phase === 'transferring', 'resumed');
    const onDiskWhenResumed = received(bob)[0]?.doneBytes ?? 0;
    await waitFor(() => received(bob)[0]?.phase === 'done', 'received after the bulk link came back', 60_000);
    expect(sha256Hex(bob.sink.saved.get('long.bin') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    // A second bulk connection on each side, with no reconnect of the devices in between.
    expect(bulkConnections).toHaveLength(4);
    expect(ada.actions.online.has(bob.id)).toBe(true);
    expect(bulkConnections.slice(2).every((pc) => pc.connectionState === 'connected')).toBe(true);
    // The new connection carried what was missing and no more (payload plus a 16-byte frame header
    // per 256 KiB): nothing sent again from the start, nothing left out.
    const sentAfter = bulkConnections.slice(2).reduce((sum, pc) => sum + (sentOn.get(pc) ?? 0), 0);
    expect(sentAfter).toBeGreaterThanOrEqual(bytes.byteLength - onDiskWhenResumed);
    expect(sentAfter).toBeLessThanOrEqual((bytes.byteLength - onDiskWhenPaused) * (1 + 16 / 262_000) + 64);

    // And the devices go on sending files over the new one.
    const more = patternBytes(200_001, 12);
    expect(bob.manager.sendFiles(ada.id, memoryFiles([{ path: 'reply.bin', bytes: more }])).outcome).toBe(
      'offered',
    );
    await waitFor(() => received(ada).some((view) => view.phase === 'done'), 'reply received');
    expect(sha256Hex(ada.sink.saved.get('reply.bin') ?? new Uint8Array())).toBe(sha256Hex(more));
  }, 120_000);
});
