/**
 * The IPC contract between the Electron main process and the renderer, declared once.
 *
 * Each request channel names its argument schema (checked in main before use) and its reply, which
 * is always a `Result` envelope. The preload exposes one named function per channel on
 * `window.ferry` (see `FerryDesktopApi`); it never exposes a generic `send(channel, …)`.
 */
import { z } from 'zod';
import type { Result } from './result';
import { settingsPatchSchema, type Settings } from './settings';

export const appInfoSchema = z.object({
  appVersion: z.string(),
  platform: z.string(),
  /** The computer's name, offered as the default device name. */
  hostName: z.string(),
  /** The signaling service this app talks to (embedded one unless configured). */
  signalingUrl: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const ipcRequestSchemas = {
  'app:get-info': z.tuple([]),
  'settings:get': z.tuple([]),
  'settings:update': z.tuple([settingsPatchSchema]),
} as const;

export type IpcRequestChannel = keyof typeof ipcRequestSchemas;
export type IpcRequestArgs<C extends IpcRequestChannel> = z.infer<(typeof ipcRequestSchemas)[C]>;

export interface IpcReplies {
  'app:get-info': AppInfo;
  'settings:get': Settings;
  'settings:update': Settings;
}

export type IpcReply<C extends IpcRequestChannel> = Result<IpcReplies[C]>;

export const IPC_REQUEST_CHANNELS = Object.keys(ipcRequestSchemas) as IpcRequestChannel[];

/** What the preload exposes as `window.ferry`: one function per operation. */
export interface FerryDesktopApi {
  readonly getAppInfo: () => Promise<IpcReply<'app:get-info'>>;
  readonly getSettings: () => Promise<IpcReply<'settings:get'>>;
  readonly updateSettings: (...args: IpcRequestArgs<'settings:update'>) => Promise<IpcReply<'settings:update'>>;
}
