import { Phone, PhoneIncoming, PhoneOff } from 'lucide-react';
import { useId } from 'react';
import { useFerry, useT } from '../../ui/ferry-context';
import { useCalls } from './call-context';
import { useRingTone } from './ring-tone';
import './call.css';

/**
 * The ring: a ring tone and an alert dialog, so screen readers interrupt to say who is calling,
 * with Accept focused. The microphone opens only when Accept is pressed.
 */
export function IncomingCallDialog() {
  const t = useT();
  const calls = useCalls();
  const call = useFerry((state) => state.call);
  const name = useFerry((state) => (state.call ? (state.devices[state.call.peerId]?.name ?? '') : ''));
  const titleId = useId();
  const questionId = useId();
  const ringing = call?.phase === 'incoming-ringing';
  useRingTone(ringing);
  if (!ringing) return null;

  return (
    <div className="incoming-call" role="alertdialog" aria-labelledby={titleId} aria-describedby={questionId}>
      <span className="ring-icon" aria-hidden="true">
        <PhoneIncoming size={24} />
      </span>
      <div className="ring-text">
        <h2 id={titleId}>{t('call.incoming.label')}</h2>
        <p id={questionId}>{t('call.incoming.question', { name })}</p>
      </div>
      <div className="row">
        {/* Taking focus is what an alert dialog is for: Enter answers, Tab reaches Decline. */}
        <button type="button" className="primary" autoFocus onClick={() => calls.accept()}>
          <Phone aria-hidden="true" size={18} />
          {t('call.accept')}
        </button>
        <button type="button" className="danger" onClick={() => calls.decline()}>
          <PhoneOff aria-hidden="true" size={18} />
          {t('call.decline')}
        </button>
      </div>
    </div>
  );
}
