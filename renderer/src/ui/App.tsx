import { useEffect } from 'react';
import { CallSurface } from '../features/call/CallSurface';
import { ConversationView } from '../features/chat/ConversationView';
import { DeviceList } from '../features/devices/DeviceList';
import { PairingView } from '../features/pairing/PairingView';
import { SettingsPanel } from '../features/settings/SettingsPanel';
import { carriesFiles } from '../features/transfer/drag-state';
import { Announcer } from './Announcer';
import { useFerry, useLanguage, useT } from './ferry-context';

export function App() {
  const t = useT();
  const language = useLanguage();
  const deviceName = useFerry((state) => state.settings.deviceName);
  const pairingOpen = useFerry((state) => state.pairingOpen);
  const selected = useFerry((state) => state.selectedDeviceId);
  const settingsOpen = useFerry((state) => state.settingsOpen);
  const setSettingsOpen = useFerry((state) => state.setSettingsOpen);

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
    document.title = t('app.name');
  }, [language, t]);

  let main;
  if (settingsOpen) main = <SettingsPanel onClose={() => setSettingsOpen(false)} />;
  else if (!pairingOpen && selected) main = <ConversationView deviceId={selected} />;
  else main = <PairingView />;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">{t('app.name')}</span>
        <span className="this-device">{t('device.this', { name: deviceName })}</span>
        <button type="button" aria-pressed={settingsOpen} onClick={() => setSettingsOpen(!settingsOpen)}>
          {t('nav.settings')}
        </button>
      </header>
      <DeviceList />
      <main className="main">
        <CallSurface />
        {main}
      </main>
      <Announcer />
    </div>
  );
}
