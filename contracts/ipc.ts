/**
 * The IPC contract between the Electron main process and the renderer, declared once.
 *
 * Each request channel names its argument schema (checked in main before use) and its reply, which
 * is always a `Result` envelope. The preload exposes one named function per channel on
 * `window.ferry` (see `FerryDesktopApi`); it never exposes a generic `send(channel, …)`.
 */
import { z } from 'zod';
import { parseCode } from './pairing-code';
import { MAX_DEVICE_NAME_LENGTH } from './peer-protocol';
import { MAX_SOURCE_PATHS, type FerryFilesApi } from './file-ipc';
import type { LocalInfo, NearbyService } from './local-service';
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

/** A remembered device, as its settings id (`deviceId` of the other side). */
export const peerIdSchema = z.string().min(1).max(64);

/** What the tray shows: the renderer owns this state and sends it whenever it changes. */
export const trayStateSchema = z.strictObject({
  peers: z
    .array(
      z.strictObject({
        id: peerIdSchema,
        name: z.string().min(1).max(MAX_DEVICE_NAME_LENGTH),
        online: z.boolean(),
      }),
    )
    .max(64),
  /** The call in progress (ringing out, connecting or talking), if any. */
  call: z.strictObject({ peerId: peerIdSchema, muted: z.boolean() }).nullable(),
  /**
   * A call ringing here, not yet answered: the tray offers Accept and Decline, which matters where
   * notifications have no buttons (Linux).
   */
  ringing: z.strictObject({ peerId: peerIdSchema }).nullable(),
  /** A file transfer to this device is running. */
  receiving: z.boolean(),
});
export type TrayState = z.infer<typeof trayStateSchema>;

/** A system notification the renderer asks for; main shows it only when the user is not looking. */
export const notificationRequestSchema = z.strictObject({
  /** 'missed-call' is only told, never answered: it gets no Accept or Decline buttons. */
  kind: z.enum(['message', 'file-offer', 'call', 'missed-call']),
  /** Clicking the notification opens the chat with this device. */
  peerId: peerIdSchema,
  title: z.string().min(1).max(200),
  body: z.string().max(1000),
});
export type NotificationRequest = z.infer<typeof notificationRequestSchema>;

/**
 * What a notification was about is over (the call stopped ringing, the offer was answered): main
 * takes back the notification of that kind for that device, if it still shows, so no stale Accept
 * button is left behind.
 */
export const notificationWithdrawalSchema = notificationRequestSchema.pick({ kind: true, peerId: true });
export type NotificationWithdrawal = z.infer<typeof notificationWithdrawalSchema>;

export interface NotificationOutcome {
  /** False when the window was in front of the user (or the OS has no notifications). */
  readonly shown: boolean;
}

/**
 * Main → renderer: something the user asked for outside the window (tray menu, notification,
 * `ferry://` link) that the renderer carries out. Main parses every command before sending it;
 * the renderer may parse again with this schema.
 */
export const appCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('call'), peerId: peerIdSchema }),
  z.strictObject({ type: z.literal('accept-call') }),
  /** The Decline button of an incoming-call notification. */
  z.strictObject({ type: z.literal('decline-call') }),
  z.strictObject({ type: z.literal('hang-up') }),
  z.strictObject({ type: z.literal('toggle-mute') }),
  z.strictObject({ type: z.literal('open-chat'), peerId: peerIdSchema }),
  /**
   * Files (and, on macOS, folders) the person chose in main's file dialog for this device, as
   * absolute paths; the renderer offers them, read by path through the main-process file services.
   */
  z.strictObject({
    type: z.literal('send-paths'),
    peerId: peerIdSchema,
    paths: z.array(z.string().min(1).max(32_768)).min(1).max(MAX_SOURCE_PATHS),
  }),
  /** From a `ferry://pair/<code>` link; `code` is shown grouped (`K7M-Q2XW`). */
  z.strictObject({
    type: z.literal('pair'),
    code: z
      .string()
      .max(16)
      .refine((value) => parseCode(value).ok, 'not a pairing code'),
  }),
]);
export type AppCommand = z.infer<typeof appCommandSchema>;

/** The main → renderer event channel that carries an `AppCommand`. */
export const APP_COMMAND_CHANNEL = 'app:command';
export type AppCommandChannel = typeof APP_COMMAND_CHANNEL;

/** Main → renderer: the whole list of nearby Ferry devices, each time it changes. */
export const NEARBY_DEVICES_CHANNEL = 'nearby:changed';
export type NearbyDevicesChannel = typeof NEARBY_DEVICES_CHANNEL;

export const ipcRequestSchemas = {
  'app:get-info': z.tuple([]),
  /** This machine's join addresses (for the QR code) and the Ferry devices nearby. */
  'local:get-info': z.tuple([]),
  'settings:get': z.tuple([]),
  'settings:update': z.tuple([settingsPatchSchema]),
  /** Desktop: the system's folder picker for the receive folder (Settings' "Choose…"). */
  'settings:choose-receive-folder': z.tuple([]),
  'tray:set-state': z.tuple([trayStateSchema]),
  'notify:show': z.tuple([notificationRequestSchema]),
  'notify:withdraw': z.tuple([notificationWithdrawalSchema]),
  /**
   * The renderer now listens for commands (sent by the preload's first `onCommand`); main sends
   * what it held back since the page (re)loaded, e.g. the `ferry://` link Ferry was started with.
   */
  'commands:subscribe': z.tuple([]),
} as const;

export type IpcRequestChannel = keyof typeof ipcRequestSchemas;
export type IpcRequestArgs<C extends IpcRequestChannel> = z.infer<(typeof ipcRequestSchemas)[C]>;

export interface IpcReplies {
  'app:get-info': AppInfo;
  'local:get-info': LocalInfo;
  'settings:get': Settings;
  'settings:update': Settings;
  /** The chosen folder's absolute path; null when the person cancelled. Not saved until Save. */
  'settings:choose-receive-folder': string | null;
  'tray:set-state': null;
  'notify:show': NotificationOutcome;
  'notify:withdraw': null;
  'commands:subscribe': null;
}

export type IpcReply<C extends IpcRequestChannel> = Result<IpcReplies[C]>;

export const IPC_REQUEST_CHANNELS = Object.keys(ipcRequestSchemas) as IpcRequestChannel[];

/** What the preload exposes as `window.ferry`: one function per operation. */
export interface FerryDesktopApi {
  readonly getAppInfo: () => Promise<IpcReply<'app:get-info'>>;
  readonly getLocalInfo: () => Promise<IpcReply<'local:get-info'>>;
  readonly getSettings: () => Promise<IpcReply<'settings:get'>>;
  readonly updateSettings: (
    ...args: IpcRequestArgs<'settings:update'>
  ) => Promise<IpcReply<'settings:update'>>;
  readonly chooseReceiveFolder: () => Promise<IpcReply<'settings:choose-receive-folder'>>;
  readonly setTrayState: (...args: IpcRequestArgs<'tray:set-state'>) => Promise<IpcReply<'tray:set-state'>>;
  readonly showNotification: (...args: IpcRequestArgs<'notify:show'>) => Promise<IpcReply<'notify:show'>>;
  readonly withdrawNotification: (
    ...args: IpcRequestArgs<'notify:withdraw'>
  ) => Promise<IpcReply<'notify:withdraw'>>;
  /** Calls `handler` with each command from main until the returned function is called. */
  readonly onCommand: (handler: (command: AppCommand) => void) => () => void;
  /**
   * Calls `handler` with the nearby Ferry devices now (from `local:get-info`) and with the whole
   * list each time it changes, until the returned function is called.
   */
  readonly onNearbyDevices: (handler: (devices: NearbyService[]) => void) => () => void;
  /** The receive folder and files to send, by path (contracts/file-ipc.ts); absent until the preload wires it. */
  readonly files?: FerryFilesApi;
}
