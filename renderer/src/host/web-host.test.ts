import { describe, expect, it } from 'vitest';
import { HostError } from './host';
import { createWebHost, defaultBrowserDeviceName, suggestedBrowserDeviceName } from './web-host';

function memoryStorage() {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

const environment = (storage: ReturnType<typeof memoryStorage>) => ({
  storage,
  location: { origin: 'http://127.0.0.1:47100', protocol: 'http:' },
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36',
  platform: 'Linux x86_64',
  appVersion: '0.1.0',
});

describe('the browser host', () => {
  it('makes a device identity once and keeps it across page loads', async () => {
    const storage = memoryStorage();
    const first = await createWebHost(environment(storage)).getSettings();
    const second = await createWebHost(environment(storage)).getSettings();
    expect(first.deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(second.deviceId).toBe(first.deviceId);
    // A suggestion with a random suffix (so two new browsers differ), kept with the profile…
    expect(first.deviceName).toMatch(/^Chromium on Linux [0-9A-F]{4}$/);
    expect(second.deviceName).toBe(first.deviceName);
    // …and not yet chosen: the first-run step asks.
    expect(first.deviceNameChosen).toBe(false);
  });

  it('two new browsers suggest different names', async () => {
    const names = new Set<string>();
    for (let index = 0; index < 8; index++) {
      names.add((await createWebHost(environment(memoryStorage())).getSettings()).deviceName);
    }
    // 8 draws from 65536 suffixes: all equal has probability 2^-112.
    expect(names.size).toBeGreaterThan(1);
    expect(suggestedBrowserDeviceName('Chrome/156', 'Linux x86_64', () => new Uint8Array([0x3f, 0x2a]))).toBe(
      'Chromium on Linux 3F2A',
    );
  });

  it('keeps the name chosen, and settings saved before the first-run step count as chosen', async () => {
    const storage = memoryStorage();
    const host = createWebHost(environment(storage));
    const saved = await host.updateSettings({ deviceName: 'Ada laptop', deviceNameChosen: true });
    expect(saved).toMatchObject({ deviceName: 'Ada laptop', deviceNameChosen: true });
    expect(await createWebHost(environment(storage)).getSettings()).toMatchObject({ deviceNameChosen: true });

    const old = memoryStorage();
    old.setItem(
      'ferry.settings.v1',
      JSON.stringify({
        deviceId: '0123456789abcdef',
        deviceName: 'Old',
        language: 'en',
        signalingUrl: '',
        iceServers: [],
      }),
    );
    expect(await createWebHost(environment(old)).getSettings()).toMatchObject({ deviceNameChosen: true });
  });

  it("starts from the build's internet service and ICE servers when it has them", async () => {
    const networkDefaults = {
      internetSignalingUrl: 'https://signal.ferry.example',
      iceServers: [{ urls: 'stun:stun.ferry.example:3478' }],
    };
    const settings = await createWebHost({ ...environment(memoryStorage()), networkDefaults }).getSettings();
    expect(settings).toMatchObject({
      signalingUrl: 'https://signal.ferry.example',
      iceServers: networkDefaults.iceServers,
    });
  });

  it('talks to the signaling service that served the page', async () => {
    const info = await createWebHost(environment(memoryStorage())).getAppInfo();
    expect(info.signalingUrl).toBe('http://127.0.0.1:47100');
  });

  it("asks the desktop services that served the page for this machine's join addresses", async () => {
    const asked: string[] = [];
    const answer =
      (body: unknown, ok = true) =>
      async (url: string) => {
        asked.push(url);
        return { ok, json: async () => body };
      };
    const info = { joinBaseUrls: ['http://192.168.1.20:47100'], nearby: [] };
    const host = createWebHost({ ...environment(memoryStorage()), fetch: answer(info) });
    expect(await host.getLocalInfo()).toEqual(info);
    expect(asked).toEqual(['http://127.0.0.1:47100/api/local']);
    // A standalone service has no such endpoint; a malformed answer is not used either.
    const standalone = createWebHost({ ...environment(memoryStorage()), fetch: answer({}, false) });
    expect(await standalone.getLocalInfo()).toBeNull();
    const garbled = createWebHost({ ...environment(memoryStorage()), fetch: answer({ joinBaseUrls: 'x' }) });
    expect(await garbled.getLocalInfo()).toBeNull();
    const offline = createWebHost({
      ...environment(memoryStorage()),
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    expect(await offline.getLocalInfo()).toBeNull();
  });

  it('saves valid changes and refuses invalid ones with an error code', async () => {
    const storage = memoryStorage();
    const host = createWebHost(environment(storage));
    const saved = await host.updateSettings({ deviceName: 'Ada laptop', language: 'zh-CN' });
    expect(saved).toMatchObject({ deviceName: 'Ada laptop', language: 'zh-CN' });
    expect(await createWebHost(environment(storage)).getSettings()).toMatchObject({
      deviceName: 'Ada laptop',
    });
    await expect(host.updateSettings({ deviceName: '' })).rejects.toBeInstanceOf(HostError);
    await expect(host.updateSettings({ signalingUrl: 'ftp://nope' })).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    });
    expect((await host.getSettings()).deviceName).toBe('Ada laptop');
  });

  it('replaces unreadable stored settings instead of failing to start', async () => {
    const storage = memoryStorage();
    storage.setItem('ferry.settings.v1', '{not json');
    const settings = await createWebHost(environment(storage)).getSettings();
    expect(settings.deviceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('names browsers and systems it recognises', () => {
    expect(defaultBrowserDeviceName('Mozilla/5.0 Firefox/140.0', 'Win32')).toBe('Firefox on Windows');
    expect(defaultBrowserDeviceName('Mozilla/5.0 Version/18 Safari/605', 'MacIntel')).toBe('Safari on macOS');
  });
});
