/**
 * The renderer's only way to reach the machine it runs on.
 *
 * In the desktop app the host is backed by `window.ferry` (preload → typed IPC → main-process
 * services); in a plain browser by web APIs (localStorage, and later the File System Access API).
 * The UI and the P2P engine take a `Host` and never look at which one it is, except for features
 * only one of them has (`kind`).
 */
import type {
  AppCommand,
  AppInfo,
  NotificationOutcome,
  NotificationRequest,
  NotificationWithdrawal,
  TrayState,
} from '../../../contracts/ipc';
import type { LocalInfo, NearbyService } from '../../../contracts/local-service';
import type { Settings, SettingsPatch } from '../../../contracts/settings';
import type { KeptSources, OutgoingFiles, ReceiveSink } from '../engine/transfer/transfer-types';

export interface Host {
  readonly kind: 'desktop' | 'web';
  getAppInfo(): Promise<AppInfo>;
  /**
   * This machine's join addresses (what the QR code names, so that another device can open it)
   * and the Ferry devices nearby. Null where the page was not served by a Ferry desktop (a
   * standalone internet service): the page's own address is then the one to share.
   */
  getLocalInfo(): Promise<LocalInfo | null>;
  getSettings(): Promise<Settings>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
  /** Where received files are written (see engine/transfer); absent where this host cannot save files. */
  readonly receive?: ReceiveSink;
  /** What can be done with a file `receive` saved, by the `location` it reported. */
  readonly savedFiles?: SavedFileActions;
  /**
   * Desktop: files from a drop or a picker, read by path in the main process (faster, and whole
   * folders). Null when the files have no path on disk; then the browser's File objects are read.
   */
  readonly readByPath?: (files: readonly File[]) => Promise<OutgoingFiles | null>;
  /**
   * Desktop: files and folders by absolute path (chosen in main's file dialog from the tray), read
   * in the main process. Rejects with a HostError when they cannot be opened.
   */
  readonly readPaths?: (paths: readonly string[]) => Promise<OutgoingFiles>;
  /**
   * Desktop: main keeps the files of unfinished outgoing transfers readable across a restart and
   * opens them again itself (checked unchanged), so a sender restart needs no new pick. Absent in
   * a browser: its File objects end with the page, and the person picks the files again.
   */
  readonly keptSources?: KeptSources;
  /**
   * Desktop: the system's folder picker for the receive folder; null when cancelled. Absent where
   * the host has no folders to choose from (the browser asks per transfer).
   */
  readonly chooseReceiveFolder?: () => Promise<string | null>;
  /** Desktop: what the tray icon and menu show; absent where there is no tray. */
  readonly setTrayState?: (state: TrayState) => Promise<void>;
  /**
   * A system notification (message, file offer, incoming call). The host shows it only when the
   * person is not looking at Ferry; `shown` says whether it did.
   */
  readonly showNotification?: (request: NotificationRequest) => Promise<NotificationOutcome>;
  /**
   * Browser: whether notifications are allowed, and asking for them (only ever from a click of
   * the person's). Absent on the desktop, which needs no permission, and where there are none.
   */
  readonly notificationPermission?: NotificationPermissionAsk;
  /** Takes back the notification of that kind for that device, once what it announced is over. */
  readonly withdrawNotification?: (withdrawal: NotificationWithdrawal) => Promise<void>;
  /**
   * What the person asked for outside the page (tray menu, a notification, a `ferry://` link), for
   * the renderer to carry out. Returns a function that stops listening.
   */
  readonly onCommand?: (handler: (command: AppCommand) => void) => () => void;
  /**
   * Nearby Ferry devices found by this machine's DNS-SD discovery: `handler` gets the whole list
   * now and after each change. Absent where nothing discovers (a browser away from a Ferry host).
   * Returns a function that stops listening.
   */
  readonly watchNearby?: (handler: (devices: readonly NearbyService[]) => void) => () => void;
}

export interface NotificationPermissionAsk {
  state(): NotificationPermission;
  request(): Promise<NotificationPermission>;
}

/** Each is present only where the host can do it. */
export interface SavedFileActions {
  /** Opens the file with its default app (desktop). */
  readonly open?: (location: string) => Promise<void>;
  /** Shows the file in the system's file manager (desktop). */
  readonly showInFolder?: (location: string) => Promise<void>;
  /** A URL to download the file from (web: the file lives in the origin's private storage). */
  readonly downloadUrl?: (location: string) => Promise<string>;
  /** The saved file itself (web), for a thumbnail made off the page's thread. */
  readonly file?: (location: string) => Promise<Blob>;
  /**
   * A URL to download one zip of saved files from (web: a received folder's "Save all"), written
   * in a worker as the files are read. Rejects with `ZIP_TOO_LARGE` beyond what one zip holds.
   */
  readonly zipUrl?: (zipName: string, files: readonly SavedEntry[]) => Promise<string>;
}

/** A saved file as it goes into a zip: its path there, and where it was saved. */
export interface SavedEntry {
  readonly path: string;
  readonly location: string;
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
