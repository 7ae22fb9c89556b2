/**
 * The files Ferry received: the only files the page may ask main to open or show in their folder.
 * Without this list, a page running someone else's script (a hole in the renderer) could have the
 * OS open any file under the receive folder, or anything if that check slipped, e.g. a script the
 * user never meant to run. Kept in the app's data folder (one JSON string per line, appended as
 * each file is saved) so a file in the history of an earlier session still opens, even after the
 * receive folder was changed.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

/** Far more files than a history shows; past it the oldest entries go at the next start. */
export const MAX_RECEIVED_FILES = 20_000;

/** The parts of `node:fs/promises` the list uses. */
export interface ReceivedFilesFileSystem {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  appendFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export interface ReceivedFiles {
  /** Records a file Ferry saved (absolute path); resolves once written down. */
  add(path: string): Promise<void>;
  /** Did Ferry save a file at exactly this path? */
  has(path: string): boolean;
}

const lineSchema = z.string().min(1).max(32_768);

export async function openReceivedFiles(
  file: string,
  fs: ReceivedFilesFileSystem,
  limit = MAX_RECEIVED_FILES,
): Promise<ReceivedFiles> {
  let text = '';
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    // Missing on first use; an unreadable list only means older files no longer open from here.
  }
  // Insertion-ordered, so the oldest entries are the first ones.
  const paths = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // a line cut short by a crash
    }
    const path = lineSchema.safeParse(parsed);
    if (!path.success) continue;
    paths.delete(path.data);
    paths.add(path.data);
  }
  const trim = (): boolean => {
    let trimmed = false;
    while (paths.size > limit) {
      paths.delete(paths.values().next().value as string);
      trimmed = true;
    }
    return trimmed;
  };
  if (trim() || text.split('\n').filter(Boolean).length > paths.size) {
    const compacted = [...paths].map((path) => JSON.stringify(path)).join('\n');
    await fs.writeFile(`${file}.tmp`, compacted === '' ? '' : `${compacted}\n`, 'utf8');
    await fs.rename(`${file}.tmp`, file);
  }
  return {
    async add(path) {
      const key = resolve(path);
      paths.delete(key);
      paths.add(key);
      trim();
      await fs.appendFile(file, `${JSON.stringify(key)}\n`, 'utf8');
    },
    has: (path) => paths.has(resolve(path)),
  };
}
