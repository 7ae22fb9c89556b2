/**
 * The receive folder: where files from other devices are written as they arrive.
 *
 * Each file is written to `name.part`, hashed while it is written, and renamed to its final name
 * only when every byte is there and the digest (SHA-256 per block) matches the sender's. Nothing from the peer is
 * trusted: its paths are sanitized (contracts/file-names.ts), every path is checked to stay inside
 * the folder, new files are created exclusively (never over an existing file or symlink), a name
 * that is taken becomes `name (1).ext`, and a dropped folder lands under one fresh folder.
 *
 * Resume: a `.part` stays on disk when a connection drops, and the resume registry remembers
 * where. The next `status` reports its length, and `begin` reopens it, hashing what is already
 * there so the final digest covers the whole file.
 */
import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type {
  ReceiveBegin,
  ReceiveKey,
  ReceiveOpened,
  ReceiveSaved,
  ReceiveStatus,
} from '../../../../contracts/file-ipc';
import { PARTIAL_SUFFIX, pickFreeName, sanitizeRelativePath } from '../../../../contracts/file-names';
import { err, ok, type Result } from '../../../../contracts/result';
import { MAX_RESUME_OFFSETS } from '../../../../contracts/transfer';
import type { Logger } from '../logger';
import { FileDigest } from './file-digest';
import { fsError } from './fs-errors';
import type { ResumeRegistry } from './resume-registry';

/** The parts of `node:fs/promises` used here; tests wrap the real module to inject failures. */
export type ReceiveFileSystem = Pick<
  typeof nodeFs,
  'open' | 'mkdir' | 'stat' | 'lstat' | 'link' | 'unlink' | 'rename'
>;

export interface ReceiveFolderOptions {
  /** The folder files land in (a setting; default: Downloads/Ferry). Created when first needed. */
  readonly folder: () => string;
  readonly registry: ResumeRegistry;
  readonly logger: Logger;
  readonly fs?: ReceiveFileSystem;
}

export interface ReceiveFolder {
  status(key: ReceiveKey): Promise<Result<ReceiveStatus>>;
  begin(request: ReceiveBegin): Promise<Result<ReceiveOpened>>;
  write(fileId: string, offset: number, bytes: Uint8Array): Promise<Result<{ readonly written: number }>>;
  finish(fileId: string, digest: string): Promise<Result<ReceiveSaved>>;
  abort(fileId: string, keepPartial: boolean): Promise<Result<null>>;
  forget(key: ReceiveKey, discardPartials: boolean): Promise<Result<null>>;
  /** Is `path` inside the receive folder? (Open / show in folder accept nothing else.) */
  contains(path: string): boolean;
  /** Closes every open file, keeping the partials (app quit). */
  closeAll(): Promise<void>;
}

interface OpenFile {
  readonly key: ReceiveKey;
  readonly index: number;
  readonly size: number;
  readonly partPath: string;
  readonly name: string;
  readonly handle: FileHandle;
  readonly hash: FileDigest;
  written: number;
  /** Writes in arrival order, one at a time (the offset check relies on it); a takeover waits for it. */
  queue: Promise<unknown>;
}

const READ_BACK_CHUNK = 1024 * 1024;

const isInside = (folder: string, path: string): boolean => {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

const errnoOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

export function createReceiveFolder(options: ReceiveFolderOptions): ReceiveFolder {
  const { registry, logger } = options;
  const fs: ReceiveFileSystem = options.fs ?? nodeFs;
  const open = new Map<string, OpenFile>();

  const exists = async (path: string): Promise<boolean> => {
    try {
      await fs.lstat(path);
      return true;
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return false;
      throw error;
    }
  };

  /**
   * A name in `dir` that is free on disk and whose `.part` is not another file's still arriving
   * (`ownPart`, the file being settled, does not count against itself).
   */
  const freeName = async (
    dir: string,
    wanted: string,
    reserved: Set<string>,
    ownPart?: string,
  ): Promise<string | null> =>
    pickFreeName(wanted, async (candidate) => {
      const path = join(dir, candidate);
      const part = path + PARTIAL_SUFFIX;
      if (part === ownPart) return exists(path);
      return reserved.has(part) || (await exists(path)) || (await exists(part));
    });

  /** Re-reads what a `.part` already holds into a fresh hash (resume). */
  const hashExisting = async (handle: FileHandle, length: number, hash: FileDigest): Promise<void> => {
    const buffer = new Uint8Array(Math.min(READ_BACK_CHUNK, Math.max(length, 1)));
    let position = 0;
    while (position < length) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.byteLength, length - position),
        position,
      );
      if (bytesRead === 0) throw Object.assign(new Error('partial file shrank'), { code: 'EIO' });
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  };

  const register = (file: Omit<OpenFile, 'queue'>): ReceiveOpened => {
    const fileId = randomBytes(16).toString('hex');
    open.set(fileId, { ...file, queue: Promise.resolve() });
    return { fileId, offset: file.written, name: file.name };
  };

  const resume = async (
    request: ReceiveBegin,
    partPath: string,
    name: string,
  ): Promise<ReceiveOpened | null> => {
    let stat;
    try {
      stat = await fs.lstat(partPath);
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return null;
      throw error;
    }
    if (!stat.isFile()) return null;
    const handle = await fs.open(partPath, 'r+');
    try {
      // More bytes than the file has cannot be right; start that file again.
      const kept = stat.size <= request.size ? stat.size : 0;
      if (kept !== stat.size) await handle.truncate(0);
      const hash = new FileDigest();
      await hashExisting(handle, kept, hash);
      return register({
        key: request,
        index: request.index,
        size: request.size,
        partPath,
        name,
        handle,
        hash,
        written: kept,
      });
    } catch (error) {
      await handle.close();
      throw error;
    }
  };

  const startNew = async (request: ReceiveBegin): Promise<ReceiveOpened> => {
    const folder = options.folder();
    const segments = sanitizeRelativePath(request.path);
    const reserved = registry.partPaths();
    await fs.mkdir(folder, { recursive: true });
    if (segments.length > 1) {
      const root = segments[0] ?? '';
      // A dropped folder gets one fresh folder here, whatever already exists with its name.
      let mapped = registry.get(request)?.roots[root];
      if (mapped === undefined) {
        const free = await freeName(folder, root, reserved);
        if (free === null) throw Object.assign(new Error('no free folder name'), { code: 'EEXIST' });
        mapped = free;
        await registry.setRoot(request, root, mapped);
      }
      segments[0] = mapped;
    }
    const dir = join(folder, ...segments.slice(0, -1));
    if (dir !== folder && !isInside(folder, dir))
      throw Object.assign(new Error('path escapes'), { code: 'EACCES' });
    await fs.mkdir(dir, { recursive: true });
    const wanted = segments[segments.length - 1] ?? 'file';
    for (let attempt = 0; attempt < 5; attempt++) {
      const fileName = await freeName(dir, wanted, reserved);
      if (fileName === null) break;
      const partPath = join(dir, fileName + PARTIAL_SUFFIX);
      if (!isInside(folder, partPath)) throw Object.assign(new Error('path escapes'), { code: 'EACCES' });
      let handle: FileHandle;
      try {
        // 'wx': create exclusively; never write through an existing file or symlink.
        handle = await fs.open(partPath, 'wx');
      } catch (error) {
        if (errnoOf(error) === 'EEXIST') continue; // lost a race for the name: pick again
        throw error;
      }
      const name = relative(folder, join(dir, fileName)).split(sep).join('/');
      await registry.setFile(request, request.index, { partPath, name, done: false });
      return register({
        key: request,
        index: request.index,
        size: request.size,
        partPath,
        name,
        handle,
        hash: new FileDigest(),
        written: 0,
      });
    }
    throw Object.assign(new Error('no free file name'), { code: 'EEXIST' });
  };

  /** Renames a verified `.part` to its final name without ever replacing an existing file. */
  const settle = async (file: OpenFile): Promise<string> => {
    const dir = dirname(file.partPath);
    const wanted = file.partPath.slice(dir.length + 1, -PARTIAL_SUFFIX.length);
    for (let attempt = 0; attempt < 5; attempt++) {
      const free = await freeName(dir, wanted, registry.partPaths(), file.partPath);
      if (free === null) break;
      const target = join(dir, free);
      try {
        // link() fails if the target exists, unlike rename(): the no-overwrite rename POSIX lacks.
        await fs.link(file.partPath, target);
        await fs.unlink(file.partPath);
        return target;
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'EEXIST') continue;
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
        // File systems without hard links (FAT, some network shares): checked rename instead.
        if (await exists(target)) continue;
        await fs.rename(file.partPath, target);
        return target;
      }
    }
    throw Object.assign(new Error('no free file name'), { code: 'EEXIST' });
  };

  const appendTo = async (
    file: OpenFile,
    offset: number,
    bytes: Uint8Array,
  ): Promise<Result<{ readonly written: number }>> => {
    // Exactly the next bytes: a gap or an overlap would corrupt the file silently.
    if (offset !== file.written) return err('INVALID_PAYLOAD', `offset ${offset}, expected ${file.written}`);
    if (file.written + bytes.byteLength > file.size)
      return err('INVALID_PAYLOAD', 'beyond the announced size');
    try {
      let done = 0;
      while (done < bytes.byteLength) {
        const { bytesWritten } = await file.handle.write(
          bytes,
          done,
          bytes.byteLength - done,
          file.written + done,
        );
        done += bytesWritten;
      }
      file.hash.update(bytes);
      file.written += bytes.byteLength;
      return ok({ written: file.written });
    } catch (error) {
      // Keep the .part exactly as long as what was hashed, so that resume re-reads consistent bytes.
      await file.handle.truncate(file.written).catch(() => undefined);
      logger.warn({ code: errnoOf(error) }, 'write to a partial file failed');
      return fsError(error);
    }
  };

  const guard = async <T>(what: string, work: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await work();
    } catch (error) {
      logger.warn({ what, code: errnoOf(error) }, 'receive folder operation failed');
      return fsError(error);
    }
  };

  return {
    status: (key) =>
      guard('status', async () => {
        const record = registry.get(key);
        if (!record) return ok({ completedBelow: 0, offsets: [] });
        let completedBelow = 0;
        while (record.files.get(completedBelow)?.done) completedBelow++;
        const offsets: { index: number; offset: number }[] = [];
        for (const [index, entry] of record.files) {
          if (entry.done || index < completedBelow || offsets.length >= MAX_RESUME_OFFSETS) continue;
          try {
            const stat = await fs.lstat(entry.partPath);
            if (stat.isFile() && stat.size > 0) offsets.push({ index, offset: stat.size });
          } catch {
            // The partial is gone (deleted by the user): that file starts from 0.
          }
        }
        offsets.sort((a, b) => a.index - b.index);
        return ok({ completedBelow, offsets });
      }),

    begin: (request) =>
      guard('begin', async () => {
        // Still open from before: the page that opened it reloaded or lost its connection. Take it over
        // from what reached the disk.
        for (const [fileId, file] of open) {
          if (
            file.key.senderId === request.senderId &&
            file.key.transferId === request.transferId &&
            file.index === request.index
          ) {
            open.delete(fileId);
            await file.queue.catch(() => undefined);
            await file.handle.close().catch(() => undefined);
          }
        }
        const known = registry.get(request)?.files.get(request.index);
        if (known?.done) return err('INVALID_PAYLOAD', 'file already received');
        if (known) {
          const resumed = await resume(request, known.partPath, known.name);
          if (resumed) return ok(resumed);
        }
        return ok(await startNew(request));
      }),

    write: (fileId, offset, bytes) => {
      const file = open.get(fileId);
      if (!file) return Promise.resolve(err('INVALID_PAYLOAD', 'unknown file'));
      // Writes may arrive while one runs (the renderer keeps several in flight): run them in order.
      const run = file.queue.then(() => appendTo(file, offset, bytes));
      file.queue = run;
      return run;
    },

    finish: (fileId, expectedDigest) =>
      guard('finish', async () => {
        const file = open.get(fileId);
        if (!file) return err('INVALID_PAYLOAD', 'unknown file');
        await file.queue.catch(() => undefined);
        if (file.written !== file.size) return err('INVALID_PAYLOAD', 'file is not complete');
        open.delete(fileId);
        try {
          await file.handle.datasync();
        } finally {
          await file.handle.close();
        }
        const digest = file.hash.digestHex();
        if (digest !== expectedDigest) {
          // The bytes on disk are wrong; resuming from them could never verify. Start that file over.
          await fs.unlink(file.partPath).catch(() => undefined);
          await registry.dropFile(file.key, file.index);
          logger.warn({ index: file.index }, 'received file failed its digest check');
          return err('DIGEST_MISMATCH');
        }
        const location = await settle(file);
        const name = relative(options.folder(), location).split(sep).join('/');
        await registry.setFile(file.key, file.index, { partPath: location, name, done: true });
        return ok({ name, location });
      }),

    abort: (fileId, keepPartial) =>
      guard('abort', async () => {
        const file = open.get(fileId);
        if (!file) return ok(null);
        open.delete(fileId);
        await file.queue.catch(() => undefined);
        await file.handle.close();
        if (!keepPartial) {
          await fs.unlink(file.partPath).catch(() => undefined);
          await registry.dropFile(file.key, file.index);
        }
        return ok(null);
      }),

    forget: (key, discardPartials) =>
      guard('forget', async () => {
        for (const [fileId, file] of open) {
          if (file.key.senderId === key.senderId && file.key.transferId === key.transferId) {
            open.delete(fileId);
            await file.handle.close().catch(() => undefined);
          }
        }
        const record = registry.get(key);
        if (record && discardPartials) {
          for (const entry of record.files.values()) {
            if (!entry.done) await fs.unlink(entry.partPath).catch(() => undefined);
          }
        }
        await registry.forget(key);
        return ok(null);
      }),

    contains: (path) => isInside(options.folder(), path),

    closeAll: async () => {
      const files = [...open.values()];
      open.clear();
      await Promise.all(files.map((file) => file.handle.close().catch(() => undefined)));
    },
  };
}
