/** Creates the one app window with the hardened web preferences, and loads our page into it. */
import { BrowserWindow } from 'electron';
import type { AppPage } from '../services/app-page';
import type { Logger } from '../services/logger';

export interface MainWindowOptions {
  readonly appPage: AppPage;
  readonly preloadPath: string;
  /** Window icon on Linux and Windows (macOS takes the app bundle's icon). */
  readonly iconPath: string;
  /** Start in the tray, e.g. when launched at login with "start hidden" on. */
  readonly startHidden: boolean;
  readonly logger: Logger;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 960,
    height: 680,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: 'Ferry',
    icon: options.iconPath,
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      // A middle click on a link would open it in a new window past setWindowOpenHandler's reach
      // in older Electrons; no part of Ferry needs auxclick.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      // Calls and transfers run in the renderer and must keep going while the window is hidden.
      backgroundThrottling: false,
      spellcheck: false,
    },
  });
  // Shown once painted, to avoid a white flash; never shown at all when starting hidden.
  if (!options.startHidden) window.once('ready-to-show', () => window.show());
  const { target } = options.appPage;
  const loading = window.loadURL(target.url);
  loading.catch((error: unknown) => options.logger.error({ error, target }, 'the app page did not load'));
  return window;
}
