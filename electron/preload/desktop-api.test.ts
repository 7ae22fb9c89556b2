import { describe, expect, it } from 'vitest';
import { IPC_REQUEST_CHANNELS, type AppCommand } from '../../contracts/ipc';
import type { NearbyService } from '../../contracts/local-service';
import { createFerryDesktopApi, type IpcRendererLike } from './desktop-api';

type Listener = (event: unknown, payload: never) => void;

function fakeIpcRenderer(replies: Record<string, unknown> = {}) {
  const invoked: unknown[][] = [];
  const listeners = new Set<Listener>();
  const nearbyListeners = new Set<Listener>();
  const on = (channel: string) => (channel === 'nearby:changed' ? nearbyListeners : listeners);
  const ipc: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, ...args]);
      return { ok: true, value: channel in replies ? replies[channel] : `reply to ${channel}` };
    },
    on: (channel: string, listener: Listener) => void on(channel).add(listener),
    removeListener: (channel: string, listener: Listener) => void on(channel).delete(listener),
  };
  const emit = (command: AppCommand) => {
    for (const listener of listeners)
      (listener as (event: unknown, command: AppCommand) => void)({ sender: 'electron internals' }, command);
  };
  const emitNearby = (devices: NearbyService[]) => {
    for (const listener of nearbyListeners)
      (listener as (event: unknown, devices: NearbyService[]) => void)(
        { sender: 'electron internals' },
        devices,
      );
  };
  return { ipc, invoked, listeners, nearbyListeners, emit, emitNearby };
}

const trayState = {
  peers: [{ id: 'peer-1', name: 'Desk', online: true }],
  call: null,
  ringing: null,
  receiving: false,
};
const notification = { kind: 'message', peerId: 'peer-1', title: 'Desk', body: 'hi' } as const;

describe('window.ferry', () => {
  it('maps each function to its channel with its arguments, and hands back the reply', async () => {
    const { ipc, invoked } = fakeIpcRenderer();
    const api = createFerryDesktopApi(ipc);
    expect(await api.getAppInfo()).toEqual({ ok: true, value: 'reply to app:get-info' });
    await api.getSettings();
    await api.updateSettings({ deviceName: 'Desk' });
    await api.setTrayState(trayState);
    await api.showNotification(notification);
    await api.withdrawNotification({ kind: 'call', peerId: 'peer-1' });
    expect(invoked).toEqual([
      ['app:get-info'],
      ['settings:get'],
      ['settings:update', { deviceName: 'Desk' }],
      ['tray:set-state', trayState],
      ['notify:show', notification],
      ['notify:withdraw', { kind: 'call', peerId: 'peer-1' }],
    ]);
  });

  it('covers every request channel of the contract, and exposes only functions', async () => {
    const { ipc, invoked } = fakeIpcRenderer();
    const api = createFerryDesktopApi(ipc);
    await api.getAppInfo();
    await api.getLocalInfo();
    await api.getSettings();
    await api.updateSettings({});
    await api.chooseReceiveFolder();
    await api.setTrayState(trayState);
    await api.showNotification(notification);
    await api.withdrawNotification({ kind: 'message', peerId: 'peer-1' });
    api.onCommand(() => undefined);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(new Set(invoked.map(([channel]) => channel))).toEqual(new Set(IPC_REQUEST_CHANNELS));
  });

  it('delivers commands without the Electron event, tells main once that it listens, and unsubscribes', () => {
    const { ipc, invoked, listeners, emit } = fakeIpcRenderer();
    const api = createFerryDesktopApi(ipc);
    const first: unknown[][] = [];
    const second: unknown[][] = [];
    const stopFirst = api.onCommand((...args) => first.push(args));
    api.onCommand((...args) => second.push(args));
    expect(invoked).toEqual([['commands:subscribe']]);

    emit({ type: 'open-chat', peerId: 'peer-1' });
    stopFirst();
    emit({ type: 'hang-up' });
    expect(first).toEqual([[{ type: 'open-chat', peerId: 'peer-1' }]]);
    expect(second).toEqual([[{ type: 'open-chat', peerId: 'peer-1' }], [{ type: 'hang-up' }]]);
    expect(listeners.size).toBe(1);
  });

  it('hands over the nearby list at once and then each change, until unsubscribed', async () => {
    const ada: NearbyService = { instanceId: 'ada1', name: 'Ada’s laptop', url: 'http://10.7.0.1:47100' };
    const { ipc, invoked, nearbyListeners, emitNearby } = fakeIpcRenderer({
      'local:get-info': { joinBaseUrls: [], nearby: [ada] },
    });
    const api = createFerryDesktopApi(ipc);
    const seen: NearbyService[][] = [];
    const stop = api.onNearbyDevices((devices) => seen.push(devices));
    await new Promise((resolve) => setImmediate(resolve));
    expect(invoked).toEqual([['local:get-info']]);
    expect(seen).toEqual([[ada]]);
    emitNearby([]);
    stop();
    emitNearby([ada]);
    expect(seen).toEqual([[ada], []]);
    expect(nearbyListeners.size).toBe(0);
  });
});
