/**
 * What the receive folder remembers between connections and app restarts: for each unfinished
 * incoming transfer (keyed by sender device and transfer id), where each file's `.part` is, which
 * files are done, and which folder name a dropped folder got. That is what lets the next
 * connection between the same two devices resume where the last one stopped.
 *
 * One small JSON file in the app's data folder (not in the receive folder, which belongs to the
 * user). Writes go to a temporary file that is renamed over the old one; they are serialized so
 * that the file always holds the latest state.
 */
import { z } from 'zod';
import type { ReceiveKey } from '../../../../contracts/file-ipc';

export const receivedFileRecordSchema = z.object({
  /** Absolute path of the `.part` (or, once done, of the final file). */
  partPath: z.string(),
  /** Where it lands, relative to the receive folder, '/'-separated. */
  name: z.string(),
  done: z.boolean(),
});
export type ReceivedFileRecord = z.infer<typeof receivedFileRecordSchema>;

export const transferRecordSchema = z.object({
  /** A dropped folder's name as sent → the name it got here (`Photos` → `Photos (1)`). */
  roots: z.record(z.string(), z.string()),
  /** By file index. */
  files: z.record(z.string(), receivedFileRecordSchema),
});
export type TransferRecord = z.infer<typeof transferRecordSchema>;

const registryFileSchema = z.object({
  version: z.literal(1),
  transfers: z.record(z.string(), transferRecordSchema),
});

/** The parts of `node:fs/promises` the registry uses. */
export interface RegistryFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export interface ResumeRegistry {
  get(key: ReceiveKey): TransferRecord | undefined;
  /** Replaces (or with `undefined`, removes) a transfer's record and saves. */
  set(key: ReceiveKey, record: TransferRecord | undefined): Promise<void>;
  /** Every `.part` path of every unfinished file: no new file may take one of these names. */
  partPaths(): Set<string>;
}

const keyOf = (key: ReceiveKey): string => JSON.stringify([key.senderId, key.transferId]);

export async function openResumeRegistry(file: string, fs: RegistryFileSystem): Promise<ResumeRegistry> {
  let transfers: Record<string, TransferRecord> = {};
  try {
    const parsed = registryFileSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    // An unreadable registry only costs resume: the partial files stay where they are.
    if (parsed.success) transfers = parsed.data.transfers;
  } catch {
    // Missing on first use, or unreadable: start empty.
  }

  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    const snapshot = JSON.stringify({ version: 1, transfers });
    saving = saving
      .catch(() => undefined)
      .then(async () => {
        await fs.writeFile(`${file}.tmp`, snapshot, 'utf8');
        await fs.rename(`${file}.tmp`, file);
      });
    return saving;
  };

  return {
    get: (key) => transfers[keyOf(key)],
    set: (key, record) => {
      const next = { ...transfers };
      if (record) next[keyOf(key)] = record;
      else delete next[keyOf(key)];
      transfers = next;
      return save();
    },
    partPaths: () => {
      const paths = new Set<string>();
      for (const record of Object.values(transfers)) {
        for (const entry of Object.values(record.files)) if (!entry.done) paths.add(entry.partPath);
      }
      return paths;
    },
  };
}
