/**
 * Per-device settings (auto-accept for now), kept with the other settings under
 * `settings.pairedDevices[deviceId]`, so they are saved where the host saves settings (the main
 * process's settings file on the desktop, localStorage in a browser) and survive a restart.
 */
import {
  pairedDeviceIdSchema,
  pairedDevicesSchema,
  type PairedDevice,
  type Settings,
} from '../../../../contracts/settings';
import type { Host } from '../../host/host';
import type { FerryStore } from '../../state/store';

const NO_SETTINGS: PairedDevice = { autoAccept: false };

export function pairedDeviceOf(settings: Settings, deviceId: string): PairedDevice {
  return settings.pairedDevices?.[deviceId] ?? NO_SETTINGS;
}

/** Offers from this device are accepted without asking. */
export function acceptsAutomatically(settings: Settings, deviceId: string): boolean {
  return pairedDeviceOf(settings, deviceId).autoAccept;
}

/**
 * Changes one device's settings: shown at once, then saved by the host. If saving fails the
 * change is undone, so that what shows is what is saved.
 */
export function updatePairedDevice(
  store: FerryStore,
  host: Pick<Host, 'updateSettings'>,
  deviceId: string,
  change: Partial<PairedDevice>,
): Promise<void> {
  return updatePairedDevices(store, host, { [deviceId]: change });
}

/** Changes several devices' settings in one save (see updatePairedDevice). */
async function updatePairedDevices(
  store: FerryStore,
  host: Pick<Host, 'updateSettings'>,
  changes: Readonly<Record<string, Partial<PairedDevice>>>,
): Promise<void> {
  const before = store.getState().settings;
  const pairedDevices = { ...before.pairedDevices };
  for (const [deviceId, change] of Object.entries(changes))
    pairedDevices[deviceId] = { ...pairedDeviceOf(before, deviceId), ...change };
  store.getState().setSettings({ ...before, pairedDevices });
  try {
    const saved = await host.updateSettings({ pairedDevices });
    // A later change may have been shown meanwhile; it carries its own save.
    if (store.getState().settings.pairedDevices === pairedDevices) store.getState().setSettings(saved);
  } catch (error) {
    if (store.getState().settings.pairedDevices === pairedDevices) {
      store
        .getState()
        .setSettings({ ...store.getState().settings, pairedDevices: before.pairedDevices ?? {} });
    }
    throw error;
  }
}

/**
 * Auto-accept used to be a list of device ids in this renderer's localStorage. Moves it into the
 * per-device settings once, then removes the old key.
 */
export const LEGACY_AUTO_ACCEPT_KEY = 'ferry.autoAccept.v1';

export async function migrateLegacyAutoAccept(
  store: FerryStore,
  host: Pick<Host, 'updateSettings'>,
  storage: Pick<Storage, 'getItem' | 'removeItem'> | undefined,
): Promise<void> {
  const text = storage?.getItem(LEGACY_AUTO_ACCEPT_KEY);
  if (text === null || text === undefined) return;
  let ids: string[] = [];
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) ids = parsed.filter((id): id is string => typeof id === 'string');
  } catch {
    // Unreadable: nothing to carry over.
  }
  const settings = store.getState().settings;
  const changes: Record<string, Partial<PairedDevice>> = {};
  for (const id of ids) {
    if (pairedDeviceIdSchema.safeParse(id).success && settings.pairedDevices?.[id] === undefined)
      changes[id] = { autoAccept: true };
  }
  // More than the settings can hold is not carried over: saving it would fail on every start.
  const merged = { ...settings.pairedDevices, ...changes };
  if (Object.keys(changes).length > 0 && pairedDevicesSchema.safeParse(merged).success)
    await updatePairedDevices(store, host, changes);
  storage?.removeItem(LEGACY_AUTO_ACCEPT_KEY);
}
