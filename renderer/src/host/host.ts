/**
 * The renderer's only way to reach the machine it runs on.
 *
 * In the desktop app the host is backed by `window.ferry` (preload → typed IPC → main-process
 * services); in a plain browser by web APIs (localStorage, and later the File System Access API).
 * The UI and the P2P engine take a `Host` and never look at which one it is, except for features
 * only one of them has (`kind`).
 */
import type { AppInfo } from '../../../contracts/ipc';
import type { Settings, SettingsPatch } from '../../../contracts/settings';

export interface Host {
  readonly kind: 'desktop' | 'web';
  getAppInfo(): Promise<AppInfo>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
}

/** A host call failed; `code` comes from the result envelope's allow-list. */
export class HostError extends Error {
  constructor(
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'HostError';
  }
}
