/**
 * File transfers in the store: the latest view of each transfer (from the TransferManager, or from
 * the history kept in IndexedDB) and the devices whose offers are accepted without asking.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { TransferView } from '../engine/transfer/transfer-types';
import type { FerryState } from './store';

export interface TransferSlice {
  /** By `TransferView.key`. */
  readonly transfers: Readonly<Record<string, TransferView>>;
  /** Device ids whose offers are accepted automatically. */
  readonly autoAcceptFrom: readonly string[];
  transferChanged(view: TransferView): void;
  /** Transfers from earlier sessions; a live view with the same key wins. */
  transfersRestored(views: readonly TransferView[]): void;
  setAutoAccept(deviceId: string, on: boolean): void;
}

export const transferSlice =
  (autoAcceptFrom: readonly string[] = []): StateCreator<FerryState, [], [], TransferSlice> =>
  (set) => ({
    transfers: {},
    autoAcceptFrom,
    transferChanged: (view) => set((state) => ({ transfers: { ...state.transfers, [view.key]: view } })),
    transfersRestored: (views) =>
      set((state) => {
        const restored: Record<string, TransferView> = {};
        for (const view of views) restored[view.key] = view;
        return { transfers: { ...restored, ...state.transfers } };
      }),
    setAutoAccept: (deviceId, on) =>
      set((state) => ({
        autoAcceptFrom: on
          ? [...new Set([...state.autoAcceptFrom, deviceId])]
          : state.autoAcceptFrom.filter((id) => id !== deviceId),
      })),
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
