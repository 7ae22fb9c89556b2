import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FerryEngine } from './engine/engine';
import { codeFromJoinLink } from './features/pairing/join-link';
import { pickHost } from './host/pick-host';
import { createTranslator, resolveLanguage } from './i18n/i18n';
import { createFerryStore, engineActionsFor } from './state/store';
import { App } from './ui/App';
import { FerryProvider } from './ui/ferry-context';
import './ui/styles.css';

async function start(root: HTMLElement): Promise<void> {
  const host = pickHost();
  const [appInfo, settings] = await Promise.all([host.getAppInfo(), host.getSettings()]);
  const store = createFerryStore(appInfo, settings);
  const engine = new FerryEngine({
    actions: engineActionsFor(store),
    identity: () => {
      const current = store.getState().settings;
      return { deviceId: current.deviceId, deviceName: current.deviceName, appVersion: appInfo.appVersion };
    },
    signalingUrl: () => store.getState().settings.signalingUrl || store.getState().appInfo.signalingUrl,
    extraIceServers: () => store.getState().settings.iceServers,
  });
  window.addEventListener('pagehide', () => engine.dispose());

  createRoot(root).render(
    <StrictMode>
      <FerryProvider value={{ store, engine, host }}>
        <App />
      </FerryProvider>
    </StrictMode>,
  );

  // Opened from a join link (the QR code): start pairing with that code right away.
  const linkedCode = codeFromJoinLink(window.location.hash);
  if (linkedCode) {
    history.replaceState(null, '', window.location.pathname + window.location.search);
    engine.enterCode(linkedCode);
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
