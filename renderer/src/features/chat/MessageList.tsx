import { memo, useEffect, useMemo, useRef } from 'react';
import type { CallRecord } from '../../engine/call/call-manager';
import { useEngine, useFerry, useLanguage, useT } from '../../ui/ferry-context';
import { timeOfDayFormat } from '../../i18n/formatters';
import type { ChatEntry } from '../../state/store';
import { CallTimelineEntry } from '../call/CallTimelineEntry';
import { isCallLine, withCallRecords } from '../call/call-timeline';
import { useDeviceTransfers, withTransfers } from '../transfer/TransferTimeline';

const EMPTY: readonly ChatEntry[] = [];
const NO_CALLS: readonly CallRecord[] = [];

/**
 * The conversation as a log: role="log" makes it a polite live region, so screen readers read out
 * lines as they arrive without interrupting.
 */
export function MessageList({ deviceId, peerName }: { deviceId: string; peerName: string }) {
  const t = useT();
  const entries = useFerry((state) => state.chats[deviceId] ?? EMPTY);
  const transfers = useDeviceTransfers(deviceId);
  const calls = useFerry((state) => state.callRecords[deviceId] ?? NO_CALLS);
  const lines = useMemo(() => withCallRecords(entries, calls), [entries, calls]);
  const end = useRef<HTMLLIElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'end' });
  }, [entries.length, transfers.length, calls.length]);

  return (
    <ol className="messages" role="log" aria-label={t('chat.historyLabel', { name: peerName })}>
      {lines.length === 0 && transfers.length === 0 && <li className="muted empty">{t('chat.empty')}</li>}
      {withTransfers(lines, transfers, peerName, (entry) =>
        isCallLine(entry) ? (
          <CallTimelineEntry record={entry.record} peerName={peerName} />
        ) : (
          <ChatLine entry={entry} deviceId={deviceId} peerName={peerName} />
        ),
      )}
      <li ref={end} aria-hidden="true" className="end" />
    </ol>
  );
}

/**
 * One chat line. Memoized: entries keep their identity in the store until they change, so a
 * transfer's progress (several updates a second) or a new message re-renders only what changed,
 * not every line of a long conversation.
 */
const ChatLine = memo(function ChatLine({
  entry,
  deviceId,
  peerName,
}: {
  entry: ChatEntry;
  deviceId: string;
  peerName: string;
}) {
  const t = useT();
  const time = timeOfDayFormat(useLanguage());
  const engine = useEngine();
  return (
    <li key={entry.id} className={`message ${entry.direction}`}>
      <span className="visually-hidden">{entry.direction === 'out' ? t('chat.you') : peerName}: </span>
      <span className="text">{entry.text}</span>
      <span className="meta">
        <time dateTime={new Date(entry.sentAt).toISOString()}>{time.format(entry.sentAt)}</time>
        {entry.direction === 'out' && (
          <>
            <span className={`tick ${entry.status}`} aria-label={t(`chat.status.${entry.status}`)} role="img">
              {entry.status === 'delivered' ? '✓' : entry.status === 'failed' ? '!' : '…'}
            </span>
            {entry.status === 'failed' && (
              <button
                type="button"
                className="link"
                onClick={() =>
                  engine.resendChat(deviceId, { id: entry.id, text: entry.text, sentAt: entry.sentAt })
                }
              >
                {t('chat.resend')}
              </button>
            )}
          </>
        )}
      </span>
    </li>
  );
});
