/**
 * The browser's receive folder: received files written into the origin private file system
 * (OPFS), streamed through synchronous access handles, so a large file is never held in memory.
 * Runs inside a dedicated worker (sync access handles exist only there; see opfs-worker.ts).
 *
 * The rules are those of the desktop receive folder (electron/main/services/files/receive-folder.ts):
 * `.part` while arriving, the digest computed while writing, rename only after the digest matches, names
 * sanitized, clashes become `name (1).ext`, a dropped folder lands under one fresh folder, and a
 * resume record per (sender, transfer) lets the next connection continue from what is stored.
 * OPFS is private to this origin, so nothing outside Ferry can collide with its names; the
 * checks are kept anyway because two transfers can.
 */
import { z } from 'zod';
import type {
  ReceiveBegin,
  ReceiveKey,
  ReceiveOpened,
  ReceiveSaved,
  ReceiveStatus,
} from '../../../../contracts/file-ipc';
import { PARTIAL_SUFFIX, pickFreeName, sanitizeRelativePath } from '../../../../contracts/file-names';
import { ResumeJournal, resumeKeyOf, type JournalFile } from '../../../../contracts/resume-journal';
import { MAX_RESUME_OFFSETS } from '../../../../contracts/transfer';
import { randomId } from '../../engine/random-id';
import { FileDigest } from '../../engine/transfer/file-digest';

/** Worker-only parts of the File System API (lib.dom does not declare them). */
interface SyncAccessHandle {
  read(buffer: Uint8Array, options: { at: number }): number;
  write(buffer: Uint8Array, options: { at: number }): number;
  flush(): void;
  getSize(): number;
  truncate(size: number): void;
  close(): void;
}
type WorkerFileHandle = FileSystemFileHandle & {
  createSyncAccessHandle(options?: { mode: 'readwrite' | 'readwrite-unsafe' }): Promise<SyncAccessHandle>;
  move(newName: string): Promise<void>;
};

/** Failures carry a code from the result allow-list, like the desktop services' envelopes. */
export class StoreError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** What the resume journal keeps of a file: its path relative to the received folder, '/'-separated, without `.part`. */
const receivedFileSchema = z.object({ name: z.string(), done: z.boolean() });
type ReceivedFile = z.infer<typeof receivedFileSchema>;

interface OpenFile {
  readonly key: string;
  readonly transfer: ReceiveKey;
  readonly index: number;
  readonly size: number;
  readonly name: string;
  readonly handle: WorkerFileHandle;
  readonly access: SyncAccessHandle;
  readonly hash: FileDigest;
  written: number;
}

const RECEIVED_DIR = 'received';
const JOURNAL_FILE = 'ferry-resume.log';
const READ_BACK_CHUNK = 1024 * 1024;

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/** DOMException names → result codes. */
function storeCode(error: unknown): string {
  if (error instanceof StoreError) return error.code;
  switch (errorName(error)) {
    case 'QuotaExceededError':
      return 'DISK_FULL';
    case 'NotAllowedError':
    case 'SecurityError':
      return 'PERMISSION_DENIED';
    case 'NotFoundError':
      return 'FILE_NOT_FOUND';
    default:
      return 'IO_FAILED';
  }
}

export class OpfsReceiveStore {
  private journal: Promise<ResumeJournal<ReceivedFile>> | null = null;
  private readonly open = new Map<string, OpenFile>();
  /**
   * Folder handles by path below the received folder ('' is that folder): looking one up costs
   * ~0.6 ms per level in Chromium, several times per file. Dropped when a lookup through them
   * fails, as it does once the page removed the folder (clearing what it received).
   */
  private readonly folders = new Map<string, Promise<FileSystemDirectoryHandle>>();

  constructor(private readonly root: () => Promise<FileSystemDirectoryHandle>) {}

  /** Runs `work`, turning any failure into a StoreError with a result code. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof StoreError ? error : new StoreError(storeCode(error));
    }
  }

  async status(key: ReceiveKey): Promise<ReceiveStatus> {
    const record = (await this.records()).get(resumeKeyOf(key));
    if (!record) return { completedBelow: 0, offsets: [] };
    let completedBelow = 0;
    while (record.files.get(completedBelow)?.done) completedBelow++;
    const offsets: { index: number; offset: number }[] = [];
    for (const [index, file] of record.files) {
      if (file.done || index < completedBelow || offsets.length >= MAX_RESUME_OFFSETS) continue;
      const size = await this.partSize(file.name);
      if (size > 0) offsets.push({ index, offset: size });
    }
    return { completedBelow, offsets: offsets.sort((a, b) => a.index - b.index) };
  }

  async begin(request: ReceiveBegin): Promise<ReceiveOpened> {
    for (const [fileId, file] of this.open) {
      if (
        file.transfer.senderId === request.senderId &&
        file.transfer.transferId === request.transferId &&
        file.index === request.index
      ) {
        // Left open by a page that reloaded: take it over from what is stored.
        this.open.delete(fileId);
        file.access.close();
      }
    }
    const journal = await this.records();
    const key = resumeKeyOf(request);
    const known = journal.get(key)?.files.get(request.index);
    if (known?.done) throw new StoreError('INVALID_PAYLOAD');
    let name = known?.name;
    if (name === undefined) {
      name = await this.newName(request.path, key, journal);
      await journal.setFile(key, request.index, { name, done: false });
    }
    const segments = name.split('/');
    const handle = await this.inFolder(segments.slice(0, -1), true, async (dir) => {
      const partName = `${segments[segments.length - 1]}${PARTIAL_SUFFIX}`;
      return (await dir.getFileHandle(partName, { create: true })) as WorkerFileHandle;
    });
    const access = await handle.createSyncAccessHandle();
    const hash = new FileDigest();
    let written = access.getSize();
    if (written > request.size) {
      access.truncate(0);
      written = 0;
    }
    // Resume: hash what is stored so the digest covers the whole file.
    const buffer = new Uint8Array(Math.min(READ_BACK_CHUNK, Math.max(written, 1)));
    for (let at = 0; at < written;) {
      const read = access.read(buffer.subarray(0, Math.min(buffer.byteLength, written - at)), { at });
      if (read === 0) throw new StoreError('IO_FAILED');
      await hash.update(buffer.subarray(0, read));
      at += read;
    }
    const fileId = randomId(16);
    this.open.set(fileId, {
      key,
      transfer: { senderId: request.senderId, transferId: request.transferId },
      index: request.index,
      size: request.size,
      name,
      handle,
      access,
      hash,
      written,
    });
    return { fileId, offset: written, name };
  }

  async write(fileId: string, offset: number, bytes: Uint8Array): Promise<void> {
    const file = this.open.get(fileId);
    if (!file) throw new StoreError('INVALID_PAYLOAD');
    if (offset !== file.written || offset + bytes.byteLength > file.size)
      throw new StoreError('INVALID_PAYLOAD');
    let done = 0;
    try {
      while (done < bytes.byteLength) {
        const wrote = file.access.write(bytes.subarray(done), { at: offset + done });
        if (wrote === 0) throw new StoreError('IO_FAILED');
        done += wrote;
      }
    } catch (error) {
      // Keep the .part exactly as long as what was hashed, for a consistent resume.
      file.access.truncate(file.written);
      throw new StoreError(storeCode(error));
    }
    file.written += bytes.byteLength;
    await file.hash.update(bytes);
  }

  async finish(fileId: string, digest: string): Promise<ReceiveSaved> {
    const file = this.open.get(fileId);
    if (!file) throw new StoreError('INVALID_PAYLOAD');
    if (file.written !== file.size) throw new StoreError('INVALID_PAYLOAD');
    this.open.delete(fileId);
    file.access.flush();
    file.access.close();
    const journal = await this.records();
    const segments = file.name.split('/');
    const dir = await this.freshFolder(segments.slice(0, -1));
    const partName = `${segments[segments.length - 1]}${PARTIAL_SUFFIX}`;
    if ((await file.hash.digestHex()) !== digest) {
      await dir.removeEntry(partName).catch(() => undefined);
      await journal.dropFile(file.key, file.index);
      throw new StoreError('DIGEST_MISMATCH');
    }
    const finalName = await pickFreeName(segments[segments.length - 1] ?? 'file', async (candidate) => {
      return (
        (await this.exists(dir, candidate)) ||
        (candidate !== segments[segments.length - 1] && (await this.exists(dir, candidate + PARTIAL_SUFFIX)))
      );
    });
    if (finalName === null) throw new StoreError('IO_FAILED');
    await file.handle.move(finalName);
    const name = [...segments.slice(0, -1), finalName].join('/');
    await journal.setFile(file.key, file.index, { name, done: true });
    return { name, location: name };
  }

  async abort(fileId: string, keepPartial: boolean): Promise<void> {
    const file = this.open.get(fileId);
    if (!file) return;
    this.open.delete(fileId);
    file.access.close();
    if (keepPartial) return;
    await this.removePart(file.name);
    await (await this.records()).dropFile(file.key, file.index);
  }

  async forget(key: ReceiveKey, discardPartials: boolean): Promise<void> {
    const transferKey = resumeKeyOf(key);
    for (const [fileId, file] of this.open) {
      if (file.key === transferKey) {
        this.open.delete(fileId);
        file.access.close();
      }
    }
    const journal = await this.records();
    const record = journal.get(transferKey);
    if (record && discardPartials) {
      for (const file of record.files.values()) if (!file.done) await this.removePart(file.name);
    }
    await journal.forget(transferKey);
  }

  /** A saved file, for a download link (disk-backed: reading it does not load it into memory). */
  async file(location: string): Promise<File> {
    const segments = sanitizeRelativePath(location);
    return this.inFolder(segments.slice(0, -1), false, async (dir) =>
      (await dir.getFileHandle(segments[segments.length - 1] ?? '')).getFile(),
    );
  }

  private async newName(
    untrustedPath: string,
    key: string,
    journal: ResumeJournal<ReceivedFile>,
  ): Promise<string> {
    const segments = sanitizeRelativePath(untrustedPath);
    const reserved = this.reservedNames(journal);
    if (segments.length > 1) {
      const root = segments[0] ?? '';
      let mapped = journal.get(key)?.roots[root];
      if (mapped === undefined) {
        const received = await this.freshFolder([]);
        const free = await pickFreeName(
          root,
          async (candidate) => reserved.has(candidate) || (await this.exists(received, candidate)),
        );
        if (free === null) throw new StoreError('IO_FAILED');
        mapped = free;
        await journal.setRoot(key, root, mapped);
      }
      segments[0] = mapped;
    }
    const dirSegments = segments.slice(0, -1);
    const dir = await this.freshFolder(dirSegments);
    const prefix = dirSegments.length > 0 ? `${dirSegments.join('/')}/` : '';
    const fileName = await pickFreeName(segments[segments.length - 1] ?? 'file', async (candidate) => {
      return (
        reserved.has(prefix + candidate) ||
        (await this.exists(dir, candidate)) ||
        (await this.exists(dir, candidate + PARTIAL_SUFFIX))
      );
    });
    if (fileName === null) throw new StoreError('IO_FAILED');
    return prefix + fileName;
  }

  /** Names of files still arriving, and the folders they are in. */
  private reservedNames(journal: ResumeJournal<ReceivedFile>): Set<string> {
    const names = new Set<string>();
    for (const record of journal.records()) {
      for (const file of record.files.values()) {
        if (file.done) continue;
        names.add(file.name);
        names.add(file.name.split('/')[0] ?? '');
      }
    }
    return names;
  }

  private async partSize(name: string): Promise<number> {
    try {
      const segments = name.split('/');
      return await this.inFolder(segments.slice(0, -1), false, async (dir) => {
        const handle = await dir.getFileHandle(`${segments[segments.length - 1]}${PARTIAL_SUFFIX}`);
        return (await handle.getFile()).size;
      });
    } catch {
      return 0;
    }
  }

  private async removePart(name: string): Promise<void> {
    try {
      const segments = name.split('/');
      await this.inFolder(segments.slice(0, -1), false, (dir) =>
        dir.removeEntry(`${segments[segments.length - 1]}${PARTIAL_SUFFIX}`),
      );
    } catch {
      // Already gone.
    }
  }

  private async exists(dir: FileSystemDirectoryHandle, name: string): Promise<boolean> {
    try {
      await dir.getFileHandle(name);
      return true;
    } catch (error) {
      if (errorName(error) === 'TypeMismatchError') return true; // a folder of that name
      if (errorName(error) === 'NotFoundError') return false;
      throw error;
    }
  }

  /**
   * Runs `work` in a folder below the received folder (created with `create`). Folder handles are
   * cached; if `work` fails for want of a folder (the cached one was removed meanwhile) it runs
   * once more through fresh handles.
   */
  private async inFolder<T>(
    segments: readonly string[],
    create: boolean,
    work: (dir: FileSystemDirectoryHandle) => Promise<T>,
  ): Promise<T> {
    try {
      return await work(await this.folder(segments, create));
    } catch (error) {
      if (errorName(error) !== 'NotFoundError' || this.folders.size === 0) throw error;
      this.folders.clear();
      return work(await this.folder(segments, create));
    }
  }

  /**
   * A folder below the received folder, created if missing. Looking it up can fail through a
   * cached ancestor the page removed; `inFolder` then looks it up again through fresh handles.
   */
  private freshFolder(segments: readonly string[]): Promise<FileSystemDirectoryHandle> {
    return this.inFolder(segments, true, async (dir) => dir);
  }

  private folder(segments: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    const path = segments.join('/');
    const known = this.folders.get(path);
    if (known) return known;
    const found = (async () => {
      const parent =
        segments.length === 0
          ? (await this.root()).getDirectoryHandle(RECEIVED_DIR, { create: true })
          : this.folder(segments.slice(0, -1), create);
      return segments.length === 0
        ? parent
        : (await parent).getDirectoryHandle(segments[segments.length - 1] ?? '', { create });
    })();
    this.folders.set(path, found);
    // A lookup that failed (no such folder yet) must not stay cached.
    found.catch(() => this.folders.get(path) === found && this.folders.delete(path));
    return found;
  }

  private records(): Promise<ResumeJournal<ReceivedFile>> {
    this.journal ??= (async () => {
      const handle = (await (
        await this.root()
      ).getFileHandle(JOURNAL_FILE, {
        create: true,
      })) as WorkerFileHandle;
      return ResumeJournal.open(await journalFile(handle), receivedFileSchema);
    })();
    // Tried again on the next request if it could not be opened.
    this.journal.catch(() => (this.journal = null));
    return this.journal;
  }
}

/**
 * The journal's file through one synchronous access handle kept open by this worker: an append
 * costs microseconds. 'readwrite-unsafe' lets a second Ferry tab of this origin open it too
 * (browsers without that mode get the exclusive one); if no handle can be had, this tab keeps its
 * records in memory only (resume then lasts until it closes).
 */
async function journalFile(handle: WorkerFileHandle): Promise<JournalFile> {
  const access = await handle
    .createSyncAccessHandle({ mode: 'readwrite-unsafe' })
    .catch(() => handle.createSyncAccessHandle())
    .catch(() => null);
  if (!access) {
    let text = '';
    return {
      read: () => Promise.resolve(text),
      append: (more) => Promise.resolve(void (text += more)),
      replace: (all) => Promise.resolve(void (text = all)),
    };
  }
  const encoder = new TextEncoder();
  const writeAt = (text: string, at: number) => {
    const bytes = encoder.encode(text);
    for (let done = 0; done < bytes.byteLength;) {
      const wrote = access.write(bytes.subarray(done), { at: at + done });
      if (wrote === 0) throw new StoreError('IO_FAILED');
      done += wrote;
    }
    access.flush();
  };
  return {
    read: () => {
      const bytes = new Uint8Array(access.getSize());
      access.read(bytes, { at: 0 });
      return Promise.resolve(new TextDecoder().decode(bytes));
    },
    append: (text) => Promise.resolve().then(() => writeAt(text, access.getSize())),
    replace: (text) =>
      Promise.resolve().then(() => {
        access.truncate(0);
        writeAt(text, 0);
      }),
  };
}
