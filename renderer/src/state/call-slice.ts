/**
 * Voice calls in the store: the call in progress (from the CallManager), its levels and quality
 * (a few times a second, kept apart so that only the meters re-render), each device's finished
 * calls for its timeline, and the chosen microphone and speaker.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CallMetrics, CallRecord, CallView } from '../engine/call/call-manager';
import type { CallDevicePreferences } from '../engine/call/call-media';
import type { FerryState } from './store';

export interface CallSlice {
  readonly call: CallView | null;
  readonly callMetrics: CallMetrics | null;
  /** By device id, oldest first. */
  readonly callRecords: Readonly<Record<string, readonly CallRecord[]>>;
  readonly callDevices: CallDevicePreferences;
  callChanged(call: CallView | null): void;
  callMetricsChanged(metrics: CallMetrics | null): void;
  callRecorded(record: CallRecord): void;
  setCallDevices(devices: CallDevicePreferences): void;
}

export const NO_CALL_DEVICES: CallDevicePreferences = { input: '', output: '' };

export const callSlice =
  (devices: CallDevicePreferences = NO_CALL_DEVICES): StateCreator<FerryState, [], [], CallSlice> =>
  (set) => ({
    call: null,
    callMetrics: null,
    callRecords: {},
    callDevices: devices,
    callChanged: (call) => set(call === null ? { call, callMetrics: null } : { call }),
    callMetricsChanged: (callMetrics) => set({ callMetrics }),
    callRecorded: (record) =>
      set((state) => {
        const device = state.devices[record.peerId];
        // A missed call counts as unread, like a message, unless its conversation is on screen.
        const looking = state.selectedDeviceId === record.peerId && !state.pairingOpen;
        const unread = record.reason === 'missed' && device && !looking;
        return {
          callRecords: {
            ...state.callRecords,
            [record.peerId]: [...(state.callRecords[record.peerId] ?? []), record],
          },
          ...(unread
            ? { devices: { ...state.devices, [record.peerId]: { ...device, unread: device.unread + 1 } } }
            : {}),
        };
      }),
    setCallDevices: (callDevices) => set({ callDevices }),
  });
