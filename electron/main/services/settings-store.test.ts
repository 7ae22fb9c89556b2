import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../test-support/memory-logger';
import { deviceNameFromHostName, openSettingsStore, type SettingsFileSystem } from './settings-store';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = (overrides: { fs?: SettingsFileSystem; hostName?: string } = {}) => {
  const logger = createMemoryLogger();
  const store = openSettingsStore({
    file,
    fs: overrides.fs ?? fs,
    hostName: overrides.hostName ?? 'adas-laptop.local',
    defaultReceiveFolder: '/home/ada/Downloads/Ferry',
    logger,
  });
  return { store, logger };
};

const readSaved = async (): Promise<unknown> => JSON.parse(await readFile(file, 'utf8'));

describe('settings store', () => {
  it('starts from defaults on first run and saves them', async () => {
    const store = await open().store;
    const settings = store.get();
    expect(settings.deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(settings).toMatchObject({
      deviceName: 'adas-laptop',
      deviceNameChosen: false,
      language: 'system',
      signalingUrl: '',
      iceServers: [],
      launchAtLogin: false,
      startHidden: false,
      receiveFolder: '/home/ada/Downloads/Ferry',
    });
    expect(await readSaved()).toEqual(settings);
  });

  it("starts from the build's internet service and ICE servers when it has them", async () => {
    const networkDefaults = {
      internetSignalingUrl: 'https://signal.ferry.example',
      iceServers: [{ urls: 'stun:stun.ferry.example:3478' }],
    };
    const store = await openSettingsStore({
      file,
      fs,
      hostName: 'adas-laptop',
      defaultReceiveFolder: '/home/ada/Downloads/Ferry',
      networkDefaults,
      logger: createMemoryLogger(),
    });
    expect(store.get()).toMatchObject({
      signalingUrl: networkDefaults.internetSignalingUrl,
      iceServers: networkDefaults.iceServers,
    });
  });

  it('reads a settings file written before launchAtLogin, startHidden and receiveFolder existed', async () => {
    const old = {
      deviceId: 'aaaabbbbccccdddd',
      deviceName: 'Old laptop',
      language: 'en',
      signalingUrl: '',
      iceServers: [],
    };
    await writeFile(file, JSON.stringify(old), 'utf8');
    const { store, logger } = open();
    expect((await store).get()).toEqual({
      ...old,
      launchAtLogin: false,
      startHidden: false,
      receiveFolder: '/home/ada/Downloads/Ferry',
      // Its person has lived with that name: no first-run step.
      deviceNameChosen: true,
    });
    expect(logger.entries).toEqual([]);
  });

  it('keeps launchAtLogin and startHidden when a patch leaves them out', async () => {
    const store = await open().store;
    await store.update({ launchAtLogin: true, startHidden: true });
    await store.update({ deviceName: 'Desk' });
    expect(store.get()).toMatchObject({ launchAtLogin: true, startHidden: true, deviceName: 'Desk' });
  });

  it('takes an absolute receive folder, and an empty one as "back to the default"', async () => {
    const store = await open().store;
    expect(await store.update({ receiveFolder: '/mnt/shared/incoming' })).toMatchObject({ ok: true });
    expect(store.get().receiveFolder).toBe('/mnt/shared/incoming');
    await store.update({ receiveFolder: '' });
    expect(store.get().receiveFolder).toBe('/home/ada/Downloads/Ferry');
  });

  it.each(['relative/folder', '~/Downloads', '../../etc'])(
    'refuses the relative receive folder %j',
    async (folder) => {
      const store = await open().store;
      expect(await store.update({ receiveFolder: folder })).toEqual({
        ok: false,
        error: { code: 'INVALID_PAYLOAD', message: 'receiveFolder must be an absolute path' },
      });
      expect(store.get().receiveFolder).toBe('/home/ada/Downloads/Ferry');
    },
  );

  it('creates the folder of a new profile', async () => {
    file = join(dir, 'Ferry-alice', 'settings.json');
    const settings = (await open().store).get();
    expect(await readSaved()).toEqual(settings);
  });

  it('gives every new profile its own device id', async () => {
    const first = (await open().store).get().deviceId;
    await rm(file);
    const second = (await open().store).get().deviceId;
    expect(second).not.toBe(first);
  });

  it('keeps the same settings across restarts', async () => {
    const first = await open().store;
    await first.update({ deviceName: 'Study PC' });
    const again = await open().store;
    expect(again.get()).toEqual(first.get());
    expect(again.get().deviceName).toBe('Study PC');
  });

  it('survives a corrupt file: keeps a .bad copy, logs, starts from defaults', async () => {
    await writeFile(file, '{"deviceId": "abc', 'utf8');
    const { store, logger } = open();
    const settings = (await store).get();
    expect(settings.language).toBe('system');
    expect(await readFile(`${file}.bad`, 'utf8')).toBe('{"deviceId": "abc');
    expect(await readSaved()).toEqual(settings);
    expect(logger.entries.map((entry) => entry.level)).toContain('error');
  });

  it('treats a file that parses but breaks the schema as corrupt too', async () => {
    await writeFile(file, JSON.stringify({ deviceId: 'x', deviceName: '', language: 'fr' }), 'utf8');
    const settings = (await open().store).get();
    expect(settings.deviceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await readFile(`${file}.bad`, 'utf8')).toContain('"fr"');
  });

  it('validates patches and leaves the settings untouched when one is invalid', async () => {
    const store = await open().store;
    const before = store.get();
    const rejected = [
      { deviceId: 'stolen-identity' },
      { deviceName: '   ' },
      { signalingUrl: 'ftp://example.com' },
      { language: 'fr' },
      'not an object',
    ];
    for (const patch of rejected) {
      const result = await store.update(patch);
      expect(result.ok, JSON.stringify(patch)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('INVALID_PAYLOAD');
    }
    expect(store.get()).toEqual(before);
    expect(await readSaved()).toEqual(before);
  });

  it('applies a valid patch, trims the name, saves it, and tells listeners', async () => {
    const store = await open().store;
    const seen: string[] = [];
    const unsubscribe = store.onChange((settings) => seen.push(settings.deviceName));
    const result = await store.update({
      deviceName: '  Kitchen Mac  ',
      signalingUrl: 'https://signal.example',
    });
    expect(result).toEqual({ ok: true, value: store.get() });
    expect(store.get()).toMatchObject({ deviceName: 'Kitchen Mac', signalingUrl: 'https://signal.example' });
    expect(await readSaved()).toEqual(store.get());
    unsubscribe();
    await store.update({ deviceName: 'Other' });
    expect(seen).toEqual(['Kitchen Mac']);
  });

  it('applies quick successive updates in order, none lost', async () => {
    const store = await open().store;
    await Promise.all([
      store.update({ deviceName: 'one' }),
      store.update({ language: 'zh-CN' }),
      store.update({ deviceName: 'three' }),
    ]);
    expect(store.get()).toMatchObject({ deviceName: 'three', language: 'zh-CN' });
    expect(await readSaved()).toEqual(store.get());
  });

  it('writes through a temporary file and rename, leaving no temporary behind', async () => {
    const calls: string[] = [];
    const tracingFs: SettingsFileSystem = {
      readFile: (path, encoding) => fs.readFile(path, encoding),
      writeFile: async (path, data, options) => {
        calls.push(`write ${path.slice(dir.length + 1)}`);
        await fs.writeFile(path, data, options);
      },
      rename: async (from, to) => {
        calls.push(`rename ${from.slice(dir.length + 1)} -> ${to.slice(dir.length + 1)}`);
        await fs.rename(from, to);
      },
      copyFile: (from, to) => fs.copyFile(from, to),
      mkdir: (path, options) => fs.mkdir(path, options),
    };
    const store = await open({ fs: tracingFs }).store;
    await store.update({ language: 'en' });
    expect(calls).toEqual([
      'write settings.json.tmp',
      'rename settings.json.tmp -> settings.json',
      'write settings.json.tmp',
      'rename settings.json.tmp -> settings.json',
    ]);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('keeps the old settings when a save fails', async () => {
    const store = await open().store;
    const before = store.get();
    const failingFs: SettingsFileSystem = {
      readFile: (path, encoding) => fs.readFile(path, encoding),
      writeFile: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
      rename: (from, to) => fs.rename(from, to),
      copyFile: (from, to) => fs.copyFile(from, to),
      mkdir: (path, options) => fs.mkdir(path, options),
    };
    const failing = await open({ fs: failingFs }).store;
    await expect(failing.update({ deviceName: 'never saved' })).rejects.toThrow('disk full');
    expect(failing.get()).toEqual(before);
    // The queue keeps working after a failure.
    await expect(failing.update({ deviceName: 'x' })).rejects.toThrow('disk full');
    expect(await readSaved()).toEqual(before);
  });
});

describe('deviceNameFromHostName', () => {
  it.each([
    ['adas-mbp.local', 'adas-mbp'],
    ['  DESKTOP-7Q2  ', 'DESKTOP-7Q2'],
    ['', 'Ferry device'],
    ['.', 'Ferry device'],
    ['x'.repeat(80), 'x'.repeat(64)],
  ])('%j → %j', (hostName, expected) => {
    expect(deviceNameFromHostName(hostName)).toBe(expected);
  });

  it.each([
    ['adas-mbp.local', 'ada', 'ada (adas-mbp)'],
    ['', 'ada', 'ada'],
    ['adas-mbp', '  ', 'adas-mbp'],
  ])('%j with account %j → %j', (hostName, userName, expected) => {
    expect(deviceNameFromHostName(hostName, userName)).toBe(expected);
  });
});
