/**
 * What a test's Ferry store starts from: the app info and settings a desktop host would load on a
 * first run. Tests name only what matters to them (`testSettings({ deviceName: 'Ada laptop' })`).
 */
import type { AppInfo } from '../../../../contracts/ipc';
import type { Settings } from '../../../../contracts/settings';

export const testAppInfo: AppInfo = {
  appVersion: '0.1.0',
  platform: 'linux',
  hostName: 'box',
  signalingUrl: 'http://127.0.0.1:1',
};

export function testSettings(overrides: Partial<Settings> = {}): Settings {
  return {
    deviceId: 'device-1234',
    deviceName: 'Box',
    language: 'en',
    signalingUrl: '',
    iceServers: [],
    launchAtLogin: false,
    startHidden: false,
    receiveFolder: '',
    deviceNameChosen: true,
    ...overrides,
  };
}
