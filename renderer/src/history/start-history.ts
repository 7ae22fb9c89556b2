/**
 * Keeps conversations across restarts: every chat line (in and out, and each status it goes
 * through), finished call and finished transfer is written to the history as it changes in the
 * store; a device's newest page is read back as soon as the device is known (its conversation on
 * disk, or the device appearing in the store), and older pages as the reader scrolls up.
 */
import { FINISHED_PHASES } from '../engine/transfer/transfer-types';
import type { FerryState, FerryStore } from '../state/store';
import { callLine, chatLine, transferLine, type HistoryLine } from './history-lines';
import type { ConversationHistory, HistoryCursor } from './history-store';

/** Lines read when a conversation is first shown: more than a window holds, fast to read. */
export const FIRST_PAGE = 50;
/** Lines read each time the reader reaches the top. */
export const OLDER_PAGE = 200;

export interface HistoryFeature {
  /** Reads the next older page of a conversation; nothing once its beginning is on screen. */
  loadOlder(deviceId: string): Promise<void>;
  /** Removes the conversation with a device from the screen and from disk. */
  deleteConversation(deviceId: string): Promise<void>;
  dispose(): void;
}

export interface StartHistoryOptions {
  readonly store: FerryStore;
  /** Null where there is no IndexedDB: conversations then last as long as the page. */
  readonly history: ConversationHistory | null;
  readonly firstPage?: number;
  readonly olderPage?: number;
  /** Reads wait for this (moving an older Ferry's data into the history). */
  readonly ready?: Promise<unknown>;
  /** Told when a write or read fails (the conversation on screen is unaffected). */
  readonly onError?: (error: unknown) => void;
  /**
   * What else a deleted conversation takes with it, kept elsewhere: the lines still waiting in the
   * device's outbox, which would otherwise be sent, and shown again, after the next restart.
   */
  readonly onConversationDeleted?: (deviceId: string) => Promise<void>;
}

export function startHistory(options: StartHistoryOptions): HistoryFeature {
  const { store, history } = options;
  const firstPage = options.firstPage ?? FIRST_PAGE;
  const olderPage = options.olderPage ?? OLDER_PAGE;
  const onError = options.onError ?? (() => undefined);
  const ready = (options.ready ?? Promise.resolve()).catch(onError);
  const state = () => store.getState();
  /** Store objects whose current form is on disk (entries are immutable: a change is a new object). */
  const saved = new WeakSet<object>();
  /** Devices whose newest page has been asked for. */
  const requested = new Set<string>();
  /** Bumped when a conversation is deleted, so that a page read before that is dropped. */
  const generation = new Map<string, number>();

  const changedLines = (next: FerryState, previous: FerryState): HistoryLine[] => {
    const lines: HistoryLine[] = [];
    if (next.chats !== previous.chats) {
      for (const [deviceId, entries] of Object.entries(next.chats)) {
        if (entries === previous.chats[deviceId]) continue;
        for (const entry of entries) if (!saved.has(entry)) lines.push(chatLine(deviceId, entry));
      }
    }
    if (next.callRecords !== previous.callRecords) {
      for (const [deviceId, records] of Object.entries(next.callRecords)) {
        if (records === previous.callRecords[deviceId]) continue;
        for (const record of records) if (!saved.has(record)) lines.push(callLine(record));
      }
    }
    if (next.transfers !== previous.transfers) {
      for (const view of Object.values(next.transfers)) {
        // Only how a transfer ended is kept; its progress changes many times a second.
        if (saved.has(view) || !FINISHED_PHASES.has(view.phase)) continue;
        lines.push(transferLine(view));
      }
    }
    return lines;
  };

  const persist = (lines: HistoryLine[]) => {
    if (!history || lines.length === 0) return;
    for (const line of lines) saved.add(line.value);
    history.save(lines).catch((error: unknown) => {
      // Not on disk after all: the next change of these lines writes them again.
      for (const line of lines) saved.delete(line.value);
      onError(error);
    });
  };

  const readPage = async (deviceId: string, limit: number, before: HistoryCursor | null) => {
    if (!history) {
      state().historyPageLoaded(deviceId, { lines: [], before: null });
      return;
    }
    const asked = generation.get(deviceId) ?? 0;
    state().historyLoading(deviceId);
    try {
      await ready;
      const started = performance.now();
      const page = await history.page(deviceId, limit, before);
      if ((generation.get(deviceId) ?? 0) !== asked) return;
      // What comes from disk is on disk: storing it in the store must not write it again.
      for (const line of page.lines) saved.add(line.value);
      state().historyPageLoaded(deviceId, page);
      // A user-timing entry (devtools, `npm run bench:history`): reading a conversation's newest page.
      if (!before) performance.measure?.('ferry history: first page', { start: started, detail: deviceId });
    } catch (error) {
      if (!before) requested.delete(deviceId);
      state().historyLoadFailed(deviceId);
      onError(error);
    }
  };

  const hydrate = (deviceId: string) => {
    if (requested.has(deviceId)) return Promise.resolve();
    requested.add(deviceId);
    return readPage(deviceId, firstPage, null);
  };

  const unsubscribe = store.subscribe((next, previous) => {
    persist(changedLines(next, previous));
    if (next.devices !== previous.devices)
      for (const deviceId of Object.keys(next.devices)) void hydrate(deviceId);
  });
  for (const deviceId of Object.keys(state().devices)) void hydrate(deviceId);
  // Conversations on disk are read before their devices show up, so they are there when they do.
  void ready
    .then(() => history?.deviceIds() ?? [])
    .then((ids) => ids.forEach((deviceId) => void hydrate(deviceId)))
    .catch(onError);

  return {
    loadOlder: async (deviceId) => {
      if (!requested.has(deviceId)) return hydrate(deviceId);
      const paging = state().historyPaging[deviceId];
      if (!paging || paging.loading || !paging.before) return;
      await readPage(deviceId, olderPage, paging.before);
    },
    deleteConversation: async (deviceId) => {
      generation.set(deviceId, (generation.get(deviceId) ?? 0) + 1);
      requested.add(deviceId);
      state().conversationDeleted(deviceId);
      await Promise.all([history?.deleteDevice(deviceId), options.onConversationDeleted?.(deviceId)]);
    },
    dispose: () => unsubscribe(),
  };
}
