/**
 * Settings' "Choose…" beside the receive folder: the system's folder picker, opened by main (the
 * page cannot name a folder on disk itself). It starts at the current folder and may create one.
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

/** Resolves with the chosen folder's absolute path, or null when the person cancelled. */
export function createReceiveFolderChooser<W>(
  options: ReceiveFolderChooserOptions<W>,
): () => Promise<string | null> {
  let open: Promise<string | null> | null = null;
  const choose = async (): Promise<string | null> => {
    const strings = options.strings();
    const result = await options.dialog.showOpenDialog(options.window(), {
      title: strings.chooseReceiveFolderTitle,
      buttonLabel: strings.chooseReceiveFolderButton,
      defaultPath: options.current(),
      // createDirectory: macOS's picker gets a "New Folder" button (Windows and Linux have one).
      properties: ['openDirectory', 'createDirectory'],
    });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };
  return () => {
    // One picker at a time: a second click while it is open answers with the same choice.
    open ??= choose().finally(() => {
      open = null;
    });
    return open;
  };
}
