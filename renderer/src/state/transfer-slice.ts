/**
 * File transfers in the store: the latest view of each transfer (from the TransferManager, or from
 * the history kept in IndexedDB). Whose offers are accepted without asking is a per-device setting
 * (`settings.pairedDevices`, see features/devices/paired-devices.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { TransferView } from '../engine/transfer/transfer-types';
import type { FerryState } from './store';

export interface TransferSlice {
  /** By `TransferView.key`. */
  readonly transfers: Readonly<Record<string, TransferView>>;
  transferChanged(view: TransferView): void;
  /** Transfers from earlier sessions; a live view with the same key wins. */
  transfersRestored(views: readonly TransferView[]): void;
}

export const transferSlice = (): StateCreator<FerryState, [], [], TransferSlice> => (set) => ({
  transfers: {},
  transferChanged: (view) => set((state) => ({ transfers: { ...state.transfers, [view.key]: view } })),
  transfersRestored: (views) =>
    set((state) => {
      const restored: Record<string, TransferView> = {};
      for (const view of views) restored[view.key] = view;
      return { transfers: { ...restored, ...state.transfers } };
    }),
});

/** A device's transfers, oldest first (the conversation's order). */
export function transfersOf(
  transfers: Readonly<Record<string, TransferView>>,
  deviceId: string,
): TransferView[] {
  return Object.values(transfers)
    .filter((view) => view.deviceId === deviceId)
    .sort((a, b) => a.createdAt - b.createdAt);
}
