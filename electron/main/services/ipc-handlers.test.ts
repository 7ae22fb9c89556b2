import { describe, expect, it } from 'vitest';
import { IPC_REQUEST_CHANNELS } from '../../../contracts/ipc';
import { ok } from '../../../contracts/result';
import { defaultSettings } from './settings-store';
import { createMemoryLogger } from '../test-support/memory-logger';
import { createAppPage } from './app-page';
import { registerIpcHandlers, type IpcMainLike, type IpcServices } from './ipc-handlers';
import { createTrustedSenders, type IpcSenderInfo } from './trusted-sender';

type Listener = Parameters<IpcMainLike['handle']>[1];

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const invoke = (channel: string, event: IpcSenderInfo, ...args: unknown[]) => {
    const listener = handlers.get(channel);
    if (listener === undefined) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  };
  return { ipcMain, handlers, invoke };
}

const appPage = createAppPage();
const APP_URL = 'app://ferry/index.html#/chat';
const WINDOW_ID = 7;
const fromWindow: IpcSenderInfo = { sender: { id: WINDOW_ID }, senderFrame: { url: APP_URL, parent: null } };

const settings = defaultSettings('host', '0123456789abcdef');
const info = {
  appVersion: '0.1.0',
  platform: 'linux',
  hostName: 'host',
  signalingUrl: 'http://127.0.0.1:47100',
};

function setup(services: Partial<IpcServices> = {}) {
  const fake = fakeIpcMain();
  const logger = createMemoryLogger();
  const calls: unknown[][] = [];
  const trusted = createTrustedSenders(appPage);
  trusted.trust(WINDOW_ID);
  const dispose = registerIpcHandlers({
    ipcMain: fake.ipcMain,
    isTrustedSender: trusted.isTrusted,
    logger,
    services: {
      'app:get-info': () => ok(info),
      'local:get-info': () => ok({ joinBaseUrls: [], nearby: [] }),
      'settings:get': () => ok(settings),
      'settings:update': (_sender, patch) => {
        calls.push([patch]);
        return ok({ ...settings, deviceName: patch.deviceName ?? settings.deviceName });
      },
      'settings:choose-receive-folder': () => ok('/data/inbox'),
      'tray:set-state': () => ok(null),
      'notify:show': () => ok({ shown: false }),
      'notify:withdraw': () => ok(null),
      'commands:subscribe': () => ok(null),
      ...services,
    },
  });
  return { ...fake, logger, calls, dispose, trusted };
}

describe('registerIpcHandlers', () => {
  it('registers exactly the channels of the contract, and removes them on dispose', () => {
    const { handlers, dispose } = setup();
    expect([...handlers.keys()].sort()).toEqual([...IPC_REQUEST_CHANNELS].sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('answers our window with the service result', async () => {
    const { invoke } = setup();
    expect(await invoke('app:get-info', fromWindow)).toEqual({ ok: true, value: info });
    expect(await invoke('settings:update', fromWindow, { deviceName: 'Desk' })).toEqual({
      ok: true,
      value: { ...settings, deviceName: 'Desk' },
    });
  });

  it.each<[string, IpcSenderInfo]>([
    ['another webContents', { sender: { id: 99 }, senderFrame: { url: APP_URL, parent: null } }],
    ['an iframe of our window', { sender: { id: WINDOW_ID }, senderFrame: { url: APP_URL, parent: {} } }],
    [
      'our window navigated elsewhere',
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'https://evil.example/', parent: null } },
    ],
    [
      'another local file',
      { sender: { id: WINDOW_ID }, senderFrame: { url: 'file:///tmp/index.html', parent: null } },
    ],
    ['a destroyed frame', { sender: { id: WINDOW_ID }, senderFrame: null }],
  ])('refuses %s with FORBIDDEN before looking at the arguments', async (_case, event) => {
    const { invoke, calls, logger } = setup();
    expect(await invoke('settings:update', event, { deviceName: 'x' })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(calls).toEqual([]);
    expect(logger.entries.map((entry) => entry.level)).toEqual(['debug', 'warn']);
  });

  it('stops trusting a window that was forgotten', async () => {
    const { invoke, trusted } = setup();
    trusted.forget(WINDOW_ID);
    expect(await invoke('settings:get', fromWindow)).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['a patch with the device id', ['settings:update', { deviceId: 'forged-id-123' }]],
    ['a patch of the wrong type', ['settings:update', 'deviceName=x']],
    ['no patch', ['settings:update']],
    ['extra arguments', ['settings:get', 'surprise']],
  ])('refuses %s with INVALID_PAYLOAD without calling the service', async (_case, [channel, ...args]) => {
    const { invoke, calls } = setup();
    const reply = await invoke(channel as string, fromWindow, ...args);
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(calls).toEqual([]);
  });

  it('turns a service exception into INTERNAL without leaking its message, and logs it', async () => {
    const { invoke, logger } = setup({
      'settings:get': () => {
        throw new Error('EACCES: /home/ada/.config/Ferry/settings.json');
      },
    });
    expect(await invoke('settings:get', fromWindow)).toEqual({ ok: false, error: { code: 'INTERNAL' } });
    const logged = logger.entries.find((entry) => entry.level === 'error');
    expect(logged?.details['channel']).toBe('settings:get');
  });

  it('also catches a rejected promise from a service', async () => {
    const { invoke } = setup({ 'app:get-info': () => Promise.reject(new Error('not ready')) });
    expect(await invoke('app:get-info', fromWindow)).toEqual({ ok: false, error: { code: 'INTERNAL' } });
  });
});
