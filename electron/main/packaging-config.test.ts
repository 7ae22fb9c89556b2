/**
 * electron-builder.yml is only exercised by a real packaging run, which needs the Electron binary
 * this network cannot download. This checks it the way electron-builder itself does before
 * packaging (its schema validation), and that what it packs in as runtime resources exists.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_ID } from './services/app-identity';
import { TRAY_ICON_STATES, trayIconFileName } from './services/tray-icon';

const root = join(import.meta.dirname, '..', '..');
// Not a public API of electron-builder: if this path moves, update it from app-builder-lib's `out/`.
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(
    projectDir: string,
    configPath: string | null,
    configFromOptions: null,
  ): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, debugLogger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

function pngSize(file: string): [number, number] {
  const bytes = readFileSync(file);
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder.yml', () => {
  let config: Record<string, unknown>;
  // Read and validated once: electron-builder's first load takes tens of seconds on a busy machine.
  beforeAll(async () => {
    config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
  }, 120_000);

  it('passes electron-builder’s own validation, with the pinned Electron and the ferry:// scheme', () => {
    expect(config).toMatchObject({
      // The AppUserModelID main sets on Windows must be the one the installer's shortcut carries.
      appId: APP_ID,
      productName: 'Ferry',
      electronVersion: '45.4.1',
      protocols: [{ schemes: ['ferry'] }],
      linux: { target: ['AppImage', 'deb'], icon: 'build/icon.png' },
      win: { target: ['nsis'], icon: 'build/icon.png' },
      mac: {
        target: ['dmg'],
        icon: 'build/icon.png',
        // Calls need the microphone; call notifications need alert style for their buttons.
        extendInfo: {
          NSMicrophoneUsageDescription: expect.any(String),
          NSUserNotificationAlertStyle: 'alert',
        },
      },
      directories: { buildResources: 'build' },
    });
  });

  it('flips the Electron fuses that keep a packaged Ferry from being run as something else', () => {
    expect(config['asar']).toBe(true);
    expect(config['electronFuses']).toEqual({
      // ELECTRON_RUN_AS_NODE would make the signed binary a general-purpose Node.js.
      runAsNode: false,
      // NODE_OPTIONS / NODE_EXTRA_CA_CERTS and --inspect inject code or trust into the main process.
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      // Only app.asar is loaded, and checked against its hash: no code dropped beside it runs.
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // The page is served from app://ferry: file:// needs no privileges beyond a browser's.
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('is what `npm run dist` runs, after building the app it packs', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      main: string;
    };
    expect(manifest.scripts['dist']).toBe('npm run build && electron-builder');
    // electron-builder packs out/** and starts the app at package.json's `main`.
    expect(manifest.main).toBe('out/main/index.js');
  });

  it('packs the runtime icons the main process loads, at the sizes each platform wants', () => {
    expect(pngSize(join(root, 'build', 'icon.png'))).toEqual([512, 512]);
    expect(pngSize(join(root, 'electron', 'resources', 'icon.png'))).toEqual([512, 512]);
    for (const state of TRAY_ICON_STATES) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) {
        const name = trayIconFileName(state, platform);
        const runtime = join(root, 'electron', 'resources', 'tray', name);
        const size = platform === 'linux' ? 32 : 16;
        expect(pngSize(runtime), name).toEqual([size, size]);
        expect(pngSize(runtime.replace(/\.png$/, '@2x.png')), name).toEqual([size * 2, size * 2]);
        // build/tray holds the same images, as packaging inputs.
        expect(readFileSync(join(root, 'build', 'tray', name))).toEqual(readFileSync(runtime));
      }
    }
  });
});
