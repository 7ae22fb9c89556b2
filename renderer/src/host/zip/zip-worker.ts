/**
 * Dedicated worker that writes "Save all" zips, so reading and writing a folder's worth of bytes
 * never runs on the page's thread. In the browser client the zip goes into the origin private file
 * system through a synchronous access handle (which exists only in workers) and the page downloads
 * that disk-backed File: neither the files nor the zip are held in memory.
 */
import { writeZip, ZipTooLargeError } from './zip-stream';
import type { ZipReply, ZipRequestBody } from './zip-protocol';

interface WorkerScope {
  onmessage: ((event: MessageEvent<ZipRequestBody & { readonly id: number }>) => void) | null;
  postMessage(message: ZipReply): void;
}

interface SyncAccessHandle {
  write(buffer: Uint8Array, options: { at: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

interface ZipFileHandle extends FileSystemFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
}

const scope = self as unknown as WorkerScope;

/** Zips live here, each in a folder of its own so that two of the same name never collide. */
const ZIPS_DIR = 'zips';
/**
 * A zip is removed when a later one is made and it is older than this: long enough for its
 * download to have read it (a download from disk to disk), short enough not to keep copies.
 */
const KEEP_ZIPS_MS = 15 * 60 * 1000;

async function removeOldZips(zips: FileSystemDirectoryHandle): Promise<void> {
  const now = Date.now();
  const entries = (zips as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }).entries();
  const old: string[] = [];
  for await (const [name, handle] of entries) {
    if (handle.kind !== 'directory') continue;
    let newest = 0;
    const inner = (handle as unknown as { values(): AsyncIterable<FileSystemHandle> }).values();
    for await (const file of inner) {
      if (file.kind === 'file')
        newest = Math.max(newest, (await (file as FileSystemFileHandle).getFile()).lastModified);
    }
    if (now - newest > KEEP_ZIPS_MS) old.push(name);
  }
  for (const name of old) await zips.removeEntry(name, { recursive: true }).catch(() => undefined);
}

async function zipIntoOpfs(name: string, request: ZipRequestBody): Promise<Blob> {
  const root = await navigator.storage.getDirectory();
  const zips = await root.getDirectoryHandle(ZIPS_DIR, { create: true });
  await removeOldZips(zips);
  const folder = await zips.getDirectoryHandle(crypto.randomUUID(), { create: true });
  const handle = (await folder.getFileHandle(name, { create: true })) as ZipFileHandle;
  const access = await handle.createSyncAccessHandle();
  try {
    access.truncate(0);
    let at = 0;
    await writeZip(request.entries, (chunk) => {
      at += access.write(chunk, { at });
    });
    access.flush();
  } finally {
    access.close();
  }
  return handle.getFile();
}

async function zipIntoBlob(request: ZipRequestBody): Promise<Blob> {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  await writeZip(request.entries, (chunk) => parts.push(chunk as Uint8Array<ArrayBuffer>));
  return new Blob(parts, { type: 'application/zip' });
}

function codeOf(error: unknown): 'ZIP_TOO_LARGE' | 'DISK_FULL' | 'IO_FAILED' {
  if (error instanceof ZipTooLargeError) return 'ZIP_TOO_LARGE';
  if (error instanceof DOMException && error.name === 'QuotaExceededError') return 'DISK_FULL';
  return 'IO_FAILED';
}

scope.onmessage = (event) => {
  const request = event.data;
  const made = request.target === 'opfs' ? zipIntoOpfs(request.name, request) : zipIntoBlob(request);
  made.then(
    (zip) => scope.postMessage({ id: request.id, ok: true, zip }),
    (error: unknown) => scope.postMessage({ id: request.id, ok: false, code: codeOf(error) }),
  );
};
