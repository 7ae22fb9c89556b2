/**
 * The kept history in the store: how far back each conversation has been read from disk, pages of
 * older lines merged into the chat, call and transfer slices, and a conversation deleted. The disk
 * side is renderer/src/history/; this slice only holds what is on screen.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CallRecord } from '../engine/call/call-manager';
import { FINISHED_PHASES, type TransferView } from '../engine/transfer/transfer-types';
import type { HistoryLine } from '../history/history-lines';
import type { HistoryCursor, HistoryPage } from '../history/history-store';
import type { ChatEntry, FerryState } from './store';

export interface ConversationPaging {
  /** Where the next older page starts; null once the beginning is on screen. */
  readonly before: HistoryCursor | null;
  /** A page is being read. */
  readonly loading: boolean;
}

export interface HistorySlice {
  /** By device id; a device is missing here until its newest page has been read. */
  readonly historyPaging: Readonly<Record<string, ConversationPaging>>;
  historyLoading(deviceId: string): void;
  /** A page of older lines read from disk, merged behind what the store already has. */
  historyPageLoaded(deviceId: string, page: HistoryPage): void;
  /** Reading failed: the conversation shows what it has, and a later scroll may try again. */
  historyLoadFailed(deviceId: string): void;
  /** The conversation with a device is gone: its lines, calls and finished transfers. */
  conversationDeleted(deviceId: string): void;
}

/**
 * A message that was still "sending" when Ferry last stopped was never acknowledged, and what
 * would have resent it was lost with the page: it shows as not delivered, with Resend.
 */
function restoredChat(entry: ChatEntry): ChatEntry {
  return entry.direction === 'out' && entry.status === 'sending' ? { ...entry, status: 'failed' } : entry;
}

/** Older lines first, then the ones already there (which win over a copy read from disk). */
function mergeOlder<T>(
  older: readonly T[],
  current: readonly T[],
  id: (item: T) => string,
  time: (item: T) => number,
): readonly T[] {
  if (older.length === 0) return current;
  const have = new Set(current.map(id));
  const fresh = older.filter((item) => !have.has(id(item)));
  const merged = [...fresh, ...current];
  const last = fresh.at(-1);
  const first = current[0];
  // Usually the page is entirely older than what is on screen; otherwise order by time (stable,
  // so lines of the same millisecond keep their order).
  if (last === undefined || first === undefined || time(last) <= time(first)) return merged;
  return merged.sort((a, b) => time(a) - time(b));
}

export const historySlice = (): StateCreator<FerryState, [], [], HistorySlice> => (set) => ({
  historyPaging: {},
  historyLoading: (deviceId) =>
    set((state) => ({
      historyPaging: {
        ...state.historyPaging,
        [deviceId]: { before: state.historyPaging[deviceId]?.before ?? null, loading: true },
      },
    })),
  historyLoadFailed: (deviceId) =>
    set((state) => {
      const paging = state.historyPaging[deviceId];
      const { [deviceId]: _dropped, ...others } = state.historyPaging;
      // Never read: forget it so that the next look tries again; otherwise keep the place.
      return {
        historyPaging: paging?.before ? { ...others, [deviceId]: { ...paging, loading: false } } : others,
      };
    }),
  historyPageLoaded: (deviceId, page) =>
    set((state) => {
      const chats: ChatEntry[] = [];
      const calls: CallRecord[] = [];
      const transfers: Record<string, TransferView> = {};
      for (const line of page.lines as readonly HistoryLine[]) {
        if (line.kind === 'chat') chats.push(restoredChat(line.value));
        else if (line.kind === 'call') calls.push(line.value);
        else transfers[line.value.key] = line.value;
      }
      return {
        historyPaging: { ...state.historyPaging, [deviceId]: { before: page.before, loading: false } },
        chats: {
          ...state.chats,
          [deviceId]: mergeOlder(
            chats,
            state.chats[deviceId] ?? [],
            (entry) => `${entry.direction}:${entry.id}`,
            (entry) => entry.sentAt,
          ),
        },
        callRecords: {
          ...state.callRecords,
          [deviceId]: mergeOlder(
            calls,
            state.callRecords[deviceId] ?? [],
            (record) => record.callId,
            (record) => record.startedAt,
          ),
        },
        // A live view of the same transfer wins over the one from disk.
        transfers: { ...transfers, ...state.transfers },
      };
    }),
  conversationDeleted: (deviceId) =>
    set((state) => {
      const { [deviceId]: _chat, ...chats } = state.chats;
      const { [deviceId]: _calls, ...callRecords } = state.callRecords;
      // A transfer still under way goes on and shows; only finished ones are part of the history.
      const transfers = Object.fromEntries(
        Object.entries(state.transfers).filter(
          ([, view]) => view.deviceId !== deviceId || !FINISHED_PHASES.has(view.phase),
        ),
      );
      const device = state.devices[deviceId];
      return {
        chats,
        callRecords,
        transfers,
        historyPaging: { ...state.historyPaging, [deviceId]: { before: null, loading: false } },
        ...(device ? { devices: { ...state.devices, [deviceId]: { ...device, unread: 0 } } } : {}),
      };
    }),
});
