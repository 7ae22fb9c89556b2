import { describe, expect, it } from 'vitest';
import type { AppCommand, FerryDesktopApi } from '../../../contracts/ipc';
import { ok } from '../../../contracts/result';
import { createDesktopHost } from './desktop-host';
import { webNotifications, type WebNotifier } from './web-notifications';

function fakeDesktopApi() {
  const handlers = new Set<(command: AppCommand) => void>();
  const trayStates: unknown[] = [];
  const withdrawn: unknown[] = [];
  const api = {
    getAppInfo: async () => ok({ appVersion: '1', platform: 'linux', hostName: 'h', signalingUrl: '' }),
    getSettings: async () => ok({}),
    updateSettings: async () => ok({}),
    setTrayState: async (state: unknown) => {
      trayStates.push(state);
      return ok(null);
    },
    showNotification: async () => ok({ shown: true }),
    withdrawNotification: async (withdrawal: unknown) => {
      withdrawn.push(withdrawal);
      return ok(null);
    },
    onCommand: (handler: (command: AppCommand) => void) => {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  } as unknown as FerryDesktopApi;
  // What main would send, including something it never should.
  const send = (command: unknown) => handlers.forEach((handler) => handler(command as AppCommand));
  return { api, send, trayStates, handlers, withdrawn };
}

describe('the desktop host’s tray, notifications and commands', () => {
  it('passes the tray state and notifications to window.ferry', async () => {
    const { api, trayStates, withdrawn } = fakeDesktopApi();
    const host = createDesktopHost(api);
    const state = { peers: [], call: null, ringing: null, receiving: false };
    await host.setTrayState?.(state);
    expect(trayStates).toEqual([state]);
    expect(await host.showNotification?.({ kind: 'message', peerId: 'p', title: 't', body: 'b' })).toEqual({
      shown: true,
    });
    await host.withdrawNotification?.({ kind: 'call', peerId: 'p' });
    expect(withdrawn).toEqual([{ kind: 'call', peerId: 'p' }]);
  });

  it('hands well-formed commands to the handler, drops malformed ones, and unsubscribes', () => {
    const { api, send, handlers } = fakeDesktopApi();
    const received: AppCommand[] = [];
    const stop = createDesktopHost(api).onCommand?.((command) => received.push(command));
    send({ type: 'call', peerId: 'peer-1' });
    send({ type: 'call' });
    send({ type: 'pair', code: 'not a code!' });
    send({ type: 'format-disk' });
    expect(received).toEqual([{ type: 'call', peerId: 'peer-1' }]);
    stop?.();
    expect(handlers.size).toBe(0);
  });
});

describe('browser notifications', () => {
  function fakeNotifier(hidden: boolean, permitted: boolean) {
    const shown: { title: string; tag: string; click: () => void; closed: boolean }[] = [];
    const notifier: WebNotifier = {
      pageHidden: () => hidden,
      permitted: () => permitted,
      show: (title, options, onClick) => {
        const entry = { title, tag: options.tag, click: onClick, closed: false };
        shown.push(entry);
        return () => {
          entry.closed = true;
        };
      },
    };
    return { notifier, shown };
  }

  it('shows one only when the tab is out of sight and allowed; a click opens the conversation', async () => {
    const hidden = fakeNotifier(true, true);
    const features = webNotifications(hidden.notifier);
    const commands: AppCommand[] = [];
    features.onCommand?.((command) => commands.push(command));
    const request = { kind: 'call', peerId: 'bob', title: 'Incoming call', body: 'Bob is calling' } as const;
    expect(await features.showNotification?.(request)).toEqual({ shown: true });
    expect(hidden.shown).toMatchObject([{ title: 'Incoming call', tag: 'call:bob' }]);
    hidden.shown[0]?.click();
    expect(commands).toEqual([{ type: 'open-chat', peerId: 'bob' }]);

    for (const [isHidden, permitted] of [
      [false, true],
      [true, false],
    ] as const) {
      const other = fakeNotifier(isHidden, permitted);
      expect(await webNotifications(other.notifier).showNotification?.(request)).toEqual({ shown: false });
      expect(other.shown).toEqual([]);
    }
  });

  it('closes a call notification when the call stopped ringing, and leaves the others', async () => {
    const hidden = fakeNotifier(true, true);
    const features = webNotifications(hidden.notifier);
    await features.showNotification?.({ kind: 'call', peerId: 'bob', title: 'Incoming call', body: '' });
    await features.showNotification?.({ kind: 'message', peerId: 'bob', title: 'Bob', body: 'hi' });
    await features.withdrawNotification?.({ kind: 'call', peerId: 'bob' });
    await features.withdrawNotification?.({ kind: 'call', peerId: 'bob' });
    expect(hidden.shown.map((entry) => [entry.tag, entry.closed])).toEqual([
      ['call:bob', true],
      ['message:bob', false],
    ]);
  });
});
