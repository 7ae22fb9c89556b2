/**
 * The tray's "Send files…" for one device: a native file dialog (several files; on macOS, whose
 * dialog can offer both, folders too), and the chosen paths go to the renderer as a `send-paths`
 * command, which offers them to that device, read by path through the file services
 * (services/files/send-sources.ts). The page cannot open a file picker itself: browsers and
 * Electron only allow one from a click inside the page.
 */
import type { AppCommand } from '../../../contracts/ipc';
import type { Logger } from './logger';
import type { MainStrings } from './main-strings';

type DialogProperty = 'openFile' | 'openDirectory' | 'multiSelections';

/** The part of Electron's `dialog` used here (`showOpenDialog(window, options)`). */
export interface OpenDialogLike<W> {
  showOpenDialog(
    window: W,
    options: { title: string; buttonLabel: string; properties: DialogProperty[] },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface SendFilesDialogOptions<W> {
  readonly dialog: OpenDialogLike<W>;
  /** The window the dialog belongs to (brought up first, so the dialog shows in front). */
  readonly window: () => W;
  readonly showWindow: () => void;
  readonly platform: NodeJS.Platform;
  readonly strings: () => Pick<MainStrings, 'sendFilesTitle' | 'sendFilesButton'>;
  /** The device's name as the tray shows it; undefined for a device the tray does not list. */
  readonly peerName: (peerId: string) => string | undefined;
  /** Sends a command to the renderer (the app's CommandDispatcher). */
  readonly dispatch: (command: AppCommand) => void;
  /** Lets the page have these paths read to send (files/path-grants.ts): the person chose them. */
  readonly grant: (paths: readonly string[]) => void;
  readonly logger: Logger;
}

export interface SendFilesDialog {
  /** Asks for files to send to `peerId`; resolves when the dialog is closed. */
  choose(peerId: string): Promise<void>;
}

/** Windows and Linux dialogs pick either files or folders; macOS's picks both. */
export function dialogProperties(platform: NodeJS.Platform): DialogProperty[] {
  return platform === 'darwin'
    ? ['openFile', 'openDirectory', 'multiSelections']
    : ['openFile', 'multiSelections'];
}

export function createSendFilesDialog<W>(options: SendFilesDialogOptions<W>): SendFilesDialog {
  let open = false;
  return {
    async choose(peerId) {
      const name = options.peerName(peerId);
      if (name === undefined) {
        options.logger.warn({ peerId }, 'send files: not a device the tray lists');
        return;
      }
      // One dialog at a time: a second click while it is open would stack another.
      if (open) return;
      open = true;
      try {
        options.showWindow();
        const strings = options.strings();
        const result = await options.dialog.showOpenDialog(options.window(), {
          title: strings.sendFilesTitle(name),
          buttonLabel: strings.sendFilesButton,
          properties: dialogProperties(options.platform),
        });
        if (result.canceled || result.filePaths.length === 0) return;
        // Granted before the page hears of them, so its open-sources finds them allowed.
        options.grant(result.filePaths);
        options.dispatch({ type: 'send-paths', peerId, paths: result.filePaths });
      } catch (error) {
        options.logger.error({ error }, 'send files: the file dialog failed');
      } finally {
        open = false;
      }
    },
  };
}
