/** The host inside the desktop app: every call goes to the main process through `window.ferry`. */
import type { FerryDesktopApi } from '../../../contracts/ipc';
import type { Result } from '../../../contracts/result';
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
    getSettings: () => unwrap(api.getSettings()),
    updateSettings: (patch) => unwrap(api.updateSettings(patch)),
  };
}
