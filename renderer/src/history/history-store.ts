/**
 * The conversation history on disk (IndexedDB through `idb`, in the desktop renderer and the
 * browser client alike): lines are saved as they change, read back a page at a time newest first,
 * and removed per device. Every write is one transaction, so a crash or a closed tab mid-write
 * leaves either all of it or none of it.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { lineFromRecord, lineId, lineTime, storedValue, type HistoryLine } from './history-lines';
import {
  HISTORY_DB_NAME,
  HISTORY_VERSION,
  migrate,
  type HistoryOrderKey,
  type HistoryPrimaryKey,
  type HistorySchema,
  type StoredLine,
} from './history-schema';

/** Where a page ended: the next older page starts just before this line. */
export interface HistoryCursor {
  readonly at: number;
  readonly seq: number;
}

export interface HistoryPage {
  /** Oldest first, as a conversation shows them. */
  readonly lines: readonly HistoryLine[];
  /** Where the next older page starts; null when this page reaches the beginning. */
  readonly before: HistoryCursor | null;
}

export interface ConversationHistory {
  /** Saves new lines and changed ones (same kind and id: rewritten in place), all or none. */
  save(lines: readonly HistoryLine[]): Promise<void>;
  /** Up to `limit` lines of a device's conversation older than `before` (the newest without it). */
  page(deviceId: string, limit: number, before?: HistoryCursor | null): Promise<HistoryPage>;
  /** The devices that have a conversation on disk. */
  deviceIds(): Promise<string[]>;
  /** Removes every line of the conversation with this device, all or none. */
  deleteDevice(deviceId: string): Promise<void>;
  close(): void;
}

/**
 * The history kept in IndexedDB database `name`; opened on first use. Null where this environment
 * has no IndexedDB (some test environments): the app then keeps no history.
 */
export function openConversationHistory(name: string = HISTORY_DB_NAME): ConversationHistory | null {
  if (typeof indexedDB === 'undefined') return null;
  let opened: Promise<IDBPDatabase<HistorySchema>> | null = null;
  const db = () =>
    (opened ??= openDB<HistorySchema>(name, HISTORY_VERSION, {
      upgrade(database, oldVersion, newVersion, transaction) {
        // idb runs `upgrade` without awaiting it; the versionchange transaction stays open while
        // the migrations have requests in it, and aborting it keeps the old version intact.
        migrate(
          database as unknown as IDBPDatabase<unknown>,
          transaction as never,
          oldVersion,
          newVersion ?? HISTORY_VERSION,
        ).catch(() => transaction.abort());
      },
      // A newer Ferry in another tab wants to upgrade: let it, and reopen on next use.
      blocking() {
        void opened?.then((database) => database.close());
        opened = null;
      },
      terminated() {
        opened = null;
      },
    }).catch((error: unknown) => {
      opened = null;
      throw error;
    }));

  return {
    async save(lines) {
      if (lines.length === 0) return;
      const tx = (await db()).transaction(['lines', 'meta'], 'readwrite');
      // Its outcome is awaited below, or the transaction is aborted: never an unheard rejection.
      tx.done.catch(() => undefined);
      try {
        const store = tx.objectStore('lines');
        const meta = tx.objectStore('meta');
        const [first, existing] = await Promise.all([
          meta.get('nextSeq'),
          Promise.all(lines.map((line) => store.get([line.deviceId, line.kind, lineId(line)]))),
        ]);
        let next = first ?? 0;
        const writes = lines.map((line, index) => {
          const record: StoredLine = {
            deviceId: line.deviceId,
            kind: line.kind,
            id: lineId(line),
            at: lineTime(line),
            // A line keeps its place when it changes (a tick arriving, a transfer ending).
            seq: existing[index]?.seq ?? next++,
            value: storedValue(line),
          };
          const put = store.put(record);
          // Heard here too: when a later put throws, this one is aborted with the transaction.
          put.catch(() => undefined);
          return put;
        });
        await Promise.all([...writes, meta.put(next, 'nextSeq'), tx.done]);
      } catch (error) {
        // A put that throws (a value that cannot be stored) stops the writing here, but the puts
        // queued before it would still commit when the transaction ends: abort it, so that a
        // failed save leaves none of its lines, as a crash would.
        try {
          tx.abort();
        } catch {
          // Already ended (the failure was the commit itself): nothing of it was kept.
        }
        throw error;
      }
    },

    async page(deviceId, limit, before = null) {
      const tx = (await db()).transaction('lines', 'readonly');
      const upper: HistoryOrderKey = before
        ? [deviceId, before.at, before.seq]
        : [deviceId, Infinity, Infinity];
      const range = IDBKeyRange.bound([deviceId, -Infinity, -Infinity], upper, false, before !== null);
      const newestFirst: StoredLine[] = [];
      let more = false;
      let cursor = await tx.store.index('byDeviceOrder').openCursor(range, 'prev');
      while (cursor) {
        if (newestFirst.length === limit) {
          more = true;
          break;
        }
        newestFirst.push(cursor.value);
        cursor = await cursor.continue();
      }
      await tx.done;
      const oldest = newestFirst.at(-1);
      const lines: HistoryLine[] = [];
      for (let index = newestFirst.length - 1; index >= 0; index--) {
        const record = newestFirst[index];
        const line = record && lineFromRecord(record);
        if (line) lines.push(line);
      }
      return { lines, before: more && oldest ? { at: oldest.at, seq: oldest.seq } : null };
    },

    async deviceIds() {
      const tx = (await db()).transaction('lines', 'readonly');
      const ids: string[] = [];
      let cursor = await tx.store.openKeyCursor();
      while (cursor) {
        const deviceId = cursor.key[0];
        ids.push(deviceId);
        // Arrays sort after strings, so [deviceId, []] is past every key of this device.
        cursor = await cursor.continue([deviceId, []] as unknown as HistoryPrimaryKey);
      }
      await tx.done;
      return ids;
    },

    async deleteDevice(deviceId) {
      const tx = (await db()).transaction('lines', 'readwrite');
      await Promise.all([tx.store.delete(deviceRange(deviceId)), tx.done]);
    },

    close() {
      void opened?.then((database) => database.close()).catch(() => undefined);
      opened = null;
    },
  };
}

/** Every primary key of one device: [deviceId, …] up to [deviceId, []] (arrays sort after strings). */
function deviceRange(deviceId: string): IDBKeyRange {
  return IDBKeyRange.bound([deviceId], [deviceId, []]);
}

let shared: ConversationHistory | null | undefined;

/** The app's history (database "ferry-history"), shared by everything in this page. */
export function appHistory(): ConversationHistory | null {
  if (shared === undefined) shared = openConversationHistory();
  return shared;
}

/**
 * Removes the conversation with a device from disk (its messages, calls and transfers), all or
 * none. For forgetting a device; what the store holds is removed by `conversationDeleted`.
 */
export async function deleteDeviceHistory(deviceId: string): Promise<void> {
  await appHistory()?.deleteDevice(deviceId);
}
