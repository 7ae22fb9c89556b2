/**
 * Remembered devices at start: read from IndexedDB (a memory book where the browser refuses
 * storage), shown in the store with what still waits for them, and looked for again on every
 * reachable service now, when the network comes back and when the page wakes.
 */
import type { FerryEngine } from '../../engine/engine';
import { deleteDeviceHistory } from '../../history/history-store';
import { indexedDbDeviceBook, memoryDeviceBook } from '../../engine/remembered/device-book';
import { RememberedDevices } from '../../engine/remembered/remembered-devices';
import { nearbyServiceUrls } from '../../state/nearby-slice';
import type { FerryStore } from '../../state/store';

export async function openRememberedDevices(): Promise<RememberedDevices> {
  try {
    const remembered = new RememberedDevices(indexedDbDeviceBook());
    await remembered.load();
    return remembered;
  } catch {
    return new RememberedDevices(memoryDeviceBook());
  }
}

export interface RememberedWiring {
  readonly store: FerryStore;
  readonly engine: FerryEngine;
  readonly remembered: RememberedDevices;
  readonly window: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  readonly document: Pick<Document, 'addEventListener' | 'removeEventListener' | 'visibilityState'>;
}

/** Returns a function that stops it all. */
export function startRememberedDevices({
  store,
  engine,
  remembered,
  window: win,
  document: doc,
}: RememberedWiring): () => void {
  store.getState().setRemembered(remembered.list());
  const unsubscribe = remembered.subscribe((devices) => store.getState().setRemembered(devices));
  // Forgetting a device removes its conversation from disk too (the history store's own database).
  const stopForgetting = remembered.onForget((deviceId) => deleteDeviceHistory(deviceId));
  // Lines written before a restart that never reached their device: shown as waiting again.
  for (const entry of remembered.allWaiting()) {
    const line = { id: entry.id, text: entry.text, sentAt: entry.sentAt };
    store.getState().chatOutgoing(entry.deviceId, line);
    store.getState().chatStatus(entry.deviceId, entry.id, 'waiting');
  }
  engine.startReconnecting();
  const wake = () => engine.wake();
  const onVisible = () => {
    if (doc.visibilityState === 'visible') engine.wake();
  };
  win.addEventListener('online', wake);
  doc.addEventListener('visibilitychange', onVisible);
  // Services to be present on follow the settings and the nearby devices found.
  const stopServices = store.subscribe((next, previous) => {
    if (
      next.settings.signalingUrl !== previous.settings.signalingUrl ||
      nearbyServiceUrls(next).join(' ') !== nearbyServiceUrls(previous).join(' ')
    )
      engine.refreshPresence();
  });
  return () => {
    unsubscribe();
    stopForgetting();
    stopServices();
    win.removeEventListener('online', wake);
    doc.removeEventListener('visibilitychange', onVisible);
  };
}
