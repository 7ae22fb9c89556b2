/**
 * How a pairing attempt ends when it cannot succeed, told truthfully on both sides: real engines,
 * a real signaling service on loopback, real WebRTC (simple-peer over @roamhq/wrtc).
 *
 * Before the fix, the side that failed first left the service and the other side reported "the
 * other device left before pairing finished" (10 of 21 no-path runs, 3 of 19 wrong codes in the
 * NAT lab). These tests repeat the races often enough to catch that again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayData } from '../../../contracts/signaling';
import { startSignalingService, type RunningSignalingService } from '../../../signaling/src/service';
import { FerryEngine } from './engine';
import type { PairingFailure } from './engine-actions';
import { PeerSession } from './peer-session';
import { SignalingConnection } from './signaling-client';
import { RecordingActions } from './testing/recording-actions';
import { testIdentity } from './testing/test-identity';

let service: RunningSignalingService;

beforeAll(async () => {
  // Every run opens a code from this one address: no rate limit or per-address cap is under test.
  service = await startSignalingService({
    host: '127.0.0.1',
    port: 0,
    limiter: { tryTake: () => true, charge: () => undefined, trackedKeys: () => 0 },
    maxOpenCodesPerAddress: 10_000,
    maxConnectionsPerAddress: 10_000,
    limits: { maxSessionsPerAddress: 10_000 },
  });
});
afterAll(async () => {
  await service.close();
});

interface Device {
  readonly engine: FerryEngine;
  readonly actions: RecordingActions;
}

function device(id: string, overrides: Partial<ConstructorParameters<typeof FerryEngine>[0]> = {}): Device {
  const actions = new RecordingActions();
  const identity = testIdentity(id);
  const engine = new FerryEngine({
    actions,
    identity: () => identity,
    signalingUrl: () => service.url,
    extraIceServers: () => [],
    ...overrides,
  });
  return { engine, actions };
}

async function codeShownBy(opener: Device): Promise<string> {
  opener.engine.showMyCode();
  await opener.actions.until(() => opener.actions.lastProgress?.phase === 'showing-code');
  const shown = opener.actions.lastProgress;
  if (shown?.phase !== 'showing-code') throw new Error('no code shown');
  return shown.code;
}

function failureOf(device: Device): PairingFailure | undefined {
  const last = device.actions.lastProgress;
  return last?.phase === 'failed' ? last.reason : undefined;
}

async function bothFailed(
  a: Device,
  b: Device,
  timeoutMs = 20_000,
): Promise<[PairingFailure | undefined, PairingFailure | undefined]> {
  await a.actions.until(() => failureOf(a) !== undefined, timeoutMs);
  await b.actions.until(() => failureOf(b) !== undefined, timeoutMs);
  return [failureOf(a), failureOf(b)];
}

/**
 * Handshake data with every ICE candidate taken out (trickled ones and those inside the SDP): the
 * two devices learn no address of each other, as when no path exists between their networks.
 */
function withoutCandidates(data: RelayData): RelayData | null {
  if (data.type === 'candidate') return null;
  if ('sdp' in data && typeof data.sdp === 'string') {
    return { ...data, sdp: data.sdp.replace(/^a=candidate:.*\r?\n/gm, '') };
  }
  return data;
}

/** A signaling connection that passes no ICE candidates on, either way. */
function pathless(url: string, handlers: ConstructorParameters<typeof SignalingConnection>[1]) {
  const connection = new SignalingConnection(url, {
    ...handlers,
    onSignal: (data: RelayData) => {
      const kept = withoutCandidates(data);
      if (kept) handlers.onSignal?.(kept);
    },
  });
  const relay = connection.relay.bind(connection);
  connection.relay = (data) => {
    const kept = withoutCandidates(data);
    return kept ? relay(kept) : Promise.resolve({ ok: true, value: null });
  };
  return connection;
}

const RUNS = 50;

describe('a mistyped secret', () => {
  it(
    `says "the code didn't match" on both sides, ${RUNS} times out of ${RUNS}`,
    { timeout: RUNS * 20_000 },
    async () => {
      const outcomes: string[] = [];
      for (let run = 0; run < RUNS; run++) {
        const ada = device('ada');
        const bob = device('bob');
        try {
          const code = await codeShownBy(ada);
          const wrong = `${code.slice(0, 4)}${code[4] === '2' ? '3' : '2'}${code.slice(5)}`;
          bob.engine.enterCode(wrong);
          const [adaSaw, bobSaw] = await bothFailed(ada, bob);
          outcomes.push(`${adaSaw}/${bobSaw}`);
        } finally {
          ada.engine.dispose();
          bob.engine.dispose();
        }
      }
      expect(outcomes.filter((o) => o !== 'code-mismatch/code-mismatch')).toEqual([]);
    },
  );
});

describe('no network path between the devices', () => {
  it(
    'says "no network path" on both sides, never that the other device left',
    { timeout: 120_000 },
    async () => {
      const outcomes: string[] = [];
      // The joiner gives up first in some runs and the opener in others: whichever side fails
      // first must tell the other why.
      for (const [openerTimeout, joinerTimeout] of [
        [1_500, 6_000],
        [6_000, 1_500],
      ] as const) {
        const session = (timeout: number) => (options: ConstructorParameters<typeof PeerSession>[0]) =>
          new PeerSession({ ...options, connectTimeoutMs: timeout });
        const ada = device('ada', { createSignaling: pathless, createSession: session(openerTimeout) });
        const bob = device('bob', { createSignaling: pathless, createSession: session(joinerTimeout) });
        try {
          const code = await codeShownBy(ada);
          bob.engine.enterCode(code);
          const [adaSaw, bobSaw] = await bothFailed(ada, bob);
          outcomes.push(`${adaSaw}/${bobSaw}`);
        } finally {
          ada.engine.dispose();
          bob.engine.dispose();
        }
      }
      expect(outcomes).toEqual(['no-path/no-path', 'no-path/no-path']);
    },
  );
});
