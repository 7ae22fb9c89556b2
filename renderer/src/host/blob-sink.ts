/**
 * Receiving files in a browser page that has no private file system: a page served over plain
 * http from a LAN address (what a phone opens from the desktop's QR code) is not a secure context,
 * and browsers give such a page no OPFS, no File System Access API and no service worker
 * (docs/insecure-browser.md). What it does have is Blob: arriving bytes are gathered into Blob
 * parts of PART_BYTES, hashed as they arrive, and the finished file is one Blob made of the parts
 * (no copy), offered as a download through an object URL.
 *
 * Why Blob parts: the page hands each part to the browser's blob storage and keeps only a handle.
 * Chromium holds blob bytes outside the page's heap and pages them to disk beyond its in-memory
 * limit, so a large file never sits in the page's memory; only the part being gathered does.
 *
 * The limits: blob storage is bounded (Chromium: a share of the disk), received files live only as
 * long as the tab, and a transfer cannot resume after a reload. So the sink states a size limit
 * (`limitBytes`) that the transfer manager applies to each offer before anyone is asked, and the
 * offer card says it up front. Within one page session a transfer interrupted by a dropped
 * connection still resumes from the bytes held here.
 */
import type {
  ReceiveBegin,
  ReceiveKey,
  ReceiveOpened,
  ReceiveSaved,
  ReceiveStatus,
} from '../../../contracts/file-ipc';
import { pickFreeName, sanitizeRelativePath } from '../../../contracts/file-names';
import { resumeKeyOf } from '../../../contracts/resume-journal';
import { MAX_RESUME_OFFSETS } from '../../../contracts/transfer';
import { randomId } from '../engine/random-id';
import { FileDigest } from '../engine/transfer/file-digest';
import type { ReceiveSink } from '../engine/transfer/transfer-types';
import { HostError, type SavedFileActions } from './host';
import { zipFilesInWorker, type ZipFiles } from './zip/zip-files';

/**
 * The largest transfer this sink accepts: 1 GB (decimal, as the UI shows sizes). Chromium gives blob storage about a tenth of the
 * disk on desktops and 6 % on Android (storage/browser/blob/blob_memory_controller.cc), which a
 * phone with 16 GB still covers; a page cannot ask how much is left (StorageManager.estimate() is
 * for secure contexts only), so the limit is fixed and conservative rather than measured.
 */
export const BLOB_RECEIVE_LIMIT_BYTES = 1_000_000_000;

/**
 * Bytes gathered before they become one Blob part. 4 MiB keeps the page's own buffer small while a
 * 1 GB file is 239 parts (each part is a handle and an IPC round to the blob storage).
 */
export const PART_BYTES = 4 * 1024 * 1024;

interface HeldFile {
  readonly index: number;
  readonly size: number;
  /** Relative, '/'-separated, sanitized and unique among the files this page holds. */
  readonly name: string;
  readonly parts: Blob[];
  /** Bytes not yet in a part. */
  pending: Uint8Array<ArrayBuffer>;
  pendingLength: number;
  /** Bytes taken so far (in parts and pending). */
  written: number;
  readonly hash: FileDigest;
  /** The hash takes one update at a time, in order; writes may overlap (the engine keeps several in flight). */
  hashing: Promise<void>;
  done: boolean;
}

interface HeldTransfer {
  readonly files: Map<number, HeldFile>;
}

export interface BlobSinkOptions {
  readonly limitBytes?: number;
  readonly partBytes?: number;
  /** Makes "Save all" zips (a worker gathering Blob parts: there is no OPFS to write them to). */
  readonly zipFiles?: ZipFiles;
}

export function createBlobSink(options: BlobSinkOptions = {}): {
  readonly sink: ReceiveSink;
  readonly savedFiles: SavedFileActions;
} {
  const limitBytes = options.limitBytes ?? BLOB_RECEIVE_LIMIT_BYTES;
  const partBytes = options.partBytes ?? PART_BYTES;
  const zipFiles = options.zipFiles ?? zipFilesInWorker('blob');
  const transfers = new Map<string, HeldTransfer>();
  const open = new Map<string, { readonly key: string; readonly file: HeldFile }>();
  /** Finished files by location (their name), for downloads. */
  const saved = new Map<string, File>();
  /** Names given to files held or saved in this page, so two transfers never share one. */
  const taken = new Set<string>();

  const invalid = () => new HostError('INVALID_PAYLOAD');

  /** Turns what is pending into a Blob part; the page keeps only the handle. */
  const seal = (file: HeldFile) => {
    if (file.pendingLength === 0) return;
    file.parts.push(new Blob([file.pending.subarray(0, file.pendingLength)]));
    file.pendingLength = 0;
  };

  const drop = (file: HeldFile) => {
    file.parts.length = 0;
    file.pendingLength = 0;
    if (!file.done) taken.delete(file.name);
  };

  const sink: ReceiveSink = {
    limitBytes,
    status: async (key: ReceiveKey): Promise<ReceiveStatus> => {
      const files = transfers.get(resumeKeyOf(key))?.files;
      if (!files) return { completedBelow: 0, offsets: [] };
      let completedBelow = 0;
      while (files.get(completedBelow)?.done) completedBelow++;
      const offsets = [...files.values()]
        .filter((file) => !file.done && file.index >= completedBelow && file.written > 0)
        .sort((a, b) => a.index - b.index)
        .slice(0, MAX_RESUME_OFFSETS)
        .map((file) => ({ index: file.index, offset: file.written }));
      return { completedBelow, offsets };
    },

    begin: async (request: ReceiveBegin): Promise<ReceiveOpened> => {
      if (request.size > limitBytes) throw new HostError('DISK_FULL');
      const key = resumeKeyOf(request);
      const transfer = transfers.get(key) ?? { files: new Map<number, HeldFile>() };
      transfers.set(key, transfer);
      let file = transfer.files.get(request.index);
      if (file?.done) throw invalid();
      for (const [fileId, entry] of open) if (entry.file === file) open.delete(fileId);
      if (!file || file.size !== request.size) {
        if (file) drop(file);
        const wanted = sanitizeRelativePath(request.path).join('/');
        const name = await pickFreeName(wanted, (candidate) => taken.has(candidate));
        if (name === null) throw new HostError('IO_FAILED');
        taken.add(name);
        file = {
          index: request.index,
          size: request.size,
          name,
          parts: [],
          pending: new Uint8Array(0),
          pendingLength: 0,
          written: 0,
          hash: new FileDigest(),
          hashing: Promise.resolve(),
          done: false,
        };
        transfer.files.set(request.index, file);
      }
      const fileId = randomId(16);
      open.set(fileId, { key, file });
      return { fileId, offset: file.written, name: file.name };
    },

    write: async (fileId, offset, bytes) => {
      const file = open.get(fileId)?.file;
      if (!file || offset !== file.written || offset + bytes.byteLength > file.size) throw invalid();
      // Copied into the part being gathered at once; hashed in order, before this resolves.
      for (let taken = 0; taken < bytes.byteLength;) {
        if (file.pending.byteLength === 0) file.pending = new Uint8Array(Math.min(partBytes, file.size));
        const take = Math.min(file.pending.byteLength - file.pendingLength, bytes.byteLength - taken);
        file.pending.set(bytes.subarray(taken, taken + take), file.pendingLength);
        file.pendingLength += take;
        taken += take;
        if (file.pendingLength === file.pending.byteLength) seal(file);
      }
      file.written += bytes.byteLength;
      const hashed = file.hashing.then(() => file.hash.update(bytes));
      file.hashing = hashed.catch(() => undefined);
      await hashed;
    },

    finish: async (fileId, digest): Promise<ReceiveSaved> => {
      const entry = open.get(fileId);
      if (!entry || entry.file.written !== entry.file.size) throw invalid();
      open.delete(fileId);
      const { file } = entry;
      seal(file);
      await file.hashing;
      if ((await file.hash.digestHex()) !== digest) {
        drop(file);
        transfers.get(entry.key)?.files.delete(file.index);
        throw new HostError('DIGEST_MISMATCH');
      }
      const baseName = file.name.split('/').pop() ?? file.name;
      // One Blob over the parts: the browser references them, nothing is copied.
      saved.set(file.name, new File(file.parts, baseName));
      file.done = true;
      file.parts.length = 0;
      file.pending = new Uint8Array(0);
      return { name: file.name, location: file.name };
    },

    abort: async (fileId, keepPartial) => {
      const entry = open.get(fileId);
      if (!entry) return;
      open.delete(fileId);
      // Kept: a later connection in this page continues from here (the digest covers what was taken).
      seal(entry.file);
      if (keepPartial) return;
      drop(entry.file);
      transfers.get(entry.key)?.files.delete(entry.file.index);
    },

    // Finished files stay downloadable. Parts of unfinished ones are let go even when partials are
    // to be kept: nothing resumes a transfer once it is forgotten, and nobody else could use them.
    forget: async (key) => {
      const resumeKey = resumeKeyOf(key);
      for (const [fileId, entry] of open) if (entry.key === resumeKey) open.delete(fileId);
      const transfer = transfers.get(resumeKey);
      transfers.delete(resumeKey);
      if (!transfer) return;
      for (const file of transfer.files.values()) if (!file.done) drop(file);
    },
  };

  const savedFile = async (location: string): Promise<File> => {
    const file = saved.get(location);
    if (!file) throw new HostError('NOT_FOUND');
    return file;
  };
  const savedFiles: SavedFileActions = {
    downloadUrl: async (location) => URL.createObjectURL(await savedFile(location)),
    file: savedFile,
    zipUrl: async (zipName, files) => {
      const entries = await Promise.all(
        files.map(async ({ path, location }) => ({ path, file: await savedFile(location) })),
      );
      return URL.createObjectURL(await zipFiles(zipName, entries));
    },
  };

  return { sink, savedFiles };
}
