import { ChevronLeft, Settings as SettingsIcon } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { CallSurface } from '../features/call/CallSurface';
import { ConversationView } from '../features/chat/ConversationView';
import { DeviceList } from '../features/devices/DeviceList';
import { NameDeviceStep } from '../features/first-run/NameDeviceStep';
import { PairingView } from '../features/pairing/PairingView';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { carriesFiles } from '../features/transfer/drag-state';
import { Announcer } from './Announcer';
import { PlainHttpNotice } from './PlainHttpNotice';
import { useFerry, useLanguage, useT } from './ferry-context';
import { useDocumentTitle } from './document-title';
import { useFaviconBadge } from './favicon-badge';
import { NotifyPrompt } from './NotifyPrompt';
import { focusMainPane, focusSoon } from './focus';
import { SurfaceBoundary } from './SurfaceBoundary';

/**
 * The window: a fixed top bar, the call surface under it (so a ringing call shows whatever is
 * open), the device list and the main pane side by side, and the status line. Nothing scrolls but
 * the inside of the main pane (the conversation's history, the pairing or Settings page). On a
 * narrow window the device list and the main pane take turns (data-view), with "Devices" in the
 * top bar to go back.
 */
export function App() {
  const t = useT();
  const language = useLanguage();
  const deviceName = useFerry((state) => state.settings.deviceName);
  const pairingOpen = useFerry((state) => state.pairingOpen);
  const selected = useFerry((state) => state.selectedDeviceId);
  const settingsOpen = useFerry((state) => state.settingsOpen);
  // Strictly false: settings from a host that predates the step (undefined) have a chosen name.
  const nameUnchosen = useFerry((state) => state.settings.deviceNameChosen === false);
  const setSettingsOpen = useFerry((state) => state.setSettingsOpen);
  const listShown = useFerry((state) => state.deviceListShown);
  const showDeviceList = useFerry((state) => state.showDeviceList);
  const unread = useFerry((state) => Object.values(state.devices).reduce((sum, d) => sum + d.unread, 0));

  // Files dropped beside a target (no conversation open, or between sidebar entries) must not
  // make the page navigate to them.
  useEffect(() => {
    const refuse = (event: DragEvent) => {
      if (carriesFiles(event)) event.preventDefault();
    };
    window.addEventListener('dragover', refuse);
    window.addEventListener('drop', refuse);
    return () => {
      window.removeEventListener('dragover', refuse);
      window.removeEventListener('drop', refuse);
    };
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  useDocumentTitle();
  useFaviconBadge();

  const settingsButton = useRef<HTMLButtonElement>(null);
  // Saved: on to what the main pane is for; closed without saving: back where Settings was opened.
  const closeSettings = (saved: boolean) => {
    setSettingsOpen(false);
    if (saved) focusMainPane();
    else focusSoon(() => settingsButton.current);
  };

  // Each surface fails on its own (SurfaceBoundary): one that cannot render leaves the rest usable.
  let main;
  if (settingsOpen)
    main = (
      <SurfaceBoundary surface="settings">
        <SettingsPanel onClose={closeSettings} />
      </SurfaceBoundary>
    );
  else if (nameUnchosen)
    main = (
      <SurfaceBoundary surface="pairing">
        <NameDeviceStep />
      </SurfaceBoundary>
    );
  else if (!pairingOpen && selected)
    main = (
      <SurfaceBoundary surface="conversation" resetKey={selected}>
        <ConversationView deviceId={selected} />
      </SurfaceBoundary>
    );
  else
    main = (
      <SurfaceBoundary surface="pairing">
        <PairingView />
      </SurfaceBoundary>
    );

  return (
    <div className="app" data-view={listShown ? 'list' : 'detail'}>
      <header className="topbar">
        <button
          type="button"
          className="back-to-list"
          aria-label={
            unread > 0 ? t('layout.backToDevicesUnread', { count: unread }) : t('layout.backToDevicesLabel')
          }
          onClick={showDeviceList}
        >
          <ChevronLeft aria-hidden="true" size={18} />
          {t('layout.backToDevices')}
          {unread > 0 && (
            <span className="badge" aria-hidden="true">
              {unread}
            </span>
          )}
        </button>
        <span className="brand">{t('app.name')}</span>
        <span className="this-device">{t('device.this', { name: deviceName })}</span>
        <button
          ref={settingsButton}
          type="button"
          className="nav-button"
          aria-pressed={settingsOpen}
          onClick={() => setSettingsOpen(!settingsOpen)}
        >
          <SettingsIcon aria-hidden="true" size={18} />
          <span className="nav-button-text">{t('nav.settings')}</span>
        </button>
      </header>
      <SurfaceBoundary surface="call">
        <CallSurface />
      </SurfaceBoundary>
      <SurfaceBoundary surface="sidebar">
        <DeviceList />
      </SurfaceBoundary>
      <main className="main">
        <PlainHttpNotice />
        {!settingsOpen && !nameUnchosen && <NotifyPrompt />}
        {main}
      </main>
      <Announcer />
    </div>
  );
}
