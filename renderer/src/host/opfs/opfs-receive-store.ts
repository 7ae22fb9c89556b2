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
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
  move(newName: string): Promise<void>;
};

/** Failures carry a code from the result allow-list, like the desktop services' envelopes. */
export class StoreError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const transferRecordSchema = z.object({
  /** A dropped folder's name as sent → the name it got here. */
  roots: z.record(z.string(), z.string()),
  /** By file index: path relative to the received folder, '/'-separated, without `.part`. */
  files: z.record(z.string(), z.object({ name: z.string(), done: z.boolean() })),
});
type TransferRecord = z.infer<typeof transferRecordSchema>;
const registrySchema = z.record(z.string(), transferRecordSchema);

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
const REGISTRY_FILE = 'ferry-resume.json';
const READ_BACK_CHUNK = 1024 * 1024;

const transferKeyOf = (key: ReceiveKey) => JSON.stringify([key.senderId, key.transferId]);

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
  private registry: Record<string, TransferRecord> | null = null;
  private readonly open = new Map<string, OpenFile>();

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
    const record = (await this.records())[transferKeyOf(key)];
    if (!record) return { completedBelow: 0, offsets: [] };
    let completedBelow = 0;
    while (record.files[String(completedBelow)]?.done) completedBelow++;
    const offsets: { index: number; offset: number }[] = [];
    for (const [indexText, file] of Object.entries(record.files)) {
      const index = Number(indexText);
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
    const registry = await this.records();
    const key = transferKeyOf(request);
    const record: TransferRecord = registry[key] ?? { roots: {}, files: {} };
    registry[key] = record;
    const known = record.files[String(request.index)];
    if (known?.done) throw new StoreError('INVALID_PAYLOAD');
    let name = known?.name;
    if (name === undefined) {
      name = await this.newName(request.path, record);
      record.files[String(request.index)] = { name, done: false };
      await this.saveRecords();
    }
    const segments = name.split('/');
    const dir = await this.directory(segments.slice(0, -1), true);
    const handle = (await dir.getFileHandle(`${segments[segments.length - 1]}${PARTIAL_SUFFIX}`, {
      create: true,
    })) as WorkerFileHandle;
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
    const registry = await this.records();
    const record = registry[file.key];
    const segments = file.name.split('/');
    const dir = await this.directory(segments.slice(0, -1), true);
    const partName = `${segments[segments.length - 1]}${PARTIAL_SUFFIX}`;
    if ((await file.hash.digestHex()) !== digest) {
      await dir.removeEntry(partName).catch(() => undefined);
      if (record) delete record.files[String(file.index)];
      await this.saveRecords();
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
    if (record) record.files[String(file.index)] = { name, done: true };
    await this.saveRecords();
    return { name, location: name };
  }

  async abort(fileId: string, keepPartial: boolean): Promise<void> {
    const file = this.open.get(fileId);
    if (!file) return;
    this.open.delete(fileId);
    file.access.close();
    if (keepPartial) return;
    await this.removePart(file.name);
    const record = (await this.records())[file.key];
    if (record) delete record.files[String(file.index)];
    await this.saveRecords();
  }

  async forget(key: ReceiveKey, discardPartials: boolean): Promise<void> {
    const transferKey = transferKeyOf(key);
    for (const [fileId, file] of this.open) {
      if (file.key === transferKey) {
        this.open.delete(fileId);
        file.access.close();
      }
    }
    const registry = await this.records();
    const record = registry[transferKey];
    if (record && discardPartials) {
      for (const file of Object.values(record.files)) if (!file.done) await this.removePart(file.name);
    }
    delete registry[transferKey];
    await this.saveRecords();
  }

  /** A saved file, for a download link (disk-backed: reading it does not load it into memory). */
  async file(location: string): Promise<File> {
    const segments = sanitizeRelativePath(location);
    const dir = await this.directory(segments.slice(0, -1), false);
    const handle = await dir.getFileHandle(segments[segments.length - 1] ?? '');
    return handle.getFile();
  }

  private async newName(untrustedPath: string, record: TransferRecord): Promise<string> {
    const segments = sanitizeRelativePath(untrustedPath);
    const reserved = this.reservedNames();
    const received = await this.directory([], true);
    if (segments.length > 1) {
      const root = segments[0] ?? '';
      let mapped = record.roots[root];
      if (mapped === undefined) {
        const free = await pickFreeName(
          root,
          async (candidate) => reserved.has(candidate) || (await this.exists(received, candidate)),
        );
        if (free === null) throw new StoreError('IO_FAILED');
        mapped = free;
        record.roots[root] = mapped;
      }
      segments[0] = mapped;
    }
    const dirSegments = segments.slice(0, -1);
    const dir = await this.directory(dirSegments, true);
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
  private reservedNames(): Set<string> {
    const names = new Set<string>();
    for (const record of Object.values(this.registry ?? {})) {
      for (const file of Object.values(record.files)) {
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
      const dir = await this.directory(segments.slice(0, -1), false);
      const handle = await dir.getFileHandle(`${segments[segments.length - 1]}${PARTIAL_SUFFIX}`);
      return (await handle.getFile()).size;
    } catch {
      return 0;
    }
  }

  private async removePart(name: string): Promise<void> {
    try {
      const segments = name.split('/');
      const dir = await this.directory(segments.slice(0, -1), false);
      await dir.removeEntry(`${segments[segments.length - 1]}${PARTIAL_SUFFIX}`);
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

  private async directory(segments: readonly string[], create: boolean): Promise<FileSystemDirectoryHandle> {
    let dir = await (await this.root()).getDirectoryHandle(RECEIVED_DIR, { create: true });
    for (const segment of segments) dir = await dir.getDirectoryHandle(segment, { create });
    return dir;
  }

  private async records(): Promise<Record<string, TransferRecord>> {
    if (this.registry) return this.registry;
    try {
      const handle = await (await this.root()).getFileHandle(REGISTRY_FILE);
      const parsed = registrySchema.safeParse(JSON.parse(await (await handle.getFile()).text()));
      // Unreadable records only cost resume; the stored files stay where they are.
      this.registry = parsed.success ? parsed.data : {};
    } catch {
      this.registry = {};
    }
    return this.registry;
  }

  private async saveRecords(): Promise<void> {
    const handle = await (await this.root()).getFileHandle(REGISTRY_FILE, { create: true });
    const writable = await handle.createWritable();
    await writable.write(JSON.stringify(this.registry ?? {}));
    await writable.close();
  }
}
