/**
 * The transfer engine's sink and file sources on top of the main-process file services
 * (`window.ferry.files`, contracts/file-ipc.ts): each call's result envelope becomes a value or a
 * HostError with the envelope's code (DISK_FULL, PERMISSION_DENIED, DIGEST_MISMATCH, …).
 *
 * End-to-end tests give a browser page the same functions (`window.ferryTestFiles`), backed by
 * the same services in the test process; see web-host.ts.
 */
import type { FerryFilesApi, OpenedSources } from '../../../contracts/file-ipc';
import type { Result } from '../../../contracts/result';
import type { KeptSources, OutgoingFiles, ReceiveSink } from '../engine/transfer/transfer-types';
import { HostError, type SavedFileActions } from './host';

export type ReceiveFilesApi = Pick<
  FerryFilesApi,
  'receiveStatus' | 'receiveBegin' | 'receiveWrite' | 'receiveFinish' | 'receiveAbort' | 'receiveForget'
>;

async function unwrap<T>(reply: Promise<Result<T>>): Promise<T> {
  const result = await reply;
  if (!result.ok) throw new HostError(result.error.code, result.error.message);
  return result.value;
}

export function filesApiSink(api: ReceiveFilesApi): ReceiveSink {
  return {
    status: (key) => unwrap(api.receiveStatus(key)),
    begin: (request) => unwrap(api.receiveBegin(request)),
    write: async (fileId, offset, bytes) => {
      await unwrap(api.receiveWrite(fileId, offset, bytes));
    },
    finish: (fileId, digest) => unwrap(api.receiveFinish(fileId, digest)),
    abort: async (fileId, keepPartial) => {
      await unwrap(api.receiveAbort(fileId, keepPartial));
    },
    forget: async (key, discardPartials) => {
      await unwrap(api.receiveForget(key, discardPartials));
    },
  };
}

export function filesApiSavedActions(
  api: Pick<FerryFilesApi, 'open' | 'showInFolder' | 'readReceived'>,
): SavedFileActions {
  return {
    // Only for a thumbnail: main hands over received files of a photo's size, nothing larger.
    file: async (location) =>
      new Blob([(await unwrap(api.readReceived(location))) as Uint8Array<ArrayBuffer>]),
    open: async (location) => {
      await unwrap(api.open(location));
    },
    showInFolder: async (location) => {
      await unwrap(api.showInFolder(location));
    },
  };
}

type SendFilesApi = Pick<FerryFilesApi, 'openSources' | 'readSource' | 'closeSource'> &
  Partial<Pick<FerryFilesApi, 'keepSources'>>;

/** An opened source in main, read by index; kept across restarts on request where main can. */
function sourceFiles(api: SendFilesApi, opened: OpenedSources): OutgoingFiles {
  const keepSources = api.keepSources;
  return {
    files: opened.files.map((file) => ({
      path: file.path,
      size: file.size,
      read: (offset: number, length: number) =>
        unwrap(api.readSource(opened.sourceId, file.index, offset, length)),
    })),
    close: () => void api.closeSource(opened.sourceId),
    // Best effort: if main cannot keep them, a restart asks for the files again.
    ...(keepSources
      ? {
          keep: (key: string, deviceId: string) =>
            void keepSources(opened.sourceId, key, deviceId).catch(() => undefined),
        }
      : {}),
  };
}

/** Files and folders by absolute path, opened and read in main. */
export function filesApiReadPaths(api: SendFilesApi): (paths: readonly string[]) => Promise<OutgoingFiles> {
  return async (paths) => sourceFiles(api, await unwrap(api.openSources([...paths])));
}

/**
 * The desktop's kept sources (main's kept-sources.ts) for the transfer manager: after a restart
 * main opens an unfinished outgoing transfer's files again itself, once checked unchanged.
 */
export function filesApiKeptSources(
  api: SendFilesApi & Pick<FerryFilesApi, 'reopenSources' | 'dropSources'>,
): KeptSources {
  return {
    reopen: async (key) => {
      const reopened = await unwrap(api.reopenSources(key));
      return reopened.kind === 'opened' ? { kind: 'opened', source: sourceFiles(api, reopened) } : reopened;
    },
    drop: (which) => void api.dropSources(which).catch(() => undefined),
  };
}

/** Files with a path on disk, read in main; null if any of them has none (made in the page). */
export function filesApiReadByPath(
  api: SendFilesApi & Pick<FerryFilesApi, 'pathForFile'>,
): (files: readonly File[]) => Promise<OutgoingFiles | null> {
  const readPaths = filesApiReadPaths(api);
  return async (files) => {
    const pathForFile = api.pathForFile;
    if (!pathForFile || files.length === 0) return null;
    const paths = files.map((file) => pathForFile(file));
    if (paths.some((path) => path === '')) return null;
    return readPaths(paths);
  };
}
