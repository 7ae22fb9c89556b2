import { ArrowDown, RotateCw } from 'lucide-react';
import {
  isValidElement,
  memo,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
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
/** How close to an edge of what is in the page (in CSS pixels) brings the next lines, before the reader gets there. */
const NEAR_EDGE = 400;
/**
 * Timeline items in the page at most: several screens' worth on a tall window, so that a long
 * conversation (10,000 lines) costs what a short one does to open, scroll and update.
 */
export const WINDOW = 120;
/** Items added at one edge (and dropped at the other) when the reader nears it. */
export const STEP = 60;
/** New incoming lines kept in the hidden live region (only additions are read out). */
const ANNOUNCED = 5;

/**
 * Which items are in the page: null follows the newest ones; otherwise `size` items from
 * `firstKey` on, and up to `above` more before it once there are some (an older page on its way
 * from disk is shown as soon as it is in the store).
 */
type InPage = {
  readonly firstKey: string;
  readonly size: number;
  readonly above?: number;
  /**
   * The last item on (or near) the screen when the window moved up: it and all above it stay in the page
   * whatever the window's size, or the reader's own lines would be dropped (the top button can be
   * pressed while it is off screen: a keyboard focus kept on it, a screen reader's cursor).
   */
  readonly through?: string | undefined;
} | null;

/** What to do with the scroll position once the next window is drawn. */
type Pending =
  | { readonly kind: 'end' }
  /**
   * Keep this element (the top line on screen) where it was; failing that, the distance from the
   * bottom (what putting lines above leaves unchanged).
   */
  | {
      readonly kind: 'anchor';
      readonly element: Element;
      readonly offset: number;
      readonly fromBottom: number;
    };

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
 * Incoming lines that arrived while this conversation was open, the last few, for a live region of
 * their own: the visible list adds and drops lines as the reader scrolls (which must not be read
 * out), and a line arriving while the reader is far up is not in the page at all. `settled`: the
 * conversation's newest page has been read from disk, so lines appearing in an empty conversation
 * from then on are new rather than kept ones.
 */
function useNewIncoming(entries: readonly ChatEntry[], settled: boolean): readonly ChatEntry[] {
  const last = entries.at(-1);
  const [state, setState] = useState({ last, settled, fresh: [] as readonly ChatEntry[] });
  if (last !== state.last || settled !== state.settled) {
    // Adjusting state while rendering (React's documented pattern for state derived from props).
    const previous = state.last;
    // By id: a line changes object when its tick arrives. Pages of older lines go above it.
    const after = previous
      ? entries.findLastIndex((entry) => entry.id === previous.id && entry.direction === previous.direction)
      : -1;
    const arrived =
      previous || state.settled ? entries.slice(after + 1).filter((entry) => entry.direction === 'in') : [];
    setState({ last, settled, fresh: [...state.fresh, ...arrived].slice(-ANNOUNCED) });
  }
  return state.fresh;
}

/**
 * The conversation: the only part of the window that scrolls. It follows new lines while the
 * reader is at the end; a reader who scrolled up keeps their place and gets a "New messages"
 * button instead. Sending something always goes to the end.
 *
 * Windowed: only about WINDOW items around the reader are in the page. Nearing the top brings
 * earlier items from memory, and once those run out, the next older page from the kept history;
 * nearing the bottom brings later ones; either way the line the reader is looking at stays where it
 * is. Buttons at both edges do the same for keyboard and screen-reader users. New incoming lines
 * are read out by a hidden live region of their own (see useNewIncoming).
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
  const fresh = useNewIncoming(entries, history === null || paging !== undefined);
  const edgeButton = useRef<HTMLButtonElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const atEndRef = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const [inPage, setInPage] = useState<InPage>(null);
  const pending = useRef<Pending | null>(null);
  /**
   * The reader's line after the window moved, held where it was until the reader scrolls: the
   * lines put above it are drawn at a stand-in height (`content-visibility: auto`, see .message),
   * and Chromium gives those near the screen their real height a frame or two later, which would
   * push the reader's line down by a line or more (the browser's own scroll anchoring is off here,
   * as it fought the placing below). `scrollTop`: where this code last put the pane, so that its
   * own scroll events are told from the reader's.
   */
  const held = useRef<{ readonly element: Element; readonly offset: number; scrollTop: number } | null>(null);
  /** The top button had the focus when it was used (it may go away with the last page). */
  const edgeFocused = useRef(false);
  // The newest line, not the count: older pages arriving above are not new messages.
  const newest = `${lines.at(-1)?.id ?? ''}|${transfers.at(-1)?.key ?? ''}`;
  const [seen, setSeen] = useState(newest);
  const newestOutgoing = useMemo(() => {
    const chat = entries.findLast((entry) => entry.direction === 'out')?.id ?? '';
    const card = transfers.findLast((view) => view.direction === 'out')?.key ?? '';
    return `${chat}|${card}`;
  }, [entries, transfers]);
  const sentBefore = useRef(newestOutgoing);
  const [lastSent, setLastSent] = useState(newestOutgoing);
  if (newestOutgoing !== lastSent) {
    // Sending something goes to the end, wherever the reader was (state adjusted while rendering,
    // so that the newest lines are drawn before the scroll to them).
    setLastSent(newestOutgoing);
    if (inPage) setInPage(null);
  }

  // Every item of the timeline, built once per change of the conversation (not per scroll): each
  // is a keyed element, and only the slice in the window is drawn.
  const items = useMemo(() => {
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
    return withTransfers(
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
    );
  }, [lines, transfers, peerName, deviceId, now, language, t]);
  const keys = useMemo(() => items.map((item) => (isValidElement(item) ? String(item.key) : '')), [items]);
  const indexOfKey = useMemo(() => new Map(keys.map((key, index) => [key, index])), [keys]);

  const count = items.length;
  const first = inPage ? indexOfKey.get(inPage.firstKey) : undefined;
  // Following the newest lines, or the window's first line gone (a deleted conversation).
  const start = first === undefined ? Math.max(0, count - WINDOW) : Math.max(0, first - (inPage?.above ?? 0));
  const through = inPage?.through === undefined ? undefined : indexOfKey.get(inPage.through);
  const end =
    inPage && first !== undefined
      ? Math.max(
          Math.min(count, first + inPage.size, start + WINDOW),
          through === undefined ? 0 : through + 1,
        )
      : count;

  const scrollToEnd = (smooth: boolean) => {
    const element = scroller.current;
    if (!element) return;
    const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? true;
    if (smooth && !reduce) element.scrollTo?.({ top: element.scrollHeight, behavior: 'smooth' });
    else element.scrollTop = element.scrollHeight;
  };

  /** Back to the newest lines: drawn first if the window is elsewhere, then scrolled to. */
  const goToEnd = (smooth: boolean) => {
    if (!inPage) return scrollToEnd(smooth);
    pending.current = { kind: 'end' };
    setInPage(null);
  };

  /** Remembers the top line on screen, so that it stays put when the window moves. */
  const anchorHere = () => {
    const element = scroller.current;
    if (!element || !list.current) return;
    const top = element.getBoundingClientRect().top;
    for (const child of list.current.children) {
      // Not the edges, nor a day's separator: it moves to an earlier line of the same day when
      // those come in, and the element on screen is gone.
      if (child.classList.contains('history-edge') || child.classList.contains('day-separator')) continue;
      const rect = child.getBoundingClientRect();
      if (rect.bottom > top) {
        pending.current = {
          kind: 'anchor',
          element: child,
          offset: rect.top - top,
          fromBottom: element.scrollHeight - element.scrollTop,
        };
        return;
      }
    }
  };

  const keyAt = (index: number) => keys[index] ?? '';

  /**
   * The key of the last item on screen or just below it (a day's separator goes with the item
   * after it): more than NEAR_EDGE below the screen, so that the window kept does not bring later
   * lines straight back (showLater), dropping the earlier ones just put above.
   */
  const lastNearScreen = (): string | undefined => {
    const element = scroller.current;
    // A pane not laid out (hidden, or jsdom) has no screen to keep.
    if (!element || !list.current || element.clientHeight === 0) return undefined;
    const bottom = element.getBoundingClientRect().bottom;
    let index = start - 1;
    let last: number | undefined;
    for (const child of list.current.children) {
      if (child.classList.contains('history-edge') || child.classList.contains('empty')) continue;
      const separator = child.classList.contains('day-separator');
      if (!separator) index++;
      if (child.getBoundingClientRect().top >= bottom + 2 * NEAR_EDGE) break;
      last = separator ? index + 1 : index;
    }
    return last === undefined ? undefined : keyAt(Math.min(last, end - 1));
  };

  /** Puts the held line back where the reader had it, if the lines around it moved it. */
  function keepHeldLine() {
    const element = scroller.current;
    const line = held.current;
    if (!element || !line) return;
    if (!line.element.isConnected || atEndRef.current) {
      held.current = null;
      return;
    }
    const moved =
      line.element.getBoundingClientRect().top - element.getBoundingClientRect().top - line.offset;
    if (Math.abs(moved) >= 0.5) element.scrollTop += moved;
    line.scrollTop = element.scrollTop;
  }

  /** Reads the next older page from the kept history (the window is already at the top). */
  const loadOlder = () => {
    if (!history || !paging?.before || paging.loading) return;
    anchorHere();
    // A reader at the end of a short conversation follows the newest lines, and the window takes
    // in what arrives by itself; anyone else gets it put above the line they are reading.
    if (inPage || !atEndRef.current)
      setInPage({ firstKey: keyAt(0), size: end, above: STEP, through: lastNearScreen() });
    void history.loadOlder(deviceId);
  };

  /** Earlier items: from memory while there are some above the window, else from disk. */
  const showEarlier = () => {
    if (start === 0) return loadOlder();
    const from = Math.max(0, start - STEP);
    anchorHere();
    setInPage({ firstKey: keyAt(from), size: Math.min(WINDOW, end - from), through: lastNearScreen() });
  };

  const showLater = () => {
    if (end >= count) return;
    const to = Math.min(count, end + STEP);
    const from = Math.max(start, to - WINDOW);
    anchorHere();
    setInPage({ firstKey: keyAt(from), size: to - from });
  };

  const onEdgeButton = () => {
    edgeFocused.current = document.activeElement !== null && document.activeElement === edgeButton.current;
    showEarlier();
  };

  // The window moved: the line the reader was looking at stays where it was (or the end is shown).
  useLayoutEffect(() => {
    const element = scroller.current;
    const place = pending.current;
    if (element && edgeFocused.current && !edgeButton.current) {
      // The last page took the button away: the focus goes to the history rather than the page.
      edgeFocused.current = false;
      element.focus({ preventScroll: true });
    }
    if (!element || !place) return;
    pending.current = null;
    held.current = null;
    if (place.kind === 'end') {
      element.scrollTop = element.scrollHeight;
      return;
    }
    if (!place.element.isConnected) {
      element.scrollTop = element.scrollHeight - place.fromBottom;
      return;
    }
    held.current = { element: place.element, offset: place.offset, scrollTop: element.scrollTop };
    keepHeldLine();
  }, [start, end]);

  // Lines changing height (drawn for real near the screen, a thumbnail decoded) keep the held line
  // in place. A ResizeObserver's callback runs after layout and before paint: never seen moving.
  useEffect(() => {
    const element = list.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => keepHeldLine());
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // New lines follow a reader at the end; something sent goes there anyway (drawn by now).
  useLayoutEffect(() => {
    const sent = newestOutgoing !== sentBefore.current;
    sentBefore.current = newestOutgoing;
    if (atEndRef.current || sent) {
      held.current = null;
      const element = scroller.current;
      if (element) element.scrollTop = element.scrollHeight;
    }
  }, [count, newestOutgoing]);

  // A conversation too short to scroll yet has more: read on until it fills the pane (only once
  // the pane has a height: a page that is not laid out has nothing to fill).
  useEffect(() => {
    const element = scroller.current;
    if (element && element.clientHeight > 0 && element.scrollHeight <= element.clientHeight) showEarlier();
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
    // The reader scrolled (rather than this code placing their line): their line is theirs again.
    if (held.current && Math.abs(element.scrollTop - held.current.scrollTop) > 1) held.current = null;
    const fromEnd = element.scrollHeight - element.scrollTop - element.clientHeight;
    const atNewest = fromEnd <= AT_END_SLACK && end === count;
    atEndRef.current = atNewest;
    setAtEnd(atNewest);
    if (atNewest) {
      setSeen(newest);
      if (inPage) setInPage(null);
    } else if (!inPage && count > 0) {
      // Reading up: the window stays on these lines while new ones arrive below it.
      setInPage({ firstKey: keyAt(start), size: end - start });
    }
    if (element.scrollTop <= NEAR_EDGE) showEarlier();
    else if (fromEnd <= NEAR_EDGE) showLater();
  };

  const unseen = !atEnd && newest !== seen;
  const shown = count > 0;
  const earlier = start > 0 || Boolean(paging?.before);
  return (
    <div className="message-pane">
      <div
        ref={scroller}
        className="messages"
        role="log"
        aria-label={t('chat.historyLabel', { name: peerName })}
        // Lines come and go here as the reader scrolls; new ones are read out by the region below.
        aria-live="off"
        // Keyboard users scroll the history with the arrow keys once it has focus.
        tabIndex={0}
        onScroll={onScroll}
      >
        <ol className="message-lines" ref={list}>
          {earlier ? (
            <li className="history-edge">
              {/* One button throughout, so a keyboard user's focus stays on it while pages load. */}
              <button
                ref={edgeButton}
                type="button"
                className="link"
                aria-disabled={Boolean(paging?.loading)}
                onClick={onEdgeButton}
              >
                {paging?.loading ? t('history.loadingEarlier') : t('history.loadEarlier')}
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
          {!shown && (
            <li className="empty">
              <p>{t('chat.empty')}</p>
              <p className="hint">{t('chat.dropHint', { name: peerName })}</p>
            </li>
          )}
          {items.slice(start, end)}
          {end < count && (
            <li className="history-edge">
              <button type="button" className="link" onClick={showLater}>
                {t('history.loadLater')}
              </button>
            </li>
          )}
        </ol>
      </div>
      <div className="visually-hidden" role="log" aria-label={t('history.newLinesLabel', { name: peerName })}>
        {fresh.map((entry) => (
          <p key={entry.id}>{t('chat.incoming', { name: peerName, text: entry.text })}</p>
        ))}
      </div>
      {unseen && (
        <button type="button" className="new-messages" onClick={() => goToEnd(true)}>
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
