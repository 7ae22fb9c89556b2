import { Phone } from 'lucide-react';
import { useFerry, useT } from '../../ui/ferry-context';
import { useCalls } from './call-context';
import './call.css';

/**
 * "Call <device>" in the conversation header: the same action as the tray menu's. Where this
 * device cannot make calls at all (a browser page that is not a secure context has no
 * microphone), the button is disabled and a sentence beside it says why and what to do instead.
 */
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
  const unavailable = !calls.canCallHere;
  const why = unavailable
    ? t('call.notPossible.insecure')
    : !online
      ? t('call.notPossible.offline', { name: peerName })
      : inCall
        ? t('call.notPossible.busy')
        : undefined;
  return (
    <>
      <button
        type="button"
        className="call-button"
        aria-label={t('call.start', { name: peerName })}
        aria-describedby={unavailable ? 'call-unavailable' : undefined}
        disabled={unavailable || !online || inCall}
        title={why}
        onClick={() => calls.place(deviceId)}
      >
        <Phone aria-hidden="true" size={16} />
        <span className="call-button-text">{t('call.start', { name: peerName })}</span>
      </button>
      {unavailable && (
        <p id="call-unavailable" className="hint call-unavailable">
          {why}
        </p>
      )}
    </>
  );
}
