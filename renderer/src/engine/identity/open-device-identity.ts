/**
 * This device's identity as the app starts: kept in IndexedDB, made on first start. Where
 * IndexedDB cannot be opened (a browser that refuses storage to this page), the device still
 * works, with an identity that lasts as long as the page: other devices then see a new device
 * next time, which is what such a browser promises its user anyway.
 */
import { loadDeviceIdentity, type DeviceIdentity } from './device-identity';
import { indexedDbIdentityStore, memoryIdentityStore } from './identity-store';

export async function openDeviceIdentity(): Promise<DeviceIdentity> {
  try {
    return await loadDeviceIdentity({ store: indexedDbIdentityStore() });
  } catch {
    return loadDeviceIdentity({ store: memoryIdentityStore() });
  }
}
