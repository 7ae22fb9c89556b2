/**
 * The main window's life beside the tray: closing it only hides it, so calls and transfers keep
 * running (the renderer owns them), until the app is really quitting.
 */

/** The parts of Electron's `BrowserWindow` used here. */
export interface ControlledWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): void;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isVisible(): boolean;
  isFocused(): boolean;
  isDestroyed(): boolean;
}

export interface WindowController {
  /** Brings the window up and to the front: tray "Show Ferry", a second launch, a notification click. */
  showAndFocus(): void;
  hide(): void;
  /** Hidden, minimized, or behind another app's window: the user is not looking at Ferry. */
  isUserAway(): boolean;
}

export interface WindowControllerOptions {
  readonly window: ControlledWindow;
  /** True once a real quit began (tray Quit, app menu, OS shutdown). */
  readonly isQuitting: () => boolean;
}

export function createWindowController({ window, isQuitting }: WindowControllerOptions): WindowController {
  window.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  return {
    showAndFocus() {
      if (window.isDestroyed()) return;
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    hide() {
      if (!window.isDestroyed()) window.hide();
    },
    isUserAway() {
      if (window.isDestroyed()) return true;
      return !window.isVisible() || window.isMinimized() || !window.isFocused();
    },
  };
}
