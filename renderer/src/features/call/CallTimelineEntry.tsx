import { PhoneIncoming, PhoneOutgoing } from 'lucide-react';
import { memo } from 'react';
import type { CallRecord } from '../../engine/call/call-manager';
import { timeOfDayFormat } from '../../i18n/formatters';
import { useFerry, useLanguage, useT } from '../../ui/ferry-context';
import { useCalls } from './call-context';
import { callRecordText } from './call-text';
import './call.css';

/** A finished call in the conversation: missed, declined, or how long it lasted. Memoized, as chat lines are. */
export const CallTimelineEntry = memo(function CallTimelineEntry({
  record,
  peerName,
  deviceId,
}: {
  record: CallRecord;
  peerName: string;
  deviceId: string;
}) {
  const t = useT();
  const language = useLanguage();
  const text = callRecordText(record, peerName);
  const time = timeOfDayFormat(language);
  const attention =
    record.reason === 'missed' || record.reason === 'failed' || record.reason === 'microphone-unavailable';
  return (
    <li className={`call-entry ${record.direction}${attention ? ' attention' : ''}`}>
      <span aria-hidden="true" className="call-icon">
        {record.direction === 'outgoing' ? <PhoneOutgoing size={14} /> : <PhoneIncoming size={14} />}
      </span>
      <span className="visually-hidden">{t(`call.record.${record.direction}`)}: </span>
      <span className="text">{t(text.key, text.params)}</span>{' '}
      <time className="meta" dateTime={new Date(record.startedAt).toISOString()}>
        {time.format(record.startedAt)}
      </time>
      {record.reason === 'missed' && <CallBackButton deviceId={deviceId} peerName={peerName} />}
    </li>
  );
});

/** "Call back" on a missed call: the same action as the header's Call button, with its rules. */
function CallBackButton({ deviceId, peerName }: { deviceId: string; peerName: string }) {
  const t = useT();
  const calls = useCalls();
  const possible = useFerry((state) => state.call === null && state.devices[deviceId]?.online === true);
  return (
    <button
      type="button"
      className="call-back"
      aria-label={t('call.callBackLabel', { name: peerName })}
      disabled={!possible}
      onClick={() => calls.place(deviceId)}
    >
      {t('call.callBack')}
    </button>
  );
}
