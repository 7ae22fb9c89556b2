import { Phone } from 'lucide-react';
import { useFerry, useT } from '../../ui/ferry-context';
import { useCalls } from './call-context';
import './call.css';

/** "Call <device>" in the conversation header: the same action as the tray menu's. */
export function CallButton({
  deviceId,
  peerName,
  online,
}: {
  deviceId: string;
  peerName: string;
  online: boolean;
}) {
  const t = useT();
  const calls = useCalls();
  const inCall = useFerry((state) => state.call !== null);
  const why = !online
    ? t('call.notPossible.offline', { name: peerName })
    : inCall
      ? t('call.notPossible.busy')
      : undefined;
  return (
    <button
      type="button"
      className="call-button"
      aria-label={t('call.start', { name: peerName })}
      disabled={!online || inCall}
      title={why}
      onClick={() => calls.place(deviceId)}
    >
      <Phone aria-hidden="true" size={16} />
      <span className="call-button-text">{t('call.start', { name: peerName })}</span>
    </button>
  );
}
