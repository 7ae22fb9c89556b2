/**
 * What outlives a restart of a transfer that is not over: the record each side keeps of it, so
 * that when the two devices meet again it goes on from what is on the receiver's disk, without a
 * new Accept. The bytes themselves and their offsets are the receive store's (the resume journal
 * of the receive folder or of OPFS, contracts/resume-journal.ts); this record says which transfer
 * they belong to, with whom, with which files, and that this person accepted it.
 *
 * Kept in IndexedDB ("ferry-transfer-records", a database of its own like "ferry-devices" and
 * "ferry-history", so no schema upgrade of one waits on another), in the desktop renderer and the
 * browser client alike. Not "ferry-transfers": that is an older Ferry's list of finished
 * transfers, which the history imports and deletes at start (history/legacy-transfers.ts); a
 * deletion waits for every open connection, so sharing the name held every history read. Every record read back is parsed: a damaged one, or one written by another
 * version, is skipped (it only costs the resume, never a wrong one).
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { z } from 'zod';
import {
  MAX_FILES_PER_TRANSFER,
  MAX_TRANSFER_PATH_LENGTH,
  transferIdSchema,
  type ManifestFile,
} from '../../../../contracts/transfer';
import { transferKey } from './transfer-types';

const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const recordedFileSchema = z.object({
  path: z.string().min(1).max(MAX_TRANSFER_PATH_LENGTH),
  size: byteCount,
  /**
   * Sender only, where the host knows it: when the file was last modified (ms since the epoch), to
   * tell after a restart whether the file picked again is still the one that was offered.
   */
  modifiedAt: z.number().nonnegative().optional(),
});
export type RecordedFile = z.infer<typeof recordedFileSchema>;

export const transferRecordSchema = z
  .object({
    direction: z.enum(['in', 'out']),
    /** The transfer id the sender chose; with the device id it keys the receive store's records. */
    id: transferIdSchema,
    /** The other device (the remembered device's id: only that device's connection can resume it). */
    deviceId: z.string().min(1).max(256),
    /** `TransferView.key`, so a resumed transfer is the same line in the history, never a second one. */
    key: z.string().min(1),
    createdAt: z.number().int().nonnegative(),
    totalBytes: byteCount,
    files: z.array(recordedFileSchema).min(1).max(MAX_FILES_PER_TRANSFER),
    /** The receiver accepted it (an unanswered offer is simply offered again and asked again). */
    accepted: z.boolean(),
  })
  .refine((record) => record.key === transferKey(record.direction, record.deviceId, record.id), {
    message: 'key does not match direction, device and id',
  })
  .refine((record) => record.files.reduce((sum, file) => sum + file.size, 0) === record.totalBytes, {
    message: 'totalBytes is not the sum of the files',
  });
export type TransferRecord = z.infer<typeof transferRecordSchema>;

/** Where the records are kept. */
export interface TransferRecords {
  /** Every readable record (damaged ones are left out). */
  load(): Promise<TransferRecord[]>;
  put(record: TransferRecord): Promise<void>;
  remove(key: string): Promise<void>;
  /** A forgotten device: nothing of its transfers may resume. */
  removeDevice(deviceId: string): Promise<void>;
}

/**
 * Whether an offer's manifest is the recorded transfer's, file for file. A transfer id is the
 * sender's random choice, so the same id with other files is a bug or a lie: nothing is resumed
 * into files written for another transfer.
 */
export function sameManifest(
  recorded: readonly Pick<RecordedFile, 'path' | 'size'>[],
  offered: readonly Pick<ManifestFile, 'path' | 'size'>[],
): boolean {
  if (recorded.length !== offered.length) return false;
  return recorded.every((file, index) => {
    const other = offered[index];
    return other !== undefined && other.path === file.path && other.size === file.size;
  });
}

/** What a file picked again after a restart is, compared with the one that was offered. */
export type RepickedFileCheck = 'same' | 'missing' | 'changed';

/**
 * Compares the files picked again (after a restart of the browser sender, whose File objects did
 * not survive it) with the recorded ones, by their place in the transfer, size and, where both
 * are known, modification time. The digest check on the receiver still guards the content.
 */
export function checkRepicked(
  recorded: readonly RecordedFile[],
  picked: readonly { readonly path: string; readonly size: number; readonly modifiedAt?: number }[],
): { readonly check: RepickedFileCheck; readonly path?: string } {
  const byPath = new Map(picked.map((file) => [file.path, file]));
  for (const file of recorded) {
    const again = byPath.get(file.path);
    if (!again) return { check: 'missing', path: file.path };
    const modifiedChanged =
      file.modifiedAt !== undefined && again.modifiedAt !== undefined && file.modifiedAt !== again.modifiedAt;
    if (again.size !== file.size || modifiedChanged) return { check: 'changed', path: file.path };
  }
  return { check: 'same' };
}

interface TransfersDb extends DBSchema {
  transfers: { key: string; value: TransferRecord; indexes: { byDevice: string } };
}

export const TRANSFERS_DB_NAME = 'ferry-transfer-records';

function parsedRecords(values: readonly unknown[]): TransferRecord[] {
  return values.flatMap((value) => {
    const result = transferRecordSchema.safeParse(value);
    return result.success ? [result.data] : [];
  });
}

export function indexedDbTransferRecords(name: string = TRANSFERS_DB_NAME): TransferRecords {
  let opened: Promise<IDBPDatabase<TransfersDb>> | null = null;
  const db = () =>
    (opened ??= openDB<TransfersDb>(name, 1, {
      upgrade(database) {
        const transfers = database.createObjectStore('transfers', { keyPath: 'key' });
        transfers.createIndex('byDevice', 'deviceId');
      },
    }));
  return {
    load: async () => parsedRecords(await (await db()).getAll('transfers')),
    put: async (record) => {
      await (await db()).put('transfers', record);
    },
    remove: async (key) => {
      await (await db()).delete('transfers', key);
    },
    removeDevice: async (deviceId) => {
      const tx = (await db()).transaction('transfers', 'readwrite');
      for (const key of await tx.store.index('byDevice').getAllKeys(deviceId)) await tx.store.delete(key);
      await tx.done;
    },
  };
}

/** Records in memory (tests, and a browser that refuses storage to this page). */
export function memoryTransferRecords(): TransferRecords {
  const records = new Map<string, TransferRecord>();
  return {
    load: async () => parsedRecords([...records.values()]),
    put: async (record) => void records.set(record.key, record),
    remove: async (key) => void records.delete(key),
    removeDevice: async (deviceId) => {
      for (const [key, record] of records) if (record.deviceId === deviceId) records.delete(key);
    },
  };
}
