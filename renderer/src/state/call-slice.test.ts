import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../engine/call/call-manager';
import { createFerryStore, engineActionsFor } from './store';
import { testAppInfo, testSettings } from './testing/store-fixtures';

const settings = testSettings();

const record = (reason: CallRecord['reason']): CallRecord => ({
  callId: `call-${reason}`,
  peerId: 'bob',
  direction: 'incoming',
  reason,
  startedAt: 1,
  endedAt: 2,
  durationMs: null,
});

function setup() {
  const store = createFerryStore(testAppInfo, settings);
  engineActionsFor(store).peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' });
  return store;
}

describe('calls in the store', () => {
  it('keeps each device’s finished calls in order, and counts a missed call as unread when not looking', () => {
    const store = setup();
    store.getState().callRecorded(record('missed'));
    store.getState().callRecorded(record('declined'));
    expect(store.getState().callRecords['bob']?.map((entry) => entry.reason)).toEqual(['missed', 'declined']);
    expect(store.getState().devices['bob']?.unread).toBe(1);

    store.getState().selectDevice('bob');
    store.getState().callRecorded(record('missed'));
    expect(store.getState().devices['bob']?.unread).toBe(0);
  });

  it('drops the levels when the call ends', () => {
    const store = setup();
    const call = {
      callId: 'call-1',
      peerId: 'bob',
      direction: 'outgoing' as const,
      phase: 'in-call' as const,
      startedAt: 1,
      connectedAt: 2,
      muted: false,
    };
    store.getState().callChanged(call);
    store.getState().callMetricsChanged({ localLevel: 0.4, remoteLevel: 0.5, quality: 'good' });
    store.getState().callChanged({ ...call, muted: true });
    expect(store.getState().callMetrics).not.toBeNull();
    store.getState().callChanged(null);
    expect(store.getState()).toMatchObject({ call: null, callMetrics: null });
  });
});
