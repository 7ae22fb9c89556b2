/**
 * The IPC contract of the main-process file services (receive folder, reading files to send),
 * declared once like contracts/ipc.ts and registered by `registerFileIpcHandlers`
 * (electron/main/services/files/file-ipc.ts).
 *
 * It is a channel map of its own so that it can be wired into main and the preload independently
 * of the app's other channels; the preload exposes it as `window.ferry.files` (`FerryFilesApi`).
 * End-to-end tests expose the same functions to a browser page (`window.ferryTestFiles`, see
 * renderer/src/host/web-host.ts) so that the real disk path is exercised without Electron.
 */
import { z } from 'zod';
import type { Result } from './result';
import { MAX_TRANSFER_PATH_LENGTH, fileDigestSchema, transferIdSchema, type ResumeOffset } from './transfer';

/** One read or write carries at most this many bytes (a transfer chunk is 256 KiB). */
export const MAX_FILE_IO_BYTES = 1024 * 1024;
/**
 * The largest received file `files:read-received` hands to the page: enough for a photo's
 * thumbnail (the renderer makes thumbnails of nothing larger, see card-model.ts).
 */
export const MAX_RECEIVED_READ_BYTES = 20 * 1000 * 1000;
/** Paths dropped or picked at once. */
export const MAX_SOURCE_PATHS = 10_000;

const deviceIdSchema = z.string().min(1).max(64);
const handleIdSchema = z.string().regex(/^[0-9a-f]{16,64}$/);
const byteCount = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** A path main saved a file to, or the user dropped; checked against what main allows before use. */
const localPathSchema = z.string().min(1).max(32_768);
const bytesSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, 'expected bytes')
  .refine((bytes) => bytes.byteLength <= MAX_FILE_IO_BYTES, 'too large');

/** A transfer as the receive folder knows it: resume is keyed by who sent it and its id. */
export const receiveKeySchema = z.strictObject({ senderId: deviceIdSchema, transferId: transferIdSchema });
export type ReceiveKey = z.infer<typeof receiveKeySchema>;

export const receiveBeginSchema = z.strictObject({
  senderId: deviceIdSchema,
  transferId: transferIdSchema,
  index: z.number().int().nonnegative(),
  /** As the peer sent it: untrusted, sanitized by main. */
  path: z.string().min(1).max(MAX_TRANSFER_PATH_LENGTH),
  size: byteCount,
});
export type ReceiveBegin = z.infer<typeof receiveBeginSchema>;

/** What is on disk for a transfer, in the shape a `transfer:accept` needs. */
export interface ReceiveStatus {
  /** Files below this index are saved and verified. */
  readonly completedBelow: number;
  /** Bytes kept in `.part` files of later files. */
  readonly offsets: readonly ResumeOffset[];
}

export interface ReceiveOpened {
  /** Names the open `.part` file in later calls. */
  readonly fileId: string;
  /** Bytes already on disk (resume); the next write starts here. */
  readonly offset: number;
  /** Where it will land, relative to the receive folder, '/'-separated (sanitized, clash-named). */
  readonly name: string;
}

export interface ReceiveSaved {
  /** Final name relative to the receive folder, '/'-separated; may differ from `ReceiveOpened.name` after a late clash. */
  readonly name: string;
  /** Absolute path on this computer, for open / show in folder. */
  readonly location: string;
}

export interface SourceFile {
  readonly index: number;
  /** Relative, '/'-separated: a dropped folder's name is the first segment. */
  readonly path: string;
  readonly size: number;
}

export interface OpenedSources {
  readonly sourceId: string;
  readonly files: readonly SourceFile[];
}

/** `TransferView.key` of an outgoing transfer (`out:<device>:<id>`): what kept sources are filed under. */
const transferKeySchema = z.string().min(1).max(400);

/**
 * After a restart of the desktop app: the files of an unfinished outgoing transfer opened again by
 * main from what it kept (kept-sources.ts), or why not. `changed`: a file is no longer the one
 * offered (size or modification time), the transfer cannot go on (FILE_CHANGED); `none`: nothing
 * kept for it, or a file is gone — the person picks the files again, as in a browser.
 */
export type ReopenedSources =
  | ({ readonly kind: 'opened' } & OpenedSources)
  | { readonly kind: 'changed'; readonly path: string }
  | { readonly kind: 'none' };

export const fileIpcRequestSchemas = {
  'files:receive-status': z.tuple([receiveKeySchema]),
  'files:receive-begin': z.tuple([receiveBeginSchema]),
  /** Appends `bytes` at `offset`, which must be exactly what is on disk so far. */
  'files:receive-write': z.tuple([handleIdSchema, byteCount, bytesSchema]),
  /** Compares the digest of what was written (FILE_DIGEST_BLOCK_BYTES) with the sender's, then renames `.part` away. */
  'files:receive-finish': z.tuple([handleIdSchema, fileDigestSchema]),
  /** Closes an open file; `keepPartial` keeps the `.part` for resume. */
  'files:receive-abort': z.tuple([handleIdSchema, z.boolean()]),
  /** The transfer is over: forget its resume records and, with `discardPartials`, delete its `.part` files. */
  'files:receive-forget': z.tuple([receiveKeySchema, z.boolean()]),
  /** Files and folders by path (dropped from the OS) → a manifest to send. */
  'files:open-sources': z.tuple([z.array(localPathSchema).min(1).max(MAX_SOURCE_PATHS)]),
  'files:read-source': z.tuple([
    handleIdSchema,
    z.number().int().nonnegative(),
    byteCount,
    z.number().int().min(0).max(MAX_FILE_IO_BYTES),
  ]),
  'files:close-source': z.tuple([handleIdSchema]),
  /**
   * Keep an opened source readable for this outgoing transfer across restarts of the app, until it
   * is dropped. Only a source main opened from paths the person chose: the page adds no path.
   */
  'files:keep-sources': z.tuple([handleIdSchema, transferKeySchema, z.string().min(1).max(256)]),
  /** Opens what was kept for a transfer again, once checked unchanged (`ReopenedSources`). */
  'files:reopen-sources': z.tuple([transferKeySchema]),
  /** The transfer ended, was cancelled, or its device was forgotten: what was kept for it goes. */
  'files:drop-sources': z.tuple([
    z.union([
      z.strictObject({ key: transferKeySchema }),
      z.strictObject({ deviceId: z.string().min(1).max(256) }),
    ]),
  ]),
  /** Opens a received file with its default app; only inside the receive folder. */
  'files:open': z.tuple([localPathSchema]),
  'files:show-in-folder': z.tuple([localPathSchema]),
  /**
   * The bytes of a file Ferry received (up to MAX_RECEIVED_READ_BYTES), for a thumbnail the
   * renderer makes in a worker; only files Ferry saved, like `files:open`.
   */
  'files:read-received': z.tuple([localPathSchema]),
} as const;

export type FileIpcChannel = keyof typeof fileIpcRequestSchemas;
export type FileIpcArgs<C extends FileIpcChannel> = z.infer<(typeof fileIpcRequestSchemas)[C]>;

export interface FileIpcReplies {
  'files:receive-status': ReceiveStatus;
  'files:receive-begin': ReceiveOpened;
  'files:receive-write': { readonly written: number };
  'files:receive-finish': ReceiveSaved;
  'files:receive-abort': null;
  'files:receive-forget': null;
  'files:open-sources': OpenedSources;
  'files:read-source': Uint8Array;
  'files:close-source': null;
  'files:keep-sources': null;
  'files:reopen-sources': ReopenedSources;
  'files:drop-sources': null;
  'files:open': null;
  'files:show-in-folder': null;
  'files:read-received': Uint8Array;
}

export type FileIpcReply<C extends FileIpcChannel> = Result<FileIpcReplies[C]>;

export const FILE_IPC_CHANNELS = Object.keys(fileIpcRequestSchemas) as FileIpcChannel[];

type FileCall<C extends FileIpcChannel> = (...args: FileIpcArgs<C>) => Promise<FileIpcReply<C>>;

/** `window.ferry.files`: one function per file channel. */
export interface FerryFilesApi {
  readonly receiveStatus: FileCall<'files:receive-status'>;
  readonly receiveBegin: FileCall<'files:receive-begin'>;
  readonly receiveWrite: FileCall<'files:receive-write'>;
  readonly receiveFinish: FileCall<'files:receive-finish'>;
  readonly receiveAbort: FileCall<'files:receive-abort'>;
  readonly receiveForget: FileCall<'files:receive-forget'>;
  readonly openSources: FileCall<'files:open-sources'>;
  readonly readSource: FileCall<'files:read-source'>;
  readonly closeSource: FileCall<'files:close-source'>;
  readonly keepSources: FileCall<'files:keep-sources'>;
  readonly reopenSources: FileCall<'files:reopen-sources'>;
  readonly dropSources: FileCall<'files:drop-sources'>;
  readonly open: FileCall<'files:open'>;
  readonly showInFolder: FileCall<'files:show-in-folder'>;
  readonly readReceived: FileCall<'files:read-received'>;
  /**
   * The path of a File from a drop or a file input (Electron's `webUtils.getPathForFile`, in the
   * preload; no IPC). Empty when the file has no path (made in the page).
   */
  readonly pathForFile?: (file: File) => string;
}

/**
 * Preload → main: the paths behind Files the person dropped or picked in the window, as
 * `pathForFile` learns them. `files:open-sources` reads nothing else (besides what main's own
 * dialog returned), so a page cannot name a path of its choosing. Deliberately not a function on
 * `FerryFilesApi`: the page reaches it only through `pathForFile`, which only sees the path of a
 * File the OS handed over.
 */
export const FILE_GRANT_CHANNEL = 'files:grant-picked';
export type FileGrantChannel = typeof FILE_GRANT_CHANNEL;
export const fileGrantSchema = z.tuple([z.array(localPathSchema).min(1).max(MAX_SOURCE_PATHS)]);

/** Which function of `FerryFilesApi` serves each channel (the preload and tests build on it). */
export const FILE_IPC_FUNCTIONS = {
  'files:receive-status': 'receiveStatus',
  'files:receive-begin': 'receiveBegin',
  'files:receive-write': 'receiveWrite',
  'files:receive-finish': 'receiveFinish',
  'files:receive-abort': 'receiveAbort',
  'files:receive-forget': 'receiveForget',
  'files:open-sources': 'openSources',
  'files:read-source': 'readSource',
  'files:close-source': 'closeSource',
  'files:keep-sources': 'keepSources',
  'files:reopen-sources': 'reopenSources',
  'files:drop-sources': 'dropSources',
  'files:open': 'open',
  'files:show-in-folder': 'showInFolder',
  'files:read-received': 'readReceived',
} as const satisfies Record<FileIpcChannel, keyof FerryFilesApi>;
