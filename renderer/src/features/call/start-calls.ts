/**
 * Starts voice calls for the app: the engine's CallManager with the browser's microphone and
 * speakers, wired to the store (the call, its levels, the timeline, announcements for screen
 * readers) and the chosen audio devices (kept in this renderer's localStorage).
 */
import { CallManager, type CallLinks } from '../../engine/call/call-manager';
import type { CallDevicePreferences, CallMedia } from '../../engine/call/call-media';
import type { CallStatsSample } from '../../engine/call/call-stats';
import { browserCallMedia } from '../../engine/call/browser-media';
import type { FerryStore } from '../../state/store';
import { callRecordText } from './call-text';

const DEVICES_KEY = 'ferry.callDevices.v1';

/**
 * Test seam (end-to-end tests only): an init script puts this object on the page as
 * `window.ferryCallTestHooks` before Ferry starts. A shorter ring lets a test see an unanswered
 * call end; `callStats` and `audioLines` are filled in here so the test can read the current
 * call's getStats() figures and how many audio lines a device's connection carries. Absent in
 * every real run.
 */
export interface CallTestHooks {
  ringTimeoutMs?: number;
  callStats?: () => Promise<CallStatsSample | null>;
  audioLines?: (peerId: string) => number | null;
}

declare global {
  interface Window {
    /** End-to-end tests only: see CallTestHooks. */
    readonly ferryCallTestHooks?: CallTestHooks;
  }
}

export interface CallFeature {
  readonly manager: CallManager;
  dispose(): void;
}

export interface StartCallsOptions {
  readonly store: FerryStore;
  readonly engine: CallLinks;
  readonly storage?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  readonly media?: CallMedia;
  readonly testHooks?: CallTestHooks | undefined;
}

function loadDevices(storage: StartCallsOptions['storage']): CallDevicePreferences | null {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(DEVICES_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { input, output } = parsed as Record<string, unknown>;
    return {
      input: typeof input === 'string' ? input : '',
      output: typeof output === 'string' ? output : '',
    };
  } catch {
    return null;
  }
}

export function startCalls(options: StartCallsOptions): CallFeature {
  const { store, storage, testHooks } = options;
  const state = () => store.getState();
  const nameOf = (deviceId: string) => state().devices[deviceId]?.name ?? '';

  const saved = loadDevices(storage);
  if (saved) state().setCallDevices(saved);
  const unsubscribe = store.subscribe((next, previous) => {
    if (next.callDevices !== previous.callDevices)
      storage?.setItem(DEVICES_KEY, JSON.stringify(next.callDevices));
  });

  const manager = new CallManager({
    links: options.engine,
    media: options.media ?? browserCallMedia,
    devices: () => state().callDevices,
    ...(testHooks?.ringTimeoutMs !== undefined ? { ringTimeoutMs: testHooks.ringTimeoutMs } : {}),
    actions: {
      callChanged: (call) => {
        const before = state().call;
        state().callChanged(call);
        if (!call) return;
        const fresh = before?.callId !== call.callId;
        if (call.phase === 'incoming-ringing' && fresh) {
          state().announce('call.announce.incoming', { name: nameOf(call.peerId) });
        } else if (call.phase === 'in-call' && (fresh || before?.phase !== 'in-call')) {
          state().announce('call.announce.connected', { name: nameOf(call.peerId) });
        }
      },
      callMetrics: (metrics) => state().callMetricsChanged(metrics),
      callEnded: (record) => {
        state().callRecorded(record);
        const text = callRecordText(record, nameOf(record.peerId));
        state().announce(text.key, text.params);
      },
    },
  });

  if (testHooks) {
    testHooks.callStats = () => manager.stats();
    testHooks.audioLines = (peerId) => manager.audioLines(peerId);
  }

  return {
    manager,
    dispose: () => {
      unsubscribe();
      manager.dispose();
    },
  };
}
