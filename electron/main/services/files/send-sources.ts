/**
 * Files to send, read by path in the main process: what the user dropped from the OS (files and
 * whole folders) becomes a manifest of relative paths and sizes, and the renderer then reads
 * chunks by source id and file index. The renderer never names a path to read: only paths that
 * were opened as a source here can be read, and only through their index.
 *
 * Folders are walked depth-first in name order so the manifest is stable; symbolic links are
 * skipped (a link to a parent would loop, one to elsewhere would send what the user did not drop).
 */
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { OpenedSources, SourceFile } from '../../../../contracts/file-ipc';
import { err, ok, type Result } from '../../../../contracts/result';
import { MAX_FILES_PER_TRANSFER } from '../../../../contracts/transfer';
import { fsError } from './fs-errors';

export type SourceFileSystem = Pick<typeof nodeFs, 'lstat' | 'readdir' | 'open'>;

/** A file of an opened source as main knows it: where it is, and what it was when listed. */
export interface ListedFile {
  readonly absolutePath: string;
  /** Relative, '/'-separated, as in the manifest. */
  readonly path: string;
  readonly size: number;
  /** Modification time when listed (ms since the epoch, as `stat` gives it). */
  readonly modifiedMs: number;
}

export interface SendSources {
  open(paths: readonly string[]): Promise<Result<OpenedSources>>;
  /** What an opened source lists, in manifest order; undefined for an unknown source. */
  describe(sourceId: string): readonly ListedFile[] | undefined;
  /**
   * A source made of files main listed before (kept-sources.ts, after a restart), in this order:
   * never from the page, which names no path.
   */
  adopt(files: readonly ListedFile[]): OpenedSources;
  read(sourceId: string, index: number, offset: number, length: number): Promise<Result<Uint8Array>>;
  close(sourceId: string): Promise<Result<null>>;
}

interface Source {
  readonly files: readonly (SourceFile & { readonly absolutePath: string; readonly modifiedMs: number })[];
  /** The file being read, kept open between chunks. */
  current: { readonly index: number; readonly handle: Promise<FileHandle> } | null;
}

export function createSendSources(fs: SourceFileSystem = nodeFs): SendSources {
  const sources = new Map<string, Source>();

  const walk = async (
    absolutePath: string,
    relativePath: string,
    into: Source['files'][number][],
  ): Promise<void> => {
    const stat = await fs.lstat(absolutePath);
    if (stat.isSymbolicLink()) return;
    if (stat.isFile()) {
      into.push({
        index: into.length,
        path: relativePath,
        size: stat.size,
        absolutePath,
        modifiedMs: stat.mtimeMs,
      });
    } else if (stat.isDirectory()) {
      const entries = (await fs.readdir(absolutePath)).sort();
      for (const entry of entries) {
        if (into.length >= MAX_FILES_PER_TRANSFER) return;
        await walk(join(absolutePath, entry), `${relativePath}/${entry}`, into);
      }
    }
  };

  const add = (files: Source['files']): OpenedSources => {
    const sourceId = randomBytes(16).toString('hex');
    sources.set(sourceId, { files, current: null });
    return { sourceId, files: files.map(({ index, path, size }) => ({ index, path, size })) };
  };

  const closeCurrent = async (source: Source): Promise<void> => {
    const current = source.current;
    source.current = null;
    if (current) await current.handle.then((handle) => handle.close()).catch(() => undefined);
  };

  return {
    async open(paths) {
      const files: Source['files'][number][] = [];
      try {
        for (const path of paths) await walk(path, basename(path), files);
      } catch (error) {
        return fsError(error);
      }
      if (files.length === 0) return err('FILE_NOT_FOUND', 'nothing to send');
      if (files.length > MAX_FILES_PER_TRANSFER) return err('PAYLOAD_TOO_LARGE');
      return ok(add(files));
    },

    describe: (sourceId) =>
      sources.get(sourceId)?.files.map(({ absolutePath, path, size, modifiedMs }) => ({
        absolutePath,
        path,
        size,
        modifiedMs,
      })),

    adopt: (files) => add(files.map((file, index) => ({ ...file, index }))),

    async read(sourceId, index, offset, length) {
      const source = sources.get(sourceId);
      const file = source?.files[index];
      if (!source || !file) return err('INVALID_PAYLOAD', 'unknown source');
      if (offset + length > file.size) return err('INVALID_PAYLOAD', 'beyond the file');
      try {
        if (source.current?.index !== index) {
          const previous = source.current;
          // Set before any await and kept as a promise: reads ahead may ask for the same file at once.
          source.current = { index, handle: fs.open(file.absolutePath, 'r') };
          if (previous) void previous.handle.then((old) => old.close()).catch(() => undefined);
        }
        const handle = await source.current.handle;
        const bytes = new Uint8Array(length);
        let position = 0;
        while (position < length) {
          const { bytesRead } = await handle.read(bytes, position, length - position, offset + position);
          // The file got shorter since it was listed: what we would send no longer matches the manifest.
          if (bytesRead === 0) return err('IO_FAILED', 'file changed');
          position += bytesRead;
        }
        return ok(bytes);
      } catch (error) {
        await closeCurrent(source);
        return fsError(error);
      }
    },

    async close(sourceId) {
      const source = sources.get(sourceId);
      sources.delete(sourceId);
      if (source) await closeCurrent(source);
      return ok(null);
    },
  };
}
