/**
 * Owns the tray icon: builds its menu from the menu model, swaps menu and icon when the state
 * changes, and reports which action the user chose. Electron's Tray and Menu are injected.
 */
import type { TrayAction, TrayMenuItem } from './tray-menu';

/** A menu template item as Electron's `Menu.buildFromTemplate` takes it. */
export interface MenuTemplateItem {
  readonly label?: string;
  readonly type?: 'normal' | 'separator' | 'submenu';
  readonly enabled?: boolean;
  readonly click?: () => void;
  readonly submenu?: MenuTemplateItem[];
}

/** The parts of Electron's `Tray` used here. */
export interface TrayIcon {
  setContextMenu(menu: unknown): void;
  setToolTip(text: string): void;
  setImage(iconPath: string): void;
  on(event: 'click', listener: () => void): void;
  destroy(): void;
}

export interface TrayView {
  readonly iconPath: string;
  readonly tooltip: string;
  readonly menu: readonly TrayMenuItem[];
}

export interface TrayControllerOptions {
  readonly createTray: (iconPath: string) => TrayIcon;
  readonly buildMenu: (template: MenuTemplateItem[]) => unknown;
  readonly initialView: TrayView;
  readonly onAction: (action: TrayAction) => void;
  /**
   * A plain click on the icon shows the window on Windows and Linux, as users there expect; on
   * macOS a click opens the menu instead.
   */
  readonly clickShowsWindow: boolean;
  /**
   * Windows and Linux menus read `&` as a keyboard-mnemonic marker; device names are chosen by
   * other people and must show as typed, so there each `&` is doubled (see `escapeMnemonics`).
   */
  readonly escapeLabel?: (label: string) => string;
}

export interface TrayController {
  show(view: TrayView): void;
  destroy(): void;
}

export const escapeMnemonics = (label: string): string => label.replaceAll('&', '&&');

export function toMenuTemplate(
  items: readonly TrayMenuItem[],
  onAction: (action: TrayAction) => void,
  escapeLabel: (label: string) => string = (label) => label,
): MenuTemplateItem[] {
  return items.map((item): MenuTemplateItem => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: escapeLabel(item.label), enabled: false };
      case 'submenu':
        return {
          type: 'submenu',
          label: escapeLabel(item.label),
          submenu: toMenuTemplate(item.items, onAction, escapeLabel),
        };
      case 'action':
        return { label: escapeLabel(item.label), enabled: item.enabled, click: () => onAction(item.action) };
    }
  });
}

export function createTrayController(options: TrayControllerOptions): TrayController {
  const initial = options.initialView;
  const tray = options.createTray(initial.iconPath);
  // What the tray shows now. The menu is compared by content: the model is rebuilt on every state
  // change, and replacing an open context menu closes it on some Linux desktops.
  let shown = { iconPath: initial.iconPath, tooltip: '', menuKey: '' };
  const show = (view: TrayView): void => {
    const menuKey = JSON.stringify(view.menu);
    if (view.iconPath !== shown.iconPath) tray.setImage(view.iconPath);
    if (view.tooltip !== shown.tooltip) tray.setToolTip(view.tooltip);
    if (menuKey !== shown.menuKey)
      tray.setContextMenu(
        options.buildMenu(toMenuTemplate(view.menu, options.onAction, options.escapeLabel)),
      );
    shown = { iconPath: view.iconPath, tooltip: view.tooltip, menuKey };
  };
  if (options.clickShowsWindow) tray.on('click', () => options.onAction({ type: 'show-window' }));
  show(initial);
  return { show, destroy: () => tray.destroy() };
}
