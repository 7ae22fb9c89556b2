import { describe, expect, it } from 'vitest';
import { createWindowController, type ControlledWindow } from './window-controller';

/** A window that keeps its visible/focused/minimized state like a real one would. */
function fakeWindow() {
  const state = { visible: true, focused: true, minimized: false, destroyed: false };
  const closeListeners: Parameters<ControlledWindow['on']>[1][] = [];
  const window: ControlledWindow = {
    on: (_event, listener) => void closeListeners.push(listener),
    show: () => void (state.visible = true),
    hide: () => {
      state.visible = false;
      state.focused = false;
    },
    focus: () => void (state.focused = true),
    restore: () => void (state.minimized = false),
    isMinimized: () => state.minimized,
    isVisible: () => state.visible,
    isFocused: () => state.focused,
    isDestroyed: () => state.destroyed,
  };
  /** Simulates the user clicking the close button; true when the window would really close. */
  const close = (): boolean => {
    let prevented = false;
    for (const listener of closeListeners) listener({ preventDefault: () => (prevented = true) });
    return !prevented;
  };
  return { window, state, close };
}

describe('window controller', () => {
  it('hides instead of closing while the app keeps running', () => {
    const { window, state, close } = fakeWindow();
    createWindowController({ window, isQuitting: () => false });
    expect(close()).toBe(false);
    expect(state.visible).toBe(false);
  });

  it('lets the window close during a real quit', () => {
    const { window, state, close } = fakeWindow();
    createWindowController({ window, isQuitting: () => true });
    expect(close()).toBe(true);
    expect(state.visible).toBe(true);
  });

  it('shows, restores and focuses a hidden or minimized window', () => {
    const { window, state } = fakeWindow();
    const controller = createWindowController({ window, isQuitting: () => false });
    controller.hide();
    expect(controller.isUserAway()).toBe(true);
    controller.showAndFocus();
    expect(state).toMatchObject({ visible: true, focused: true });
    state.minimized = true;
    controller.showAndFocus();
    expect(state.minimized).toBe(false);
    expect(controller.isUserAway()).toBe(false);
  });

  it('counts a visible window behind another app as away', () => {
    const { window, state } = fakeWindow();
    const controller = createWindowController({ window, isQuitting: () => false });
    state.focused = false;
    expect(controller.isUserAway()).toBe(true);
  });

  it('does nothing to a destroyed window', () => {
    const { window, state } = fakeWindow();
    const controller = createWindowController({ window, isQuitting: () => false });
    state.destroyed = true;
    state.visible = false;
    controller.showAndFocus();
    expect(state.visible).toBe(false);
    expect(controller.isUserAway()).toBe(true);
  });
});
