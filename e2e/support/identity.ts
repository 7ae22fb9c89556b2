/**
 * A browser peer's device identity as other devices know it, read from where the page keeps it
 * (IndexedDB, engine/identity/identity-store.ts) and derived here as any device derives it.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Page } from '@playwright/test';
import { deviceIdFromPublicKey } from '../../contracts/device-identity';

/** The stored identity's secret key and certificate fingerprint, once the page has made them. */
export async function storedIdentity(
  page: Page,
): Promise<{ readonly secretKey: number[]; readonly fingerprint: string | null } | null> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('ferry-identity');
        open.onerror = () => reject(new Error('identity database not opened'));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('identity')) return resolve(null);
          const get = db.transaction('identity').objectStore('identity').get('device');
          get.onsuccess = () => {
            const stored = get.result as
              { secretKey: Uint8Array; certificate: RTCCertificate | null } | undefined;
            resolve(
              stored
                ? {
                    secretKey: Array.from(stored.secretKey),
                    fingerprint: stored.certificate?.getFingerprints()[0]?.value?.toUpperCase() ?? null,
                  }
                : null,
            );
          };
          get.onerror = () => reject(new Error('identity not read'));
        };
      }),
  );
}

/** The device id other devices know this page's device by. */
export async function deviceIdOf(page: Page): Promise<string> {
  const stored = await storedIdentity(page);
  if (!stored) throw new Error('the page has no device identity yet');
  return deviceIdFromPublicKey(ed25519.getPublicKey(Uint8Array.from(stored.secretKey)));
}
