/**
 * The resume records of a receive folder, kept as an append-only journal: what the next connection
 * between two devices needs to continue an incoming transfer (which name each file's `.part` got,
 * which files are done, which name a dropped folder got). Both receive stores keep one: the desktop
 * app's (electron/main/services/files/receive-folder.ts, a file in the app's data folder) and the
 * browser client's (renderer/src/host/opfs/opfs-receive-store.ts, a file in OPFS).
 *
 * Why a journal: the records change twice per received file (named, then done). Rewriting one JSON
 * snapshot of every record on each change cost time in proportion to the files recorded, so a
 * folder of n files cost n² (and, in OPFS, ~1.8 ms per rewrite even for small ones). A change here
 * is one line appended; the journal is rewritten compactly only when it has grown well beyond what
 * it describes, and emptied when no transfer is left unfinished.
 *
 * A line that does not parse (a write torn by a crash) is skipped: a lost record only costs resume,
 * the files on disk stay where they are.
 */
import { z } from 'zod';
import type { ReceiveKey } from './file-ipc';

/** What the journal remembers of one incoming transfer. */
export interface TransferRecord<F> {
  /** A dropped folder's name as sent → the name it got here (`Photos` → `Photos (1)`). */
  readonly roots: Readonly<Record<string, string>>;
  /** By file index. */
  readonly files: ReadonlyMap<number, F>;
}

/** The file that holds the journal, as each runtime reaches it. */
export interface JournalFile {
  /** The whole journal ('' when there is none yet). */
  read(): Promise<string>;
  append(text: string): Promise<void>;
  /** Replaces the whole journal (compaction). */
  replace(text: string): Promise<void>;
}

const HEADER = JSON.stringify({ ferryResumeJournal: 1 });

/** How the journal names an incoming transfer: by sender device and transfer id. */
export const resumeKeyOf = (key: ReceiveKey): string => JSON.stringify([key.senderId, key.transferId]);

const changeSchema = <F>(fileSchema: z.ZodType<F>) =>
  z.discriminatedUnion('op', [
    z.object({
      op: z.literal('file'),
      transfer: z.string(),
      index: z.number().int().min(0),
      file: fileSchema,
    }),
    z.object({ op: z.literal('drop-file'), transfer: z.string(), index: z.number().int().min(0) }),
    z.object({ op: z.literal('root'), transfer: z.string(), root: z.string(), name: z.string() }),
    z.object({ op: z.literal('forget'), transfer: z.string() }),
  ]);
type Change<F> = z.infer<ReturnType<typeof changeSchema<F>>>;

interface MutableRecord<F> {
  roots: Record<string, string>;
  files: Map<number, F>;
}

/** The journal is rewritten when it has this many lines more than its records need. */
const COMPACT_SLACK_LINES = 256;

export class ResumeJournal<F> {
  private readonly transfers = new Map<string, MutableRecord<F>>();
  private lines = 0;
  /** Whether the file starts with the header yet: a journal that does not exist is created by its first change. */
  private headed = false;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: JournalFile) {}

  /** Reads the journal (an unreadable one counts as empty) and compacts it if it has grown. */
  static async open<F>(file: JournalFile, fileSchema: z.ZodType<F>): Promise<ResumeJournal<F>> {
    const journal = new ResumeJournal<F>(file);
    let text = '';
    try {
      text = await file.read();
    } catch {
      // Unreadable: start empty (the files on disk stay).
    }
    const [header, ...lines] = text.split('\n');
    if (header === HEADER) {
      journal.headed = true;
      const schema = changeSchema(fileSchema);
      for (const line of lines) {
        if (line === '') continue;
        journal.lines++;
        let parsed;
        try {
          parsed = schema.safeParse(JSON.parse(line));
        } catch {
          continue; // torn by a crash
        }
        if (parsed.success) journal.apply(parsed.data as Change<F>);
      }
    }
    // Nothing is written for a journal not there yet (its folder may not exist yet either).
    const foreign = text !== '' && header !== HEADER;
    if (foreign || journal.lines > journal.neededLines() + COMPACT_SLACK_LINES) await journal.compact();
    return journal;
  }

  get(key: string): TransferRecord<F> | undefined {
    return this.transfers.get(key);
  }

  /** Every transfer's record. */
  records(): IterableIterator<TransferRecord<F>> {
    return this.transfers.values();
  }

  /** Records (or replaces) what is known of one file. */
  setFile(key: string, index: number, file: F): Promise<void> {
    return this.record({ op: 'file', transfer: key, index, file });
  }

  dropFile(key: string, index: number): Promise<void> {
    return this.record({ op: 'drop-file', transfer: key, index });
  }

  setRoot(key: string, root: string, name: string): Promise<void> {
    return this.record({ op: 'root', transfer: key, root, name });
  }

  /** Drops a transfer's record; with none left, the journal is emptied. */
  forget(key: string): Promise<void> {
    if (!this.transfers.has(key)) return Promise.resolve();
    this.transfers.delete(key);
    if (this.transfers.size === 0) return this.compact();
    return this.record({ op: 'forget', transfer: key });
  }

  /** Applies a change now (later reads see it) and appends it; resolves once it is written. */
  private record(change: Change<F>): Promise<void> {
    this.apply(change);
    this.lines++;
    const line = `${JSON.stringify(change)}\n`;
    return this.enqueue(async () => {
      await this.file.append(this.headed ? line : `${HEADER}\n${line}`);
      this.headed = true;
    });
  }

  private compact(): Promise<void> {
    const lines: string[] = [];
    for (const [transfer, record] of this.transfers) {
      for (const [root, name] of Object.entries(record.roots)) {
        lines.push(JSON.stringify({ op: 'root', transfer, root, name }));
      }
      for (const [index, file] of record.files)
        lines.push(JSON.stringify({ op: 'file', transfer, index, file }));
    }
    this.lines = lines.length;
    const text = [HEADER, ...lines, ''].join('\n');
    return this.enqueue(async () => {
      await this.file.replace(text);
      this.headed = true;
    });
  }

  private neededLines(): number {
    let count = 0;
    for (const record of this.transfers.values())
      count += Object.keys(record.roots).length + record.files.size;
    return count;
  }

  /** Writes run one at a time, in order; a failed one does not stop the next. */
  private enqueue(write: () => Promise<void>): Promise<void> {
    const next = this.writing.catch(() => undefined).then(write);
    this.writing = next;
    return next;
  }

  private apply(change: Change<F>): void {
    if (change.op === 'forget') {
      this.transfers.delete(change.transfer);
      return;
    }
    let record = this.transfers.get(change.transfer);
    if (!record) {
      if (change.op === 'drop-file') return;
      // No prototype: a folder name from the peer may be "__proto__".
      record = { roots: Object.create(null) as Record<string, string>, files: new Map() };
      this.transfers.set(change.transfer, record);
    }
    switch (change.op) {
      case 'file':
        record.files.set(change.index, change.file);
        return;
      case 'drop-file':
        record.files.delete(change.index);
        return;
      case 'root':
        record.roots[change.root] = change.name;
        return;
    }
  }
}
