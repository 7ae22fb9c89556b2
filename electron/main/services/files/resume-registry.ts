/**
 * What the receive folder remembers between connections and app restarts: for each unfinished
 * incoming transfer (keyed by sender device and transfer id), where each file's `.part` is, which
 * files are done, and which folder name a dropped folder got. That is what lets the next
 * connection between the same two devices resume where the last one stopped.
 *
 * An append-only journal (contracts/resume-journal.ts) in the app's data folder, not in the receive
 * folder, which belongs to the user: one line per change, so a folder of thousands of files costs a
 * line per file, not a rewrite of every record. Compaction writes a temporary file and renames it
 * over the journal.
 */
import { z } from 'zod';
import type { ReceiveKey } from '../../../../contracts/file-ipc';
import {
  ResumeJournal,
  resumeKeyOf,
  type JournalFile,
  type TransferRecord,
} from '../../../../contracts/resume-journal';

export const receivedFileRecordSchema = z.object({
  /** Absolute path of the `.part` (or, once done, of the final file). */
  partPath: z.string(),
  /** Where it lands, relative to the receive folder, '/'-separated. */
  name: z.string(),
  done: z.boolean(),
});
export type ReceivedFileRecord = z.infer<typeof receivedFileRecordSchema>;

/** The parts of `node:fs/promises` the registry uses. */
export interface RegistryFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  appendFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export interface ResumeRegistry {
  get(key: ReceiveKey): TransferRecord<ReceivedFileRecord> | undefined;
  /** Records (or replaces) what is known of one file of a transfer; resolves once saved. */
  setFile(key: ReceiveKey, index: number, file: ReceivedFileRecord): Promise<void>;
  dropFile(key: ReceiveKey, index: number): Promise<void>;
  /** Records the name a dropped folder got here. */
  setRoot(key: ReceiveKey, root: string, name: string): Promise<void>;
  /** Drops a transfer's record. */
  forget(key: ReceiveKey): Promise<void>;
  /** Every `.part` path of every unfinished file: no new file may take one of these names. */
  partPaths(): Set<string>;
}

export async function openResumeRegistry(file: string, fs: RegistryFileSystem): Promise<ResumeRegistry> {
  const journalFile: JournalFile = {
    read: async () => {
      try {
        return await fs.readFile(file, 'utf8');
      } catch {
        return ''; // missing on first use
      }
    },
    append: (text) => fs.appendFile(file, text, 'utf8'),
    replace: async (text) => {
      await fs.writeFile(`${file}.tmp`, text, 'utf8');
      await fs.rename(`${file}.tmp`, file);
    },
  };
  const journal = await ResumeJournal.open(journalFile, receivedFileRecordSchema);
  return {
    get: (key) => journal.get(resumeKeyOf(key)),
    setFile: (key, index, record) => journal.setFile(resumeKeyOf(key), index, record),
    dropFile: (key, index) => journal.dropFile(resumeKeyOf(key), index),
    setRoot: (key, root, name) => journal.setRoot(resumeKeyOf(key), root, name),
    forget: (key) => journal.forget(resumeKeyOf(key)),
    partPaths: () => {
      const paths = new Set<string>();
      for (const record of journal.records()) {
        for (const entry of record.files.values()) if (!entry.done) paths.add(entry.partPath);
      }
      return paths;
    },
  };
}
