/** Calls in words: how a finished call reads in the timeline (and is announced), and durations. */
import type { CallRecord } from '../../engine/call/call-manager';
import type { MessageKey } from '../../i18n/i18n';

/** `m:ss`, or `h:mm:ss` from an hour: the same in every language Ferry speaks. */
export function formatCallDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export interface CallText {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, string>>;
}

export function callRecordText(record: CallRecord, peerName: string): CallText {
  const name = { name: peerName };
  if (record.durationMs !== null) {
    // Audio flowed: a call that happened, however it ended.
    if (record.reason === 'connection-lost') return { key: 'call.record.connection-lost', params: name };
    return {
      key: 'call.record.talked',
      params: { ...name, duration: formatCallDuration(record.durationMs) },
    };
  }
  switch (record.reason) {
    case 'hung-up':
    case 'peer-hung-up':
      return { key: 'call.record.ended', params: name };
    case 'connection-lost':
      return { key: 'call.record.failed', params: name };
    default:
      return { key: `call.record.${record.reason}`, params: name };
  }
}
