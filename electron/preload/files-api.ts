/**
 * `window.ferry.files`: one named function per file channel (contracts/file-ipc.ts), on an injected
 * `invoke` so it can be tested without Electron. As in desktop-api.ts, only types come from the
 * contracts (the sandboxed preload cannot load zod); main checks every argument.
 */
import type { FerryFilesApi, FileIpcArgs, FileIpcChannel, FileIpcReply } from '../../contracts/file-ipc';
import type { IpcRendererLike } from './desktop-api';

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
  return {
    receiveStatus: invoke('files:receive-status'),
    receiveBegin: invoke('files:receive-begin'),
    receiveWrite: invoke('files:receive-write'),
    receiveFinish: invoke('files:receive-finish'),
    receiveAbort: invoke('files:receive-abort'),
    receiveForget: invoke('files:receive-forget'),
    openSources: invoke('files:open-sources'),
    readSource: invoke('files:read-source'),
    closeSource: invoke('files:close-source'),
    open: invoke('files:open'),
    showInFolder: invoke('files:show-in-folder'),
    ...(webUtils ? { pathForFile: (file: File) => webUtils.getPathForFile(file) } : {}),
  };
}
