import { describe, expect, it } from 'vitest';
import {
  settingsPatchSchema,
  settingsSchema,
  type Settings,
  type SettingsPatch,
} from '../../../../contracts/settings';
import type { LinkObserver } from '../../engine/engine';
import {
  FakeConnection,
  MemorySink,
  Side,
  memoryFiles,
  patternBytes,
  until,
  type FakeBulkChannel,
} from '../../engine/transfer/testing/transfer-harness';
import { HostError } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { startTransfers } from '../transfer/start-transfers';
import {
  LEGACY_AUTO_ACCEPT_KEY,
  acceptsAutomatically,
  migrateLegacyAutoAccept,
  updatePairedDevice,
} from './paired-devices';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

const initial: Settings = testSettings({ deviceId: 'bob-device', deviceName: 'Bob desktop' });

/** Settings saved the way both hosts save them: the patch checked by the contract, then merged. */
function fakeHost(saved: Settings = initial) {
  const host = {
    saved,
    patches: [] as SettingsPatch[],
    fail: false,
    updateSettings: async (patch: SettingsPatch) => {
      if (host.fail) throw new HostError('IO_FAILED');
      host.patches.push(settingsPatchSchema.parse(patch));
      host.saved = settingsSchema.parse({ ...host.saved, ...patch });
      return host.saved;
    },
  };
  return host;
}

describe('per-device settings: auto-accept from a trusted device', () => {
  it('is saved with the settings and still set after a restart', async () => {
    const host = fakeHost();
    const store = createFerryStore(testAppInfo, host.saved);
    expect(acceptsAutomatically(store.getState().settings, 'ada-device')).toBe(false);
    await updatePairedDevice(store, host, 'ada-device', { autoAccept: true });
    expect(acceptsAutomatically(store.getState().settings, 'ada-device')).toBe(true);
    expect(host.patches).toEqual([{ pairedDevices: { 'ada-device': { autoAccept: true } } }]);

    const restarted = createFerryStore(testAppInfo, host.saved);
    expect(acceptsAutomatically(restarted.getState().settings, 'ada-device')).toBe(true);
    expect(acceptsAutomatically(restarted.getState().settings, 'carol-device')).toBe(false);

    await updatePairedDevice(restarted, host, 'ada-device', { autoAccept: false });
    expect(acceptsAutomatically(host.saved, 'ada-device')).toBe(false);
  });

  it('shows the change at once, and undoes it if it could not be saved', async () => {
    const host = fakeHost();
    const store = createFerryStore(testAppInfo, host.saved);
    host.fail = true;
    const saving = updatePairedDevice(store, host, 'ada-device', { autoAccept: true });
    expect(acceptsAutomatically(store.getState().settings, 'ada-device')).toBe(true);
    await expect(saving).rejects.toThrow('IO_FAILED');
    expect(acceptsAutomatically(store.getState().settings, 'ada-device')).toBe(false);
  });

  it('moves the old localStorage list into the settings once', async () => {
    const host = fakeHost();
    const store = createFerryStore(testAppInfo, host.saved);
    const items = new Map([[LEGACY_AUTO_ACCEPT_KEY, JSON.stringify(['ada-device', 7, '', 'carol-device'])]]);
    const storage = {
      getItem: (key: string) => items.get(key) ?? null,
      removeItem: (key: string) => void items.delete(key),
    };
    await migrateLegacyAutoAccept(store, host, storage);
    expect(host.saved.pairedDevices).toEqual({
      'ada-device': { autoAccept: true },
      'carol-device': { autoAccept: true },
    });
    expect(items.size).toBe(0);
    // One save for the whole list, and none the second time.
    await migrateLegacyAutoAccept(store, host, storage);
    expect(host.patches).toHaveLength(1);
  });

  it('the transfer manager starts an offer from a trusted device without asking, and asks otherwise', async () => {
    const host = fakeHost();
    const store = createFerryStore(testAppInfo, host.saved);
    const sink = new MemorySink();
    // Bob is the app as started in main.tsx; Ada is a bare TransferManager from the harness.
    const bob = { deviceId: 'bob-device', observers: new Set<LinkObserver>() } as unknown as Side;
    const feature = startTransfers({
      store,
      engine: {
        observe: (observer) => {
          bob.observers.add(observer);
          return () => bob.observers.delete(observer);
        },
      },
      host: { receive: sink, updateSettings: host.updateSettings },
      openBulkChannel: (session) => (session as unknown as { channel: FakeBulkChannel }).channel,
    });
    const ada = new Side('ada-device');
    new FakeConnection(ada, bob);
    const phases = () => Object.values(store.getState().transfers).map((view) => view.phase);

    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'asked.txt', bytes: patternBytes(10) }]));
    await until(() => phases().includes('awaiting-you'), 'asked first');

    await updatePairedDevice(store, host, 'ada-device', { autoAccept: true });
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'trusted.txt', bytes: patternBytes(10) }]));
    await until(() => sink.saved.has('trusted.txt'), 'received without asking');
    expect(phases().filter((phase) => phase === 'awaiting-you')).toHaveLength(1);
    feature.dispose();
  });
});
