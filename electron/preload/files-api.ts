/**
 * `window.ferry.files`: one named function per file channel (contracts/file-ipc.ts), on an injected
 * `invoke` so it can be tested without Electron. As in desktop-api.ts, only types come from the
 * contracts (the sandboxed preload cannot load zod); main checks every argument.
 */
import type {
  FerryFilesApi,
  FileGrantChannel,
  FileIpcArgs,
  FileIpcChannel,
  FileIpcReply,
} from '../../contracts/file-ipc';
import type { IpcRendererLike } from './desktop-api';

const FILE_GRANT_CHANNEL: FileGrantChannel = 'files:grant-picked';

/** Electron's `webUtils`: the path behind a dropped or picked File. */
export interface WebUtilsLike {
  getPathForFile(file: File): string;
}

export function createFerryFilesApi(
  ipc: Pick<IpcRendererLike, 'invoke'>,
  webUtils?: WebUtilsLike,
): FerryFilesApi {
  const invoke =
    <C extends FileIpcChannel>(channel: C) =>
    (...args: FileIpcArgs<C>) =>
      ipc.invoke(channel, ...args) as Promise<FileIpcReply<C>>;
  // Main reads to send only paths the person chose: each path learnt from a dropped or picked
  // File is granted to main first, and opening sources waits until those grants have arrived.
  const pendingGrants = new Set<Promise<unknown>>();
  const grant = (path: string): void => {
    const sent: Promise<unknown> = ipc
      .invoke(FILE_GRANT_CHANNEL, [path])
      .catch(() => undefined)
      .finally(() => pendingGrants.delete(sent));
    pendingGrants.add(sent);
  };
  const openSources = invoke('files:open-sources');
  return {
    receiveStatus: invoke('files:receive-status'),
    receiveBegin: invoke('files:receive-begin'),
    receiveWrite: invoke('files:receive-write'),
    receiveFinish: invoke('files:receive-finish'),
    receiveAbort: invoke('files:receive-abort'),
    receiveForget: invoke('files:receive-forget'),
    openSources: async (...args) => {
      await Promise.all(pendingGrants);
      return openSources(...args);
    },
    readSource: invoke('files:read-source'),
    closeSource: invoke('files:close-source'),
    keepSources: invoke('files:keep-sources'),
    reopenSources: invoke('files:reopen-sources'),
    dropSources: invoke('files:drop-sources'),
    open: invoke('files:open'),
    showInFolder: invoke('files:show-in-folder'),
    readReceived: invoke('files:read-received'),
    ...(webUtils
      ? {
          pathForFile: (file: File) => {
            const path = webUtils.getPathForFile(file);
            if (path !== '') grant(path);
            return path;
          },
        }
      : {}),
  };
}
