/**
 * Settings' "Choose…" beside the receive folder: the system's folder picker, opened by main (the
 * page cannot name a folder on disk itself). It starts at the current folder and may create one.
 *
 * It is also the only way to a new receive folder: `settings:update` saves a receive folder only
 * when this picker returned it this session (or it is the current one, or empty for the default).
 * Otherwise a page running someone else's script could point received files at, say, the
 * Startup folder or ~/.config/autostart, where the OS runs what lands.
 */
import type { MainStrings } from './main-strings';

/** The part of Electron's `dialog` used here (`showOpenDialog(window, options)`). */
export interface FolderDialogLike<W> {
  showOpenDialog(
    window: W,
    options: {
      title: string;
      buttonLabel: string;
      defaultPath: string;
      properties: ('openDirectory' | 'createDirectory')[];
    },
  ): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface ReceiveFolderChooserOptions<W> {
  readonly dialog: FolderDialogLike<W>;
  /** The window the dialog belongs to. */
  readonly window: () => W;
  /** The folder received files go to now. */
  readonly current: () => string;
  readonly strings: () => Pick<MainStrings, 'chooseReceiveFolderTitle' | 'chooseReceiveFolderButton'>;
}

export interface ReceiveFolderChooser {
  /** Resolves with the chosen folder's absolute path, or null when the person cancelled. */
  choose(): Promise<string | null>;
  /**
   * May settings save this receive folder? Empty (the default folder), the current folder, or one
   * the person chose in this picker since the app started.
   */
  mayUse(folder: string): boolean;
}

export function createReceiveFolderChooser<W>(options: ReceiveFolderChooserOptions<W>): ReceiveFolderChooser {
  let open: Promise<string | null> | null = null;
  const chosen = new Set<string>();
  const choose = async (): Promise<string | null> => {
    const strings = options.strings();
    const result = await options.dialog.showOpenDialog(options.window(), {
      title: strings.chooseReceiveFolderTitle,
      buttonLabel: strings.chooseReceiveFolderButton,
      defaultPath: options.current(),
      // createDirectory: macOS's picker gets a "New Folder" button (Windows and Linux have one).
      properties: ['openDirectory', 'createDirectory'],
    });
    const folder = result.canceled ? null : (result.filePaths[0] ?? null);
    if (folder !== null) chosen.add(folder);
    return folder;
  };
  return {
    choose() {
      // One picker at a time: a second click while it is open answers with the same choice.
      open ??= choose().finally(() => {
        open = null;
      });
      return open;
    },
    mayUse: (folder) => folder === '' || folder === options.current() || chosen.has(folder),
  };
}
