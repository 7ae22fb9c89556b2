import { describe, expect, it } from 'vitest';
import { mainStringsFor } from './main-strings';
import {
  createTrayController,
  escapeMnemonics,
  type MenuTemplateItem,
  type TrayIcon,
  type TrayView,
} from './tray-controller';
import { EMPTY_TRAY_STATE, trayMenuModel, type TrayAction } from './tray-menu';

function fakeTray() {
  const calls: string[] = [];
  const clickListeners: (() => void)[] = [];
  let menu: MenuTemplateItem[] = [];
  const createTray = (iconPath: string): TrayIcon => {
    calls.push(`create ${iconPath}`);
    return {
      setContextMenu: (built) => {
        menu = built as MenuTemplateItem[];
        calls.push('menu');
      },
      setToolTip: (text) => void calls.push(`tooltip ${text}`),
      setImage: (iconPath) => void calls.push(`image ${iconPath}`),
      on: (_event, listener) => void clickListeners.push(listener),
      destroy: () => void calls.push('destroy'),
    };
  };
  const clickMenu = (label: string) => {
    const item = menu.find((entry) => entry.label === label);
    if (item?.click === undefined) throw new Error(`no menu item ${label}`);
    item.click();
  };
  return { createTray, calls, clickListeners, clickMenu, menu: () => menu };
}

const en = mainStringsFor('en', 'en-US');
const view = (overrides: Partial<TrayView> = {}): TrayView => ({
  iconPath: '/res/tray/idle.png',
  tooltip: 'Ferry',
  menu: trayMenuModel(EMPTY_TRAY_STATE, en),
  ...overrides,
});

function setup(options: { clickShowsWindow?: boolean; initialView?: TrayView; escape?: boolean } = {}) {
  const tray = fakeTray();
  const actions: TrayAction[] = [];
  const controller = createTrayController({
    createTray: tray.createTray,
    buildMenu: (template) => template,
    initialView: options.initialView ?? view(),
    onAction: (action) => actions.push(action),
    clickShowsWindow: options.clickShowsWindow ?? true,
    ...(options.escape ? { escapeLabel: escapeMnemonics } : {}),
  });
  return { tray, actions, controller };
}

describe('tray controller', () => {
  it('creates the tray with its icon, tooltip and menu', () => {
    const { tray } = setup();
    expect(tray.calls).toEqual(['create /res/tray/idle.png', 'tooltip Ferry', 'menu']);
    expect(tray.menu()).toEqual([
      { label: 'No paired devices yet', enabled: false },
      { type: 'separator' },
      { label: 'Show Ferry', enabled: true, click: expect.any(Function) },
      { label: 'Quit Ferry', enabled: true, click: expect.any(Function) },
    ]);
  });

  it('reports the chosen menu action', () => {
    const { tray, actions } = setup();
    tray.clickMenu('Show Ferry');
    tray.clickMenu('Quit Ferry');
    expect(actions).toEqual([{ type: 'show-window' }, { type: 'quit' }]);
  });

  it('shows the window on an icon click where the platform expects it, not on macOS', () => {
    const windows = setup({ clickShowsWindow: true });
    for (const listener of windows.tray.clickListeners) listener();
    expect(windows.actions).toEqual([{ type: 'show-window' }]);
    expect(setup({ clickShowsWindow: false }).tray.clickListeners).toEqual([]);
  });

  it('changes only what changed, and keeps an equal menu in place', () => {
    const { tray, controller } = setup();
    tray.calls.length = 0;
    controller.show(view());
    expect(tray.calls).toEqual([]);
    controller.show(view({ iconPath: '/res/tray/in-call.png' }));
    controller.show(
      view({
        iconPath: '/res/tray/in-call.png',
        menu: trayMenuModel(EMPTY_TRAY_STATE, mainStringsFor('zh-CN', 'en')),
      }),
    );
    expect(tray.calls).toEqual(['image /res/tray/in-call.png', 'menu']);
    expect(tray.menu()[0]?.label).toBe('还没有配对的设备');
  });

  it('reports commands from a device submenu, and escapes "&" in names where menus read it as a mnemonic', () => {
    const state = {
      peers: [{ id: 'p1', name: 'Tom & Jerry', online: true }],
      call: null,
      ringing: null,
      receiving: false,
    };
    const { tray, actions } = setup({ initialView: view({ menu: trayMenuModel(state, en) }), escape: true });
    const device = tray.menu()[0];
    expect(device?.label).toBe('Tom && Jerry');
    expect(device?.submenu?.map((item) => item.label)).toEqual([
      'Call Tom && Jerry',
      'Send files…',
      'Open chat',
    ]);
    device?.submenu?.[0]?.click?.();
    expect(actions).toEqual([{ type: 'command', command: { type: 'call', peerId: 'p1' } }]);
  });

  it('removes the icon on destroy', () => {
    const { tray, controller } = setup();
    controller.destroy();
    expect(tray.calls.at(-1)).toBe('destroy');
  });
});

describe('mainStringsFor', () => {
  it('follows the OS locale for "system" and the setting otherwise', () => {
    expect(mainStringsFor('system', 'zh-CN').quit).toBe('退出 Ferry');
    expect(mainStringsFor('system', 'de-DE').quit).toBe('Quit Ferry');
    expect(mainStringsFor('en', 'zh-TW').quit).toBe('Quit Ferry');
    expect(mainStringsFor('zh-CN', 'en-US').quit).toBe('退出 Ferry');
  });
});
