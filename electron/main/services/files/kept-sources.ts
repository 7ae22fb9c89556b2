/**
 * The files of unfinished outgoing transfers, kept readable across restarts of the desktop app.
 *
 * Main reads only paths the person chose this session (path-grants.ts). That would make a sender
 * restart ask for the files again, as a browser must (its File objects end with the page). Here,
 * once an outgoing transfer has run long enough to be recorded, the renderer asks main to keep the
 * source it is reading (`files:keep-sources`): main files what it listed itself for that source —
 * absolute path, relative path, size, modification time — under the transfer's key, in a small JSON
 * file in the app's data folder. After a restart `files:reopen-sources` opens exactly those files
 * again, each checked first: still a regular file (not a link), same size, same modification time;
 * anything else answers `changed` (the transfer then ends in words, FILE_CHANGED) or `none` (gone:
 * the person picks the files again). The entry goes when the transfer ends, is cancelled, or its
 * device is forgotten (`files:drop-sources`).
 *
 * The page never adds a path: it names a source main opened from a grant, or a transfer key main
 * already keeps. The file is written whole to a temporary name and renamed over the old one, so a
 * crash leaves the old or the new list, never half of one; a damaged file is ignored (nothing kept).
 *
 * There is no whole-file SHA-256 to compare: the sender hashes as it reads, and a file cut off
 * mid-way has none yet. What the receiver checks on every file (its digest, over the bytes it kept
 * and the rest) still catches a file changed with its size and time put back.
 */
import { z } from 'zod';
import type { ReopenedSources } from '../../../../contracts/file-ipc';
import { err, ok, type Result } from '../../../../contracts/result';
import { MAX_FILES_PER_TRANSFER, MAX_TRANSFER_PATH_LENGTH } from '../../../../contracts/transfer';
import type { SendSources } from './send-sources';

/** Transfers kept at most; past this the oldest goes (a renderer that never said it ended). */
export const MAX_KEPT_TRANSFERS = 100;

const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const keptFileSchema = z.strictObject({
  absolutePath: z.string().min(1).max(32_768),
  path: z.string().min(1).max(MAX_TRANSFER_PATH_LENGTH),
  size: byteCount,
  modifiedMs: z.number().nonnegative(),
});

const keptTransferSchema = z.strictObject({
  key: z.string().min(1).max(400),
  deviceId: z.string().min(1).max(256),
  keptAt: z.number().nonnegative(),
  files: z.array(keptFileSchema).min(1).max(MAX_FILES_PER_TRANSFER),
});
type KeptTransfer = z.infer<typeof keptTransferSchema>;

const keptFileContentSchema = z.strictObject({
  version: z.literal(1),
  transfers: z.array(keptTransferSchema).max(MAX_KEPT_TRANSFERS),
});

/** The parts of `node:fs/promises` used. */
export interface KeptSourcesFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  lstat(path: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean }>;
}

export interface KeptSources {
  /** Keep what `sourceId` lists for the outgoing transfer `key` (to `deviceId`); saved when it resolves. */
  keep(sourceId: string, key: string, deviceId: string): Promise<Result<null>>;
  /** Open again what was kept for `key`, if every file is unchanged. */
  reopen(key: string): Promise<Result<ReopenedSources>>;
  /** Forget what was kept for one transfer, or for every transfer to a device. */
  drop(which: { readonly key: string } | { readonly deviceId: string }): Promise<Result<null>>;
  /** Keys kept now (tests, logs). */
  keys(): readonly string[];
}

export interface KeptSourcesDeps {
  /** The JSON file, in the app's data folder (never the receive folder, which is the person's). */
  readonly file: string;
  readonly fs: KeptSourcesFileSystem;
  readonly sources: Pick<SendSources, 'describe' | 'adopt'>;
  readonly now?: () => number;
  /** Told when the file cannot be read or written (what is kept in memory goes on). */
  readonly onError?: (error: unknown) => void;
}

/** Reads what was kept (nothing if the file is missing or damaged) and serves the channels. */
export async function openKeptSources(deps: KeptSourcesDeps): Promise<KeptSources> {
  const { file, fs } = deps;
  const now = deps.now ?? Date.now;
  const onError = deps.onError ?? (() => undefined);
  const kept = new Map<string, KeptTransfer>();
  try {
    const parsed = keptFileContentSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    if (parsed.success) for (const transfer of parsed.data.transfers) kept.set(transfer.key, transfer);
    else onError(new Error(`kept sources ignored: ${parsed.error.issues[0]?.message ?? 'invalid'}`));
  } catch (error) {
    // Missing on first use; unreadable JSON counts as nothing kept.
    if ((error as { code?: unknown }).code !== 'ENOENT') onError(error);
  }

  // One write at a time, each of the whole list as it is then.
  let writing: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    writing = writing.then(async () => {
      const content = JSON.stringify({ version: 1, transfers: [...kept.values()] });
      try {
        await fs.writeFile(`${file}.tmp`, content, 'utf8');
        await fs.rename(`${file}.tmp`, file);
      } catch (error) {
        onError(error);
      }
    });
    return writing;
  };

  return {
    async keep(sourceId, key, deviceId) {
      const files = deps.sources.describe(sourceId);
      if (!files) return err('INVALID_PAYLOAD', 'unknown source');
      if (files.length === 0) return err('INVALID_PAYLOAD', 'empty source');
      kept.delete(key);
      kept.set(key, { key, deviceId, keptAt: now(), files: files.map((entry) => ({ ...entry })) });
      // Insertion-ordered: the first key is the oldest.
      while (kept.size > MAX_KEPT_TRANSFERS) kept.delete(kept.keys().next().value as string);
      await save();
      return ok(null);
    },

    async reopen(key) {
      const transfer = kept.get(key);
      if (!transfer) return ok({ kind: 'none' });
      for (const entry of transfer.files) {
        let stat: Awaited<ReturnType<KeptSourcesFileSystem['lstat']>>;
        try {
          stat = await fs.lstat(entry.absolutePath);
        } catch {
          // Moved or deleted: it may be picked again from where it is now.
          return ok({ kind: 'none' });
        }
        if (!stat.isFile() || stat.size !== entry.size || stat.mtimeMs !== entry.modifiedMs)
          return ok({ kind: 'changed', path: entry.path });
      }
      return ok({ kind: 'opened', ...deps.sources.adopt(transfer.files) });
    },

    async drop(which) {
      const before = kept.size;
      if ('key' in which) kept.delete(which.key);
      else for (const [key, transfer] of kept) if (transfer.deviceId === which.deviceId) kept.delete(key);
      if (kept.size !== before) await save();
      return ok(null);
    },

    keys: () => [...kept.keys()],
  };
}
