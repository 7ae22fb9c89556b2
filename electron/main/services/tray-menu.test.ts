import { describe, expect, it } from 'vitest';
import type { AppCommand, TrayState } from '../../../contracts/ipc';
import { mainStringsFor } from './main-strings';
import { EMPTY_TRAY_STATE, trayIconState, trayMenuModel, trayTooltip, type TrayMenuItem } from './tray-menu';

const en = mainStringsFor('en', 'en-US');
const desk = { id: 'desk-id', name: 'Desk', online: true };
const phone = { id: 'phone-id', name: 'Phone', online: false };

/** The menu as lines a person would read: "label [disabled]", submenus indented. */
function outline(items: readonly TrayMenuItem[], indent = ''): string[] {
  return items.flatMap((item) => {
    switch (item.kind) {
      case 'separator':
        return [`${indent}---`];
      case 'label':
        return [`${indent}${item.label} [disabled]`];
      case 'submenu':
        return [`${indent}${item.label} >`, ...outline(item.items, `${indent}  `)];
      case 'action':
        return [`${indent}${item.label}${item.enabled ? '' : ' [disabled]'}`];
    }
  });
}

/** The action behind the item with this label, searching submenus too. */
function actionOf(items: readonly TrayMenuItem[], label: string): unknown {
  for (const item of items) {
    if (item.kind === 'action' && item.label === label) return item.action;
    if (item.kind === 'submenu') {
      const found = actionOf(item.items, label);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

describe('trayMenuModel', () => {
  it('offers Show and Quit, and says there are no devices yet', () => {
    expect(outline(trayMenuModel(EMPTY_TRAY_STATE, en))).toEqual([
      'No paired devices yet [disabled]',
      '---',
      'Show Ferry',
      'Quit Ferry',
    ]);
  });

  it('lists each device with Call / Send files… / Open chat, disabling what an offline device cannot do', () => {
    const menu = trayMenuModel({ peers: [desk, phone], call: null, ringing: null, receiving: false }, en);
    expect(outline(menu)).toEqual([
      'Desk >',
      '  Call Desk',
      '  Send files…',
      '  Open chat',
      'Phone (offline) >',
      '  Call Phone [disabled]',
      '  Send files… [disabled]',
      '  Open chat',
      '---',
      'Show Ferry',
      'Quit Ferry',
    ]);
    expect(actionOf(menu, 'Call Desk')).toEqual({
      type: 'command',
      command: { type: 'call', peerId: 'desk-id' },
    });
    // Main's own file dialog first; the renderer only gets the chosen paths.
    expect(actionOf(menu, 'Send files…')).toEqual({ type: 'send-files', peerId: 'desk-id' });
  });

  it.each([
    {
      what: 'Mute and Hang up first during a call',
      state: { peers: [desk], call: { peerId: 'desk-id', muted: false }, ringing: null, receiving: false },
      first: ['In a call with Desk [disabled]', 'Mute', 'Hang up'],
      actions: { Mute: { type: 'toggle-mute' }, 'Hang up': { type: 'hang-up' } },
    },
    {
      what: 'Accept and Decline first while a call rings here',
      state: { peers: [desk], call: null, ringing: { peerId: 'desk-id' }, receiving: false },
      first: ['Desk is calling [disabled]', 'Accept', 'Decline'],
      actions: { Accept: { type: 'accept-call' }, Decline: { type: 'decline-call' } },
    },
  ] satisfies { what: string; state: TrayState; first: string[]; actions: Record<string, AppCommand> }[])(
    'puts $what, and allows no second call',
    ({ state, first, actions }) => {
      const menu = trayMenuModel(state, en);
      expect(outline(menu).slice(0, 6)).toEqual([...first, '---', 'Desk >', '  Call Desk [disabled]']);
      for (const [label, command] of Object.entries(actions))
        expect(actionOf(menu, label)).toEqual({ type: 'command', command });
    },
  );

  it('says a call is ringing in Simplified Chinese too', () => {
    const state: TrayState = { peers: [desk], call: null, ringing: { peerId: 'desk-id' }, receiving: false };
    expect(outline(trayMenuModel(state, mainStringsFor('zh-CN', 'en'))).slice(0, 3)).toEqual([
      'Desk 正在呼叫你 [disabled]',
      '接听',
      '拒绝',
    ]);
  });

  it('offers Unmute while muted', () => {
    const menu = trayMenuModel(
      { peers: [desk], call: { peerId: 'desk-id', muted: true }, ringing: null, receiving: false },
      en,
    );
    expect(outline(menu)[1]).toBe('Unmute');
  });

  it('speaks Chinese when asked to', () => {
    const menu = trayMenuModel(
      { peers: [desk], call: null, ringing: null, receiving: false },
      mainStringsFor('zh-CN', 'en'),
    );
    expect(outline(menu)).toContain('  呼叫 Desk');
    expect(outline(menu).at(-1)).toBe('退出 Ferry');
  });
});

describe('trayIconState and trayTooltip', () => {
  it.each<[string, TrayState, string, string]>([
    ['nobody online', { peers: [phone], call: null, ringing: null, receiving: false }, 'idle', 'Ferry'],
    [
      'a device online',
      { peers: [desk, phone], call: null, ringing: null, receiving: false },
      'connected',
      'Ferry — 1 device online',
    ],
    [
      'files arriving',
      { peers: [desk], call: null, ringing: null, receiving: true },
      'receiving',
      'Ferry — receiving files',
    ],
    [
      'a call ringing here',
      { peers: [desk], call: null, ringing: { peerId: 'desk-id' }, receiving: false },
      'in-call',
      'Ferry — Desk is calling',
    ],
    [
      'a call, even while receiving',
      { peers: [desk], call: { peerId: 'desk-id', muted: false }, ringing: null, receiving: true },
      'in-call',
      'Ferry — in a call with Desk',
    ],
  ])('%s', (_case, state, icon, tooltip) => {
    expect(trayIconState(state)).toBe(icon);
    expect(trayTooltip(state, en)).toBe(tooltip);
  });
});
