/** The host inside the desktop app: every call goes to the main process through `window.ferry`. */
import { appCommandSchema, type FerryDesktopApi } from '../../../contracts/ipc';
import { localInfoSchema } from '../../../contracts/local-service';
import type { Result } from '../../../contracts/result';
import {
  filesApiReadByPath,
  filesApiKeptSources,
  filesApiReadPaths,
  filesApiSavedActions,
  filesApiSink,
} from './files-api-sink';
import { HostError, type Host } from './host';

async function unwrap<T>(reply: Promise<Result<T>>): Promise<T> {
  const result = await reply;
  if (!result.ok) throw new HostError(result.error.code, result.error.message);
  return result.value;
}

export function createDesktopHost(api: FerryDesktopApi): Host {
  return {
    kind: 'desktop',
    getAppInfo: () => unwrap(api.getAppInfo()),
    getLocalInfo: () => unwrap(api.getLocalInfo()),
    getSettings: () => unwrap(api.getSettings()),
    updateSettings: (patch) => unwrap(api.updateSettings(patch)),
    chooseReceiveFolder: () => unwrap(api.chooseReceiveFolder()),
    setTrayState: async (state) => {
      await unwrap(api.setTrayState(state));
    },
    showNotification: (request) => unwrap(api.showNotification(request)),
    withdrawNotification: async (withdrawal) => {
      await unwrap(api.withdrawNotification(withdrawal));
    },
    // Main parses every command before sending it; parsing again costs little and keeps the
    // renderer safe from a preload that changed under it.
    onCommand: (handler) =>
      api.onCommand((command) => {
        const parsed = appCommandSchema.safeParse(command);
        if (parsed.success) handler(parsed.data);
      }),
    // Main builds the list from parsed records; parsed again for the same reason as commands.
    ...(typeof api.onNearbyDevices === 'function'
      ? {
          watchNearby: (handler) =>
            api.onNearbyDevices((devices) => {
              const parsed = localInfoSchema.shape.nearby.safeParse(devices);
              if (parsed.success) handler(parsed.data);
            }),
        }
      : {}),
    // File transfers, once the preload exposes the main-process file services.
    ...(api.files
      ? {
          receive: filesApiSink(api.files),
          savedFiles: filesApiSavedActions(api.files),
          readByPath: filesApiReadByPath(api.files),
          readPaths: filesApiReadPaths(api.files),
          // A preload from before kept sources has no reopenSources: the files are picked again.
          ...(typeof api.files.reopenSources === 'function'
            ? { keptSources: filesApiKeptSources(api.files) }
            : {}),
        }
      : {}),
  };
}
