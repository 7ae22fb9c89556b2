/**
 * The main process glue (index.ts) end to end under Node: a fake `electron` module, everything
 * else real (settings on disk, the embedded signaling service on a loopback port, the tray icon
 * files). One Ferry launch, driven through the story a user would live.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_REQUEST_CHANNELS } from '../../contracts/ipc';
import type * as NodeOs from 'node:os';
import type { BrowseHandlers } from './services/nearby/mdns-session';
import type { MenuTemplateItem } from './services/tray-controller';
import { createMemoryLogger } from './test-support/memory-logger';
import {
  BrowserWindow,
  calls,
  fakeElectron,
  fakeEvent,
  Notification,
  Tray,
} from './test-support/fake-electron';

vi.mock('electron', async () => (await import('./test-support/fake-electron')).fakeElectron);
const logger = createMemoryLogger();
vi.mock('./services/logger', () => ({ createMainLogger: () => ({ ...logger, child: () => logger }) }));
// Nearby discovery would multicast on the machine's real network: a fake library plays the LAN,
// and the machine has one LAN address whatever the test runner's network looks like.
vi.mock('node:os', async (importOriginal) => {
  const os = await importOriginal<typeof NodeOs>();
  const lan = { address: '10.7.0.2', netmask: '255.255.255.0', family: 'IPv4', internal: false };
  return {
    ...os,
    networkInterfaces: () => ({ eth0: [{ ...lan, mac: '02:00:00:00:00:02', cidr: '10.7.0.2/24' }] }),
  };
});
const mdnsSessions = vi.hoisted(() => [] as BrowseHandlers[]);
vi.mock('./services/nearby/bonjour-session', () => ({
  createBonjourSession: () => ({
    advertise: () => undefined,
    browse: (_type: string, handlers: BrowseHandlers) => {
      mdnsSessions.push(handlers);
      return { query: () => undefined, expire: () => undefined };
    },
    destroy: async () => undefined,
  }),
}));

const { app, ipcMain } = fakeElectron;
let dir: string;
const savedArgv = process.argv;
const savedEnv = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-main-'));
  app.paths.set('appData', join(dir, 'appData'));
  app.paths.set('userData', join(dir, 'appData', 'Ferry'));
  app.paths.set('downloads', join(dir, 'Downloads'));
  process.argv = [process.execPath, '.', '--profile=alice', 'ferry://pair/k7m-q2xw'];
  Object.assign(process.env, {
    FERRY_EMBEDDED_PORT: '0',
    FERRY_EMBEDDED_HOST: '127.0.0.1',
    // The launch-at-login code writes XDG autostart entries on Linux: keep it away from $HOME.
    XDG_CONFIG_HOME: join(dir, 'config'),
  });
  delete process.env['FERRY_SIGNAL_URL'];
  delete process.env['FERRY_PROFILE'];
  delete process.env['ELECTRON_RENDERER_URL'];
  await import('./index');
  // On failure, say what the glue got to and what it logged.
  const progress = () =>
    JSON.stringify({ calls, log: logger.entries }, (_key, value: unknown) =>
      value instanceof Error ? value.stack : value,
    );
  await vi.waitFor(() => expect(ipcMain.handlers.size, progress()).toBeGreaterThan(0));
});

afterAll(async () => {
  process.argv = savedArgv;
  process.env = savedEnv;
  await rm(dir, { recursive: true, force: true });
});

const window = () => {
  const created = BrowserWindow.created[0];
  if (created === undefined) throw new Error('no window');
  return created;
};
const pageUrl = () => 'app://ferry/index.html';
const fromPage = () => ({
  sender: { id: window().webContents.id },
  senderFrame: { url: pageUrl(), parent: null },
});

async function invoke(channel: string, ...args: unknown[]): Promise<unknown> {
  const handler = ipcMain.handlers.get(channel);
  if (handler === undefined) throw new Error(`no handler for ${channel}`);
  return handler(fromPage(), ...args);
}

const commandsSent = () => window().webContents.sent.filter(([channel]) => channel === 'app:command');
const tray = () => {
  const created = Tray.created[0];
  if (created === undefined) throw new Error('no tray');
  return created;
};
const trayMenu = () => tray().menu as MenuTemplateItem[];

describe('Ferry main process (glue, with a fake Electron)', () => {
  it('moves to the profile folder before taking the single-instance lock', () => {
    expect(calls.slice(0, 2)).toEqual(['app.setPath userData', 'app.requestSingleInstanceLock']);
    expect(app.getPath('userData')).toBe(join(dir, 'appData', 'Ferry-alice'));
  });

  it('opens one hardened window with the preload, and loads the built page', () => {
    expect(BrowserWindow.created).toHaveLength(1);
    expect(window().options['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      backgroundThrottling: false,
      preload: join(import.meta.dirname, '..', 'preload', 'index.cjs'),
    });
    expect(window().loaded).toEqual({ url: 'app://ferry/index.html' });
  });

  it('serves the page from app://ferry, a privileged scheme, and nothing outside the built renderer', async () => {
    expect(fakeElectron.protocol.privileged).toEqual([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
      },
    ]);
    const handler = fakeElectron.protocol.handlers.get('app');
    expect(handler).toBeDefined();
    expect((await handler?.({ url: 'app://ferry/../../package.json', method: 'GET' }))?.status).toBe(404);
  });

  it('lets the page reach its signaling services and no other server', async () => {
    const info = (await invoke('app:get-info')) as { ok: true; value: { signalingUrl: string } };
    const session = fakeElectron.session.defaultSession;
    const service = new URL(info.value.signalingUrl);
    await vi.waitFor(async () =>
      expect(await session.request(`ws://${service.host}/socket.io/?EIO=4&transport=websocket`)).toBe(
        'allowed',
      ),
    );
    expect(await session.request(`${info.value.signalingUrl}/socket.io/?EIO=4&transport=polling`)).toBe(
      'allowed',
    );
    expect(await session.request('https://evil.example/collect')).toBe('cancelled');
    expect(await session.request('file:///etc/passwd')).toBe('cancelled');
    expect(await session.request('app://ferry/assets/index.js')).toBe('allowed');
  });

  it('keeps settings in the profile folder, with a real receive folder', async () => {
    const saved = JSON.parse(await readFile(join(dir, 'appData', 'Ferry-alice', 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({ language: 'system', receiveFolder: join(dir, 'Downloads', 'Ferry') });
  });

  it('saves a receive folder only when main’s folder picker gave it, and says so in words', async () => {
    expect(await invoke('settings:update', { receiveFolder: join(dir, 'elsewhere') })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('Choose…') },
    });
    const saved = JSON.parse(await readFile(join(dir, 'appData', 'Ferry-alice', 'settings.json'), 'utf8'));
    expect(saved.receiveFolder).toBe(join(dir, 'Downloads', 'Ferry'));
    // Saving the rest of Settings with the folder as it is stays possible.
    expect(
      await invoke('settings:update', { receiveFolder: join(dir, 'Downloads', 'Ferry'), startHidden: false }),
    ).toMatchObject({ ok: true });
  });

  it('answers every channel of the contract, and only our page', async () => {
    for (const channel of IPC_REQUEST_CHANNELS) expect(ipcMain.handlers.has(channel), channel).toBe(true);
    const stranger = ipcMain.handlers.get('settings:get');
    expect(await stranger?.({ sender: { id: 999 }, senderFrame: { url: pageUrl(), parent: null } })).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('starts the embedded signaling service and reports where it is', async () => {
    const info = (await invoke('app:get-info')) as { ok: true; value: { signalingUrl: string } };
    expect(info.ok).toBe(true);
    expect(info.value.signalingUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${info.value.signalingUrl}/healthz`)).json();
    expect(health).toMatchObject({ service: 'ferry-signaling' });
    // Bound to loopback in this test (FERRY_EMBEDDED_HOST), so no address for other devices.
    expect(await invoke('local:get-info')).toEqual({ ok: true, value: { joinBaseUrls: [], nearby: [] } });
    expect(await (await fetch(`${info.value.signalingUrl}/api/local`)).json()).toEqual({
      joinBaseUrls: [],
      nearby: [],
    });
  });

  it('lists nearby Ferry devices for the page and sends it each change, without touching the real network', async () => {
    const nearbyNow = async () =>
      ((await invoke('local:get-info')) as { ok: true; value: { nearby: unknown[] } }).value.nearby;
    expect(await nearbyNow()).toEqual([]);
    const network = mdnsSessions.at(-1);
    if (network === undefined) throw new Error('nearby discovery did not start browsing');
    network.up({
      fqdn: 'ferry-ada1._ferry._tcp.local',
      port: 47100,
      txt: { name: 'Ada', v: '2', id: 'ada1' },
      addresses: ['10.7.0.1'],
      sourceAddress: '10.7.0.1',
    });
    const ada = { instanceId: 'ada1', name: 'Ada', url: 'http://10.7.0.1:47100' };
    expect(await nearbyNow()).toEqual([ada]);
    expect(window().webContents.sent.filter(([channel]) => channel === 'nearby:changed')).toEqual([
      ['nearby:changed', [ada]],
    ]);
  });

  it('holds the ferry:// link Ferry was started with until the page listens', async () => {
    expect(commandsSent()).toEqual([]);
    expect(await invoke('commands:subscribe')).toEqual({ ok: true, value: null });
    expect(commandsSent()).toEqual([['app:command', { type: 'pair', code: 'K7M-Q2XW' }]]);
  });

  it('builds the tray from the state the renderer reports, and carries out its commands', async () => {
    expect(existsSync(tray().image)).toBe(true);
    const state = {
      peers: [{ id: 'desk-id', name: 'Desk', online: true }],
      call: null,
      ringing: null,
      receiving: false,
    };
    expect(await invoke('tray:set-state', state)).toEqual({ ok: true, value: null });
    expect(tray().image).toMatch(/connected-32\.png$/);
    expect(existsSync(tray().image)).toBe(true);
    expect(tray().tooltip).toBe('Ferry — 1 device online');
    trayMenu()[0]?.submenu?.[0]?.click?.();
    expect(commandsSent().at(-1)).toEqual(['app:command', { type: 'call', peerId: 'desk-id' }]);
    expect(
      await invoke('tray:set-state', { ...state, call: { peerId: 'desk-id', open: true } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('hides to the tray on close, and notifies only while hidden; a click opens the chat', async () => {
    window().show();
    window().focus();
    const message = { kind: 'message', peerId: 'desk-id', title: 'Desk', body: 'hello' };
    expect(await invoke('notify:show', message)).toEqual({ ok: true, value: { shown: false } });
    expect(window().userClose()).toBe(false);
    expect(window().visible).toBe(false);
    expect(await invoke('notify:show', message)).toEqual({ ok: true, value: { shown: true } });
    const notification = Notification.created.at(-1);
    expect(notification?.options).toMatchObject({ title: 'Desk', body: 'hello' });
    notification?.emit('click');
    expect(window().visible).toBe(true);
    expect(commandsSent().at(-1)).toEqual(['app:command', { type: 'open-chat', peerId: 'desk-id' }]);
  });

  it('gives a call notification Accept and Decline: Decline leaves the window hidden, Accept brings the call up', async () => {
    window().hide();
    const call = { kind: 'call', peerId: 'desk-id', title: 'Incoming call', body: 'Desk is calling you.' };
    expect(await invoke('notify:show', call)).toEqual({ ok: true, value: { shown: true } });
    const declined = Notification.created.at(-1);
    expect(declined?.options).toMatchObject({
      actions: [
        { type: 'button', text: 'Accept' },
        { type: 'button', text: 'Decline' },
      ],
    });
    declined?.emit('action', { actionIndex: 1 });
    expect(window().visible).toBe(false);
    expect(commandsSent().at(-1)).toEqual(['app:command', { type: 'decline-call' }]);

    // A call that stops ringing takes its notification back.
    await invoke('notify:show', call);
    const stale = Notification.created.at(-1);
    expect(await invoke('notify:withdraw', { kind: 'call', peerId: 'desk-id' })).toEqual({
      ok: true,
      value: null,
    });
    expect(stale?.closed).toBe(true);
    expect(await invoke('notify:withdraw', { kind: 'call' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });

    await invoke('notify:show', call);
    Notification.created.at(-1)?.emit('action', { actionIndex: 0 });
    expect(window().visible).toBe(true);
    expect(commandsSent().slice(-2)).toEqual([
      ['app:command', { type: 'open-chat', peerId: 'desk-id' }],
      ['app:command', { type: 'accept-call' }],
    ]);
  });

  it('grants the microphone to our page only, and sends web links to the browser', () => {
    const handler = fakeElectron.session.defaultSession.permissionRequestHandler;
    const ask = (permission: string, url: string, mediaTypes?: string[]) =>
      new Promise<boolean>((resolve) =>
        handler?.({}, permission, resolve, { requestingUrl: url, mediaTypes }),
      );
    return Promise.all([
      expect(ask('media', pageUrl(), ['audio'])).resolves.toBe(true),
      expect(ask('media', 'https://evil.example/', ['audio'])).resolves.toBe(false),
      expect(ask('geolocation', pageUrl())).resolves.toBe(false),
    ]).then(() => {
      const navigation = fakeEvent({ url: 'https://ferry.example/help' });
      window().webContents.emit('will-navigate', navigation);
      expect(navigation.defaultPrevented).toBe(true);
      expect(fakeElectron.shell.opened).toEqual(['https://ferry.example/help']);
    });
  });

  it('focuses the window and takes the link when Ferry is launched again', () => {
    window().hide();
    app.emit('second-instance', fakeEvent(), ['ferry', 'ferry://pair/ABC-DEFG']);
    expect(window().visible).toBe(true);
    expect(commandsSent().at(-1)).toEqual(['app:command', { type: 'pair', code: 'ABC-DEFG' }]);
  });

  it('takes a ferry:// link macOS sends with open-url, and ignores a malformed one', () => {
    window().hide();
    const link = fakeEvent();
    app.emit('open-url', link, 'ferry://pair/XYZ-2345');
    expect(link.defaultPrevented).toBe(true);
    expect(window().visible).toBe(true);
    expect(commandsSent().at(-1)).toEqual(['app:command', { type: 'pair', code: 'XYZ-2345' }]);
    const sentBefore = commandsSent().length;
    app.emit('open-url', fakeEvent(), 'ferry://pair/not-a-code/../../x');
    app.emit('second-instance', fakeEvent(), ['ferry', '--flag', 'ferry://evil/ABC-DEF']);
    expect(commandsSent()).toHaveLength(sentBefore);
  });

  it('applies launch at login when the setting changes', async () => {
    await invoke('settings:update', { launchAtLogin: true });
    if (process.platform === 'linux') {
      const entry = join(dir, 'config', 'autostart', 'ferry-alice.desktop');
      await vi.waitFor(async () => expect(await readFile(entry, 'utf8')).toContain('--profile=alice'));
    } else {
      expect(app.loginItemSettings.at(-1)).toMatchObject({ openAtLogin: true });
    }
  });

  it('quits for real: stops the signaling service and removes the tray first', async () => {
    const info = (await invoke('app:get-info')) as { value: { signalingUrl: string } };
    app.quit();
    expect(app.exited).toBeUndefined();
    await vi.waitFor(() => expect(app.exited).toBe(0));
    expect(tray().destroyed).toBe(true);
    await expect(fetch(`${info.value.signalingUrl}/healthz`)).rejects.toThrow();
    expect(logger.entries.filter((entry) => entry.level === 'error')).toEqual([]);
  });
});
