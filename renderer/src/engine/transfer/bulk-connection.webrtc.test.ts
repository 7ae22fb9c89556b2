/**
 * Transfers between two real engines over real WebRTC (simple-peer over @roamhq/wrtc): the bulk
 * frames travel on the bulk connection that the two devices set up over their control channel,
 * with the signaling service already gone.
 */
import wrtc from '@roamhq/wrtc';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSignalingService, type RunningSignalingService } from '../../../../signaling/src/service';
import { FerryEngine } from '../engine';
import { RecordingActions } from '../testing/recording-actions';
import { sha256Hex } from './sha256';
import { MemorySink, memoryFiles, patternBytes } from './testing/transfer-harness';
import { TransferManager } from './transfer-manager';
import type { TransferView } from './transfer-types';

/** Connections made through the global RTCPeerConnection: simple-peer takes its own from webrtc-polyfill, so these are bulk connections. */
const bulkConnections: RTCPeerConnection[] = [];
/** Bytes sent on data channels of those connections. */
let bulkBytesSent = 0;

class RecordingPeerConnection extends wrtc.RTCPeerConnection {
  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    bulkConnections.push(this as unknown as RTCPeerConnection);
  }

  override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
    const channel = super.createDataChannel(label, init) as RTCDataChannel;
    const send = channel.send.bind(channel) as (data: Uint8Array) => void;
    channel.send = ((data: Uint8Array) => {
      bulkBytesSent += data.byteLength;
      send(data);
    }) as RTCDataChannel['send'];
    return channel;
  }
}

let service: RunningSignalingService;
const disposers: (() => void)[] = [];

function device(id: string) {
  const actions = new RecordingActions();
  const engine = new FerryEngine({
    actions,
    identity: () => ({ deviceId: id, deviceName: id, appVersion: '0.0.0-test' }),
    signalingUrl: () => service.url,
    extraIceServers: () => [],
  });
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
  service = await startSignalingService({ host: '127.0.0.1', port: 0, iceServers: [] });
});

afterEach(async () => {
  for (const dispose of disposers.splice(0)) dispose();
  await service.close().catch(() => undefined);
  vi.unstubAllGlobals();
});

describe('bulk connection between two real engines', () => {
  it('carries a file on its own connection, set up over the control channel without the service', async () => {
    const ada = device('ada-device');
    const bob = device('bob-device');
    ada.engine.showMyCode();
    await ada.actions.until(() => ada.actions.lastProgress?.phase === 'showing-code');
    const shown = ada.actions.lastProgress;
    if (shown?.phase !== 'showing-code') throw new Error('no code shown');
    bob.engine.enterCode(shown.code);
    await ada.actions.until(() => ada.actions.online.has(bob.id));
    await bob.actions.until(() => bob.actions.online.has(ada.id));
    // From here on the devices only have each other.
    await service.close();

    expect(bulkConnections).toHaveLength(2);
    await waitFor(
      () => bulkConnections.every((pc) => pc.connectionState === 'connected'),
      'bulk connections up',
    );

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
});
