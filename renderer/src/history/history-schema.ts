/**
 * The conversation history database, "ferry-history" (its own database: remembered devices live
 * in another, so the two never wait on each other's version upgrades). One object store holds every
 * line of every conversation — chat lines, finished calls, finished transfers — so that one index
 * reads a device's conversation newest first, a page at a time, whatever the kinds.
 *
 * The schema only ever moves forward through MIGRATIONS: migration i takes a database from
 * version i to version i + 1, inside the upgrade's versionchange transaction, so an upgrade that
 * fails half-way leaves the older database as it was.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction } from 'idb';

export const HISTORY_DB_NAME = 'ferry-history';

export type HistoryKind = 'chat' | 'call' | 'transfer';

/** The record of one conversation line, as kept on disk (version 2). */
export interface StoredLine {
  /** The device the conversation is with. First part of the primary key. */
  readonly deviceId: string;
  readonly kind: HistoryKind;
  /**
   * The line's own id within its kind and device: `in:<id>`/`out:<id>` for chat (the two sides
   * choose ids independently), the call id, the transfer's key. A line that changes (a tick, a
   * transfer's end) is rewritten under the same key.
   */
  readonly id: string;
  /** When it happened (ms since the epoch): a chat line's sentAt, a call's start, a transfer's offer. */
  readonly at: number;
  /** Order of first writing, so that lines of the same millisecond keep their order. */
  readonly seq: number;
  /** The line as the store holds it (ChatEntry, CallRecord, TransferView); checked when read back. */
  readonly value: unknown;
}

/** Version 1's record: the same without `seq`. */
export type StoredLineV1 = Omit<StoredLine, 'seq'>;

export type HistoryPrimaryKey = [deviceId: string, kind: HistoryKind, id: string];
export type HistoryOrderKey = [deviceId: string, at: number, seq: number];

export interface HistorySchema extends DBSchema {
  lines: {
    key: HistoryPrimaryKey;
    value: StoredLine;
    indexes: { byDeviceOrder: HistoryOrderKey };
  };
  meta: { key: 'nextSeq'; value: number };
}

/** A migration sees the database as it is at its version, so it works on an untyped one. */
export type Migration = (
  database: IDBPDatabase<unknown>,
  transaction: IDBPTransaction<unknown, string[], 'versionchange'>,
) => Promise<void>;

/** v0 → v1: the lines, keyed by [deviceId, kind, id], read per device by time. */
const createLines: Migration = async (database) => {
  const lines = database.createObjectStore('lines', { keyPath: ['deviceId', 'kind', 'id'] });
  lines.createIndex('byDevice', ['deviceId', 'at']);
};

/**
 * v1 → v2: two lines sent in the same millisecond (a paste split in two, a call ending as a message
 * arrives) came back from v1's [deviceId, at] index in key order, not the order they happened.
 * Each line gets a write sequence number, existing lines numbered in their v1 order, and the
 * conversation index becomes [deviceId, at, seq]. The next number is kept in `meta`.
 */
const addWriteOrder: Migration = async (database, transaction) => {
  const lines = transaction.objectStore('lines');
  lines.createIndex('byDeviceOrder', ['deviceId', 'at', 'seq']);
  let seq = 0;
  let cursor = await lines.index('byDevice').openCursor();
  while (cursor) {
    await cursor.update({ ...(cursor.value as StoredLineV1), seq: seq++ });
    cursor = await cursor.continue();
  }
  lines.deleteIndex('byDevice');
  const meta = database.createObjectStore('meta');
  await meta.put(seq, 'nextSeq');
};

export const MIGRATIONS: readonly Migration[] = [createLines, addWriteOrder];

export const HISTORY_VERSION = MIGRATIONS.length;

/** Runs the migrations from `oldVersion` up to `newVersion`, in order, in the upgrade transaction. */
export async function migrate(
  database: IDBPDatabase<unknown>,
  transaction: IDBPTransaction<unknown, string[], 'versionchange'>,
  oldVersion: number,
  newVersion: number,
): Promise<void> {
  for (let version = oldVersion; version < newVersion; version++) {
    const migration = MIGRATIONS[version];
    if (!migration) throw new Error(`No migration from history version ${version}`);
    await migration(database, transaction);
  }
}
