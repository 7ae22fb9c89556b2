import { ArrowDown, RotateCw } from 'lucide-react';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CallRecord } from '../../engine/call/call-manager';
import { useConversationHistory } from '../../history/history-context';
import { useEngine, useFerry, useLanguage, useT } from '../../ui/ferry-context';
import { dayFormat, timeOfDayFormat } from '../../i18n/formatters';
import type { ChatEntry } from '../../state/store';
import { CallTimelineEntry } from '../call/CallTimelineEntry';
import { isCallLine, withCallRecords } from '../call/call-timeline';
import { useDeviceTransfers, withTransfers } from '../transfer/TransferTimeline';
import { linkPieces } from './chat-links';
import { dayKey, dayName } from './day-separators';

const EMPTY: readonly ChatEntry[] = [];
const NO_CALLS: readonly CallRecord[] = [];
/** How close to the end (in CSS pixels) still counts as reading the newest lines. */
const AT_END_SLACK = 48;
/** How close to the top (in CSS pixels) reads the next older page, before the reader gets there. */
const NEAR_TOP = 400;

/** The current time, refreshed every minute: enough for "Today" to become "Yesterday" at midnight. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * The conversation: the only part of the window that scrolls. role="log" makes it a polite live
 * region, so screen readers read out lines as they arrive without interrupting. It follows new
 * lines while the reader is at the end; a reader who scrolled up keeps their place and gets a
 * "New messages" button instead. Sending something always goes to the end. Nearing the top reads
 * the next older page from the kept history and puts it above, keeping the reader's place.
 */
export function MessageList({ deviceId, peerName }: { deviceId: string; peerName: string }) {
  const t = useT();
  const language = useLanguage();
  const entries = useFerry((state) => state.chats[deviceId] ?? EMPTY);
  const transfers = useDeviceTransfers(deviceId);
  const calls = useFerry((state) => state.callRecords[deviceId] ?? NO_CALLS);
  const lines = useMemo(() => withCallRecords(entries, calls), [entries, calls]);
  const now = useMinuteClock();
  const history = useConversationHistory();
  const paging = useFerry((state) => state.historyPaging[deviceId]);
  /** Where the reader was when an older page was asked for: their place is kept when it arrives. */
  const keepPlace = useRef<{ height: number; top: number; focused: boolean } | null>(null);
  const edgeButton = useRef<HTMLButtonElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const atEndRef = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const total = lines.length + transfers.length;
  // The newest line, not the count: older pages arriving above are not new messages.
  const newest = `${lines.at(-1)?.id ?? ''}|${transfers.at(-1)?.key ?? ''}`;
  const oldest = `${lines[0]?.id ?? ''}|${transfers[0]?.key ?? ''}`;
  const [seen, setSeen] = useState(newest);
  const newestOutgoing = useMemo(() => {
    const chat = entries.findLast((entry) => entry.direction === 'out')?.id ?? '';
    const card = transfers.findLast((view) => view.direction === 'out')?.key ?? '';
    return `${chat}|${card}`;
  }, [entries, transfers]);
  const sentBefore = useRef(newestOutgoing);

  const scrollToEnd = (smooth: boolean) => {
    const element = scroller.current;
    if (!element) return;
    const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? true;
    if (smooth && !reduce) element.scrollTo?.({ top: element.scrollHeight, behavior: 'smooth' });
    else element.scrollTop = element.scrollHeight;
  };

  useLayoutEffect(() => {
    const sent = newestOutgoing !== sentBefore.current;
    sentBefore.current = newestOutgoing;
    if (atEndRef.current || sent) {
      const element = scroller.current;
      if (element) element.scrollTop = element.scrollHeight;
    }
  }, [total, newestOutgoing]);

  const loadOlder = () => {
    const element = scroller.current;
    if (!history || !paging?.before || paging.loading || !element) return;
    keepPlace.current = {
      height: element.scrollHeight,
      top: element.scrollTop,
      focused: document.activeElement !== null && document.activeElement === edgeButton.current,
    };
    void history.loadOlder(deviceId);
  };

  // An older page put above: the lines that were on screen stay where they were.
  useLayoutEffect(() => {
    const element = scroller.current;
    const place = keepPlace.current;
    if (!element || !place) return;
    keepPlace.current = null;
    // The last page took the button away: the focus goes to the history rather than the page.
    if (place.focused && !edgeButton.current) element.focus({ preventScroll: true });
    if (atEndRef.current) return;
    element.scrollTop = element.scrollHeight - place.height + place.top;
  }, [oldest]);

  // A conversation too short to scroll yet has more on disk: read on until it fills the pane.
  useEffect(() => {
    const element = scroller.current;
    if (element && element.scrollHeight <= element.clientHeight) loadOlder();
  });

  // The pane changing height (the window resized, the composer grew) keeps a reader at the end there.
  useEffect(() => {
    const element = scroller.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atEndRef.current) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const element = scroller.current;
    if (!element) return;
    const end = element.scrollHeight - element.scrollTop - element.clientHeight <= AT_END_SLACK;
    atEndRef.current = end;
    setAtEnd(end);
    if (end) setSeen(newest);
    if (element.scrollTop <= NEAR_TOP) loadOlder();
  };

  // A separator before the first line of each day.
  const days = new Set<string>();
  const before = (time: number): ReactNode => {
    const key = dayKey(time);
    if (days.has(key)) return null;
    days.add(key);
    const name = dayName(time, now);
    const label =
      name.kind === 'today'
        ? t('chat.today')
        : name.kind === 'yesterday'
          ? t('chat.yesterday')
          : dayFormat(language).format(time);
    return (
      <li className="day-separator">
        <time dateTime={new Date(time).toISOString().slice(0, 10)}>{label}</time>
      </li>
    );
  };

  const unseen = !atEnd && newest !== seen;
  const shown = lines.length > 0 || transfers.length > 0;
  return (
    <div className="message-pane">
      <div
        ref={scroller}
        className="messages"
        role="log"
        aria-label={t('chat.historyLabel', { name: peerName })}
        // Keyboard users scroll the history with the arrow keys once it has focus.
        tabIndex={0}
        onScroll={onScroll}
      >
        <ol className="message-lines">
          {paging?.before ? (
            <li className="history-edge">
              {/* One button throughout, so a keyboard user's focus stays on it while pages load. */}
              <button
                ref={edgeButton}
                type="button"
                className="link"
                aria-disabled={paging.loading}
                onClick={loadOlder}
              >
                {paging.loading ? t('history.loadingEarlier') : t('history.loadEarlier')}
              </button>
            </li>
          ) : (
            paging &&
            shown && (
              <li className="history-edge">
                <p>
                  {paging.loading ? t('history.loadingEarlier') : t('history.beginning', { name: peerName })}
                </p>
              </li>
            )
          )}
          {lines.length === 0 && transfers.length === 0 && (
            <li className="empty">
              <p>{t('chat.empty')}</p>
              <p className="hint">{t('chat.dropHint', { name: peerName })}</p>
            </li>
          )}
          {withTransfers(
            lines,
            transfers,
            peerName,
            (entry) =>
              isCallLine(entry) ? (
                <CallTimelineEntry record={entry.record} peerName={peerName} deviceId={deviceId} />
              ) : (
                <ChatLine entry={entry} deviceId={deviceId} peerName={peerName} />
              ),
            before,
          )}
        </ol>
      </div>
      {unseen && (
        <button type="button" className="new-messages" onClick={() => scrollToEnd(true)}>
          {t('chat.newMessages')}
          <ArrowDown aria-hidden="true" size={16} />
        </button>
      )}
    </div>
  );
}

/** The message's text, with web links as anchors that open outside the app. */
function MessageText({ text }: { text: string }) {
  const pieces = useMemo(() => linkPieces(text), [text]);
  return (
    <span className="text">
      {pieces.map((piece, index) =>
        piece.kind === 'text' ? (
          piece.text
        ) : (
          // A new browsing context, never this window: in a browser a new tab, on the desktop the
          // main process hands it to the system browser (setWindowOpenHandler).
          <a key={index} href={piece.href} target="_blank" rel="noopener noreferrer">
            {piece.text}
          </a>
        ),
      )}
    </span>
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
  const failed = entry.direction === 'out' && entry.status === 'failed';
  return (
    <li className={`message ${entry.direction}${failed ? ' failed' : ''}`}>
      <span className="visually-hidden">{entry.direction === 'out' ? t('chat.you') : peerName}: </span>
      <MessageText text={entry.text} />
      <span className="meta">
        <time dateTime={new Date(entry.sentAt).toISOString()}>{time.format(entry.sentAt)}</time>
        {entry.direction === 'out' && !failed && (
          <span className={`tick ${entry.status}`} aria-label={t(`chat.status.${entry.status}`)} role="img">
            {entry.status === 'delivered' ? '✓' : entry.status === 'waiting' ? '◷' : '…'}
          </span>
        )}
      </span>
      {failed && (
        <span className="failed-row">
          <span className="failed-text">{t('chat.status.failed')}</span>
          <button
            type="button"
            className="resend"
            onClick={() =>
              engine.resendChat(deviceId, { id: entry.id, text: entry.text, sentAt: entry.sentAt })
            }
          >
            <RotateCw aria-hidden="true" size={14} />
            {t('chat.resend')}
          </button>
        </span>
      )}
    </li>
  );
});
