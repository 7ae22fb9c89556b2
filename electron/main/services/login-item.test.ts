import * as fs from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyLoginItem,
  autostartDesktopEntry,
  autostartEntryPath,
  createAutostartEntryFile,
  desktopExec,
  LAUNCHED_AT_LOGIN_ARG,
  shouldStartHidden,
  wasLaunchedAtLogin,
  type LoginItemOptions,
} from './login-item';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-autostart-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function setup(platform: NodeJS.Platform, overrides: Partial<LoginItemOptions> = {}) {
  const loginItemCalls: unknown[] = [];
  const entryPath = autostartEntryPath({ XDG_CONFIG_HOME: dir }, '/home/ada', 'Ferry-alice');
  const options: LoginItemOptions = {
    platform,
    setLoginItemSettings: (settings) => void loginItemCalls.push(settings),
    linuxAutostart: createAutostartEntryFile(entryPath, fs),
    command: { path: '/opt/Ferry/ferry', args: [] },
    profileArgs: ['--profile=alice'],
    entryName: 'Ferry-alice',
    ...overrides,
  };
  return { options, loginItemCalls, entryPath };
}

describe('applyLoginItem', () => {
  it('macOS: asks the OS to open Ferry at login, hidden when "start hidden" is on', async () => {
    const { options, loginItemCalls } = setup('darwin');
    await applyLoginItem({ launchAtLogin: true, startHidden: true }, options);
    await applyLoginItem({ launchAtLogin: false, startHidden: false }, options);
    expect(loginItemCalls).toEqual([
      { openAtLogin: true, openAsHidden: true },
      { openAtLogin: false, openAsHidden: false },
    ]);
  });

  it('Windows: registers this executable with the login marker and the profile, under its own name', async () => {
    const { options, loginItemCalls } = setup('win32', {
      command: { path: 'C:\\Program Files\\Ferry\\Ferry.exe', args: [] },
    });
    await applyLoginItem({ launchAtLogin: true, startHidden: false }, options);
    expect(loginItemCalls).toEqual([
      {
        openAtLogin: true,
        path: 'C:\\Program Files\\Ferry\\Ferry.exe',
        args: [LAUNCHED_AT_LOGIN_ARG, '--profile=alice'],
        name: 'Ferry-alice',
      },
    ]);
  });

  it('Linux: writes an XDG autostart entry, and removes it again', async () => {
    const { options, loginItemCalls, entryPath } = setup('linux', {
      command: { path: '/home/ada/Apps/Ferry 0.1.AppImage', args: [] },
    });
    expect(entryPath).toBe(join(dir, 'autostart', 'ferry-alice.desktop'));
    await applyLoginItem({ launchAtLogin: true, startHidden: true }, options);
    expect(await readFile(entryPath, 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Ferry-alice',
        'Exec="/home/ada/Apps/Ferry 0.1.AppImage" --launched-at-login --profile=alice',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
    await applyLoginItem({ launchAtLogin: false, startHidden: true }, options);
    await expect(readFile(entryPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // Turning it off twice is fine.
    await applyLoginItem({ launchAtLogin: false, startHidden: true }, options);
    expect(loginItemCalls).toEqual([]);
  });

  it('Linux in development: starts Electron with the app folder', async () => {
    const { options, entryPath } = setup('linux', {
      command: { path: '/repo/node_modules/electron/dist/electron', args: ['/repo'] },
      profileArgs: [],
    });
    await applyLoginItem({ launchAtLogin: true, startHidden: false }, options);
    expect(await readFile(entryPath, 'utf8')).toContain(
      'Exec=/repo/node_modules/electron/dist/electron /repo --launched-at-login\n',
    );
  });
});

describe('desktopExec', () => {
  it.each<[string[], string]>([
    [['/usr/bin/ferry'], '/usr/bin/ferry'],
    [['/opt/My Apps/ferry'], '"/opt/My Apps/ferry"'],
    [['/opt/100%/ferry'], '"/opt/100%%/ferry"'],
    [['/opt/$HOME/fer"ry'], '"/opt/\\\\$HOME/fer\\\\"ry"'],
    [['C:\\odd'], '"C:\\\\\\\\odd"'],
  ])('%j → %s', (command, expected) => {
    expect(desktopExec(command)).toBe(expected);
  });

  it('refuses an argument with a line break, which would end the Exec line', () => {
    expect(() => desktopExec(['/opt/ferry\nExec=evil'])).toThrow();
  });

  it('names the entry', () => {
    expect(autostartDesktopEntry('Ferry', ['/usr/bin/ferry'])).toContain('Name=Ferry\nExec=/usr/bin/ferry\n');
  });
});

describe('start hidden', () => {
  it('stays in the tray only when started at login with "start hidden" on', () => {
    expect(shouldStartHidden(true, wasLaunchedAtLogin(['ferry', LAUNCHED_AT_LOGIN_ARG], false))).toBe(true);
    expect(shouldStartHidden(true, wasLaunchedAtLogin(['ferry'], true))).toBe(true);
    expect(shouldStartHidden(true, wasLaunchedAtLogin(['ferry'], false))).toBe(false);
    expect(shouldStartHidden(false, wasLaunchedAtLogin(['ferry', LAUNCHED_AT_LOGIN_ARG], false))).toBe(false);
  });

  it('uses ~/.config when XDG_CONFIG_HOME is not set', () => {
    expect(autostartEntryPath({}, '/home/ada', 'Ferry')).toBe(
      join('/home/ada', '.config', 'autostart', 'ferry.desktop'),
    );
  });
});
