import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FerryEngine } from './engine/engine';
import { CallProvider } from './features/call/call-context';
import { startCalls } from './features/call/start-calls';
import { startDesktopIntegration } from './features/desktop/start-desktop';
import { openRememberedDevices, startRememberedDevices } from './features/devices/start-remembered';
import { codeFromJoinLink } from './features/pairing/join-link';
import { sendChosenPaths } from './features/transfer/send-paths';
import { startTransfers } from './features/transfer/start-transfers';
import { TransferProvider } from './features/transfer/transfer-context';
import { thumbnailMaker } from './features/transfer/thumbnail/thumbnails';
import { indexedDbTransferRecords } from './engine/transfer/transfer-records';
import { openDeviceIdentity } from './engine/identity/open-device-identity';
import { HistoryProvider } from './history/history-context';
import { appHistory } from './history/history-store';
import { importLegacyTransfers } from './history/legacy-transfers';
import { startHistory } from './history/start-history';
import { pickHost } from './host/pick-host';
import { createTranslator, resolveLanguage } from './i18n/i18n';
import { nearbyServiceUrls } from './state/nearby-slice';
import { createFerryStore, engineActionsFor } from './state/store';
import { App } from './ui/App';
import { FerryProvider } from './ui/ferry-context';
import './ui/styles.css';

async function start(root: HTMLElement): Promise<void> {
  const host = pickHost();
  const [appInfo, settings, device, remembered] = await Promise.all([
    host.getAppInfo(),
    host.getSettings(),
    openDeviceIdentity(),
    openRememberedDevices(),
  ]);
  const store = createFerryStore(appInfo, settings);
  // Before anything can change the store, so that every line is kept.
  const kept = appHistory();
  const conversations = startHistory({
    store,
    history: kept,
    ...(kept ? { ready: importLegacyTransfers(kept) } : {}),
    onConversationDeleted: (deviceId) => remembered.dropWaiting(deviceId),
  });
  window.addEventListener('pagehide', () => conversations.dispose());
  const engine = new FerryEngine({
    // About one frame: a burst of lines is drawn once per frame, not once per line.
    actions: engineActionsFor(store, { chatBatchMs: 16 }),
    identity: () => ({
      ...device,
      deviceName: store.getState().settings.deviceName,
      appVersion: appInfo.appVersion,
    }),
    // The internet service when one is set, else this machine's own (embedded or serving) one…
    signalingUrl: () => store.getState().settings.signalingUrl || store.getState().appInfo.signalingUrl,
    // …and a code shown here is open on both, so a device on this network finds it without the
    // internet service, and a device elsewhere through it.
    mirrorSignalingUrls: () => {
      const { settings, appInfo } = store.getState();
      const local = appInfo.signalingUrl;
      return settings.signalingUrl !== '' && local !== '' && local !== settings.signalingUrl ? [local] : [];
    },
    extraIceServers: () => store.getState().settings.iceServers,
    nearbyServiceUrls: () => nearbyServiceUrls(store.getState()),
    remembered,
    onReconnectRefused: (peer, reason) =>
      store
        .getState()
        .announce(reason === 'certificate-changed' ? 'devices.certificateChanged' : 'devices.refused', {
          name: peer.alias ?? peer.name,
        }),
  });
  const stopNearby = host.watchNearby?.((devices) => store.getState().setNearby(devices));
  window.addEventListener('pagehide', () => stopNearby?.());
  // A new device name reaches connected devices at once.
  store.subscribe((next, previous) => {
    if (next.settings.deviceName !== previous.settings.deviceName) engine.announceIdentity();
  });
  const transfers = startTransfers({
    store,
    engine,
    host,
    storage: window.localStorage,
    records: indexedDbTransferRecords(),
  });
  // A forgotten device's unfinished transfers can never resume: their records and partial files go.
  remembered.onForget((deviceId) => transfers.manager.forgetDevice(deviceId));
  window.addEventListener('pagehide', () => transfers.dispose());
  const calls = startCalls({
    store,
    engine,
    storage: window.localStorage,
    testHooks: window.ferryCallTestHooks,
  });
  const stopDesktop = startDesktopIntegration({
    store,
    host,
    calls: calls.manager,
    transfers: {
      sendPaths: (peerId, paths) =>
        void sendChosenPaths({ store, host, manager: transfers.manager }, peerId, paths),
    },
    language: () => resolveLanguage(store.getState().settings.language, navigator.languages),
  });
  // Before the engine closes the connections, so that the other side hears the call ended.
  window.addEventListener('pagehide', () => {
    stopDesktop();
    calls.dispose();
  });
  const stopRemembered = startRememberedDevices({ store, engine, remembered, window, document });
  window.addEventListener('pagehide', () => stopRemembered());
  window.addEventListener('pagehide', () => engine.dispose());

  createRoot(root).render(
    <StrictMode>
      <FerryProvider value={{ store, engine, host }}>
        <HistoryProvider history={conversations}>
          <TransferProvider
            manager={transfers.manager}
            thumbnails={host.savedFiles?.file ? thumbnailMaker() : null}
          >
            <CallProvider manager={calls.manager}>
              <App />
            </CallProvider>
          </TransferProvider>
        </HistoryProvider>
      </FerryProvider>
    </StrictMode>,
  );

  // Opened from a join link (the QR code): "Enter a code" shows the code for the person to check
  // and confirm, as for a ferry:// link. Anyone can send a link, so nothing joins on its own.
  const linkedCode = codeFromJoinLink(window.location.hash);
  if (linkedCode) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    store.getState().suggestPairingCode(linkedCode);
  }
}

const root = document.getElementById('root');
if (root) {
  start(root).catch((error: unknown) => {
    const t = createTranslator(resolveLanguage('system', navigator.languages));
    root.textContent = t('app.loadFailed', {
      reason: error instanceof Error ? error.message : String(error),
    });
  });
}
