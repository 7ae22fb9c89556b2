import { memo } from 'react';
import type { CallRecord } from '../../engine/call/call-manager';
import { timeOfDayFormat } from '../../i18n/formatters';
import { useLanguage, useT } from '../../ui/ferry-context';
import { callRecordText } from './call-text';
import './call.css';

/** A finished call in the conversation: missed, declined, or how long it lasted. Memoized, as chat lines are. */
export const CallTimelineEntry = memo(function CallTimelineEntry({
  record,
  peerName,
}: {
  record: CallRecord;
  peerName: string;
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
        {record.direction === 'outgoing' ? '↗' : '↙'}
      </span>
      <span className="visually-hidden">{t(`call.record.${record.direction}`)}: </span>
      <span className="text">{t(text.key, text.params)}</span>{' '}
      <time className="meta" dateTime={new Date(record.startedAt).toISOString()}>
        {time.format(record.startedAt)}
      </time>
    </li>
  );
});
