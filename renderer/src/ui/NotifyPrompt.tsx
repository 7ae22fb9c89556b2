import { BellRing } from 'lucide-react';
import { useState } from 'react';
import { useFerry, useHost, useT } from './ferry-context';
import { focusMainPane } from './focus';

const DISMISSED_KEY = 'ferry.notifyPrompt.dismissed';

/**
 * Browser only: offers notifications once there is someone to hear from (a paired device), saying
 * why, and asks the browser only when the person clicks "Turn on notifications" — never on load,
 * which browsers ignore and people resent. "Not now" is remembered in this browser.
 */
export function NotifyPrompt({
  storage = window.localStorage,
}: {
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}) {
  const t = useT();
  const permission = useHost().notificationPermission;
  const hasDevices = useFerry((state) => Object.keys(state.devices).length > 0);
  const [answered, setAnswered] = useState(() => storage.getItem(DISMISSED_KEY) !== null);
  if (!permission || answered || !hasDevices || permission.state() !== 'default') return null;

  const close = () => {
    setAnswered(true);
    // The buttons go away with the prompt: on to what the main pane is for.
    focusMainPane();
  };
  const turnOn = async () => {
    try {
      await permission.request();
    } finally {
      close();
    }
  };
  const notNow = () => {
    storage.setItem(DISMISSED_KEY, String(Date.now()));
    close();
  };

  return (
    <section className="notify-prompt" aria-labelledby="notify-prompt-text">
      <BellRing aria-hidden="true" size={20} />
      <p id="notify-prompt-text">{t('notify.why')}</p>
      <div className="row">
        <button type="button" className="primary" onClick={() => void turnOn()}>
          {t('notify.enable')}
        </button>
        <button type="button" onClick={notNow}>
          {t('notify.dismiss')}
        </button>
      </div>
    </section>
  );
}
