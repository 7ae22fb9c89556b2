/**
 * The file channels of contracts/file-ipc.ts on `ipcMain`, with the same checks as the app's other
 * channels (ipc-handlers.ts): a sender other than our window's page gets FORBIDDEN, arguments are
 * parsed with the channel's schema before use, and a service that throws answers INTERNAL.
 *
 * What a page running someone else's script could otherwise ask for is narrowed here: it reads
 * only files the person chose this session (path-grants.ts: main's dialog, or the preload's
 * FILE_GRANT_CHANNEL for drops and file inputs), and opens or shows only files Ferry received
 * (received-files.ts). Wired in electron/main/index.ts.
 */
import {
  FILE_GRANT_CHANNEL,
  FILE_IPC_CHANNELS,
  MAX_RECEIVED_READ_BYTES,
  fileGrantSchema,
  fileIpcRequestSchemas,
  type FileIpcArgs,
  type FileIpcChannel,
  type FileIpcReply,
} from '../../../../contracts/file-ipc';
import { err, ok, type Result } from '../../../../contracts/result';
import type { IpcMainLike } from '../ipc-handlers';
import type { Logger } from '../logger';
import type { IpcSenderInfo } from '../trusted-sender';
import type { MarkDownloaded } from './download-mark';
import type { KeptSources } from './kept-sources';
import type { PathGrants } from './path-grants';
import type { ReceiveFolder } from './receive-folder';
import type { ReceivedFiles } from './received-files';
import type { SendSources } from './send-sources';

export type FileServices = {
  readonly [C in FileIpcChannel]: (...args: FileIpcArgs<C>) => Promise<FileIpcReply<C>>;
};

/** What reading a received file for its thumbnail needs of `node:fs/promises`. */
export interface ReceivedReadFileSystem {
  stat(path: string): Promise<{ size: number; isFile(): boolean }>;
  readFile(path: string): Promise<Uint8Array>;
}

/** The part of Electron's `shell` used to open received files. */
export interface ShellLike {
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void;
}

export function createFileServices(deps: {
  readonly receiveFolder: ReceiveFolder;
  readonly sources: SendSources;
  /** The sources of unfinished outgoing transfers, kept across restarts (kept-sources.ts). */
  readonly kept: KeptSources;
  readonly shell: ShellLike;
  /** Gives each received file the OS's downloaded-file mark (download-mark.ts). */
  readonly markDownloaded: MarkDownloaded;
  /** Paths the person chose this session (dialog, drop, file input): the only ones sent. */
  readonly grants: PathGrants;
  /** Files Ferry saved: the only ones opened or shown in their folder. */
  readonly received: ReceivedFiles;
  readonly fs: ReceivedReadFileSystem;
}): FileServices {
  const { receiveFolder: folder, sources, kept, shell, markDownloaded, grants, received, fs } = deps;
  return {
    'files:receive-status': (key) => folder.status(key),
    'files:receive-begin': (request) => folder.begin(request),
    'files:receive-write': (fileId, offset, bytes) => folder.write(fileId, offset, bytes),
    'files:receive-finish': async (fileId, digest) => {
      const saved = await folder.finish(fileId, digest);
      // Before the renderer hears of it, so the file cannot be opened unmarked.
      if (saved.ok) {
        await markDownloaded(saved.value.location);
        await received.add(saved.value.location);
      }
      return saved;
    },
    'files:receive-abort': (fileId, keepPartial) => folder.abort(fileId, keepPartial),
    'files:receive-forget': (key, discard) => folder.forget(key, discard),
    'files:open-sources': async (paths) =>
      paths.every((path) => grants.allows(path)) ? sources.open(paths) : err('FORBIDDEN'),
    'files:read-source': (sourceId, index, offset, length) => sources.read(sourceId, index, offset, length),
    'files:close-source': (sourceId) => sources.close(sourceId),
    // A source main opened from granted paths, kept for a transfer: no path comes from the page.
    'files:keep-sources': (sourceId, key, deviceId) => kept.keep(sourceId, key, deviceId),
    'files:reopen-sources': (key) => kept.reopen(key),
    'files:drop-sources': (which) => kept.drop(which),
    'files:open': async (path) => {
      if (!received.has(path)) return err('FORBIDDEN');
      // openPath answers with an error text, empty on success.
      const failure = await shell.openPath(path);
      return failure === '' ? ok(null) : err('FILE_NOT_FOUND', failure.slice(0, 200));
    },
    'files:show-in-folder': async (path) => {
      if (!received.has(path)) return err('FORBIDDEN');
      shell.showItemInFolder(path);
      return ok(null);
    },
    'files:read-received': async (path) => {
      if (!received.has(path)) return err('FORBIDDEN');
      try {
        const stat = await fs.stat(path);
        if (!stat.isFile()) return err('FILE_NOT_FOUND');
        if (stat.size > MAX_RECEIVED_READ_BYTES) return err('PAYLOAD_TOO_LARGE');
        const bytes = await fs.readFile(path);
        // It may have grown since the stat (it is the person's file now).
        return bytes.byteLength > MAX_RECEIVED_READ_BYTES
          ? err('PAYLOAD_TOO_LARGE')
          : ok(new Uint8Array(bytes));
      } catch {
        return err('FILE_NOT_FOUND');
      }
    },
  };
}

export interface FileIpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  readonly isTrustedSender: (event: IpcSenderInfo) => boolean;
  readonly services: FileServices;
  /** Takes the paths of dropped or picked files (FILE_GRANT_CHANNEL, from the preload). */
  readonly grants: PathGrants;
  readonly logger: Logger;
}

/** Registers every file channel and the grant channel; returns a function that removes them again. */
export function registerFileIpcHandlers(options: FileIpcHandlerOptions): () => void {
  const { ipcMain, logger } = options;
  for (const channel of FILE_IPC_CHANNELS) {
    ipcMain.handle(channel, (event, ...args) => handle(options, channel, event, args));
  }
  ipcMain.handle(FILE_GRANT_CHANNEL, async (event, ...args): Promise<Result<null>> => {
    if (!options.isTrustedSender(event)) {
      logger.warn(
        { channel: FILE_GRANT_CHANNEL, url: event.senderFrame?.url },
        'IPC from an untrusted sender refused',
      );
      return err('FORBIDDEN');
    }
    const parsed = fileGrantSchema.safeParse(args);
    if (!parsed.success) return err('INVALID_PAYLOAD', parsed.error.issues[0]?.message);
    options.grants.grant(parsed.data[0]);
    return ok(null);
  });
  return () => {
    for (const channel of FILE_IPC_CHANNELS) ipcMain.removeHandler(channel);
    ipcMain.removeHandler(FILE_GRANT_CHANNEL);
  };
}

async function handle<C extends FileIpcChannel>(
  options: FileIpcHandlerOptions,
  channel: C,
  event: IpcSenderInfo,
  args: unknown[],
): Promise<FileIpcReply<C>> {
  const { logger } = options;
  if (!options.isTrustedSender(event)) {
    logger.warn({ channel, url: event.senderFrame?.url }, 'IPC from an untrusted sender refused');
    return err('FORBIDDEN');
  }
  const parsed = fileIpcRequestSchemas[channel].safeParse(args);
  if (!parsed.success) {
    logger.warn({ channel, issue: parsed.error.issues[0]?.message }, 'IPC arguments refused');
    return err('INVALID_PAYLOAD', parsed.error.issues[0]?.message);
  }
  // As in ipc-handlers.ts: the schema and service maps share the key; the parse makes the call safe.
  const service = options.services[channel] as (...args: unknown[]) => Promise<FileIpcReply<C>>;
  try {
    return await service(...(parsed.data as unknown[]));
  } catch (error) {
    logger.error({ channel, error }, 'file service failed');
    return err('INTERNAL');
  }
}
