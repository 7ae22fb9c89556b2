import { memo, useEffect, useRef, useState } from 'react';
import { focusLost } from '../../ui/focus';
import type { TransferFileView, TransferView } from '../../engine/transfer/transfer-types';
import type { Language, MessageKey, Translate } from '../../i18n/i18n';
import { useHost, useLanguage, useT } from '../../ui/ferry-context';
import { formatBytes, formatDuration, formatSummary } from './format';
import { useTransferManager } from './transfer-context';

/** Files listed on a card; the rest are counted. */
const FILES_SHOWN = 20;

function statusText(view: TransferView, peerName: string, t: Translate, language: Language): string {
  const name = { name: peerName };
  switch (view.phase) {
    case 'offered':
      return t('transfer.phase.offered', name);
    case 'awaiting-you':
      return t('transfer.phase.awaiting-you');
    case 'transferring':
      return t(view.direction === 'out' ? 'transfer.phase.sending' : 'transfer.phase.receiving');
    case 'paused':
      return t('transfer.phase.paused', name);
    case 'done':
      return t(view.direction === 'out' ? 'transfer.phase.done.out' : 'transfer.phase.done.in', name);
    case 'declined':
      if (view.limitBytes !== undefined) {
        const limit = formatBytes(view.limitBytes, language);
        return view.endedBy === 'you'
          ? t('transfer.phase.declined.tooLarge.you', { limit })
          : t('transfer.phase.declined.tooLarge.peer', { name: peerName, limit });
      }
      return t(view.endedBy === 'you' ? 'transfer.phase.declined.you' : 'transfer.phase.declined.peer', name);
    case 'cancelled':
      return t(
        view.endedBy === 'you' ? 'transfer.phase.cancelled.you' : 'transfer.phase.cancelled.peer',
        name,
      );
    case 'failed':
      return t('transfer.phase.failed', { reason: t(failureReason(view), name) });
  }
}

/**
 * Why it stopped, in words for this side. "Permission denied" is the only code either side can
 * hit: the sender reading a file, or the receiver writing to its folder.
 */
function failureReason(view: TransferView): MessageKey {
  const error = view.error ?? 'WRITE_FAILED';
  if (error !== 'PERMISSION_DENIED') return `transfer.error.${error}`;
  const failedHere = view.endedBy === 'you';
  const receiverFailed = view.direction === 'in' ? failedHere : !failedHere;
  if (!receiverFailed) return 'transfer.error.PERMISSION_DENIED.read';
  return view.direction === 'in'
    ? 'transfer.error.PERMISSION_DENIED'
    : 'transfer.error.PERMISSION_DENIED.theirs';
}

/** A progress bar a screen reader can name and read ("3 MB of 10 MB"). */
function Progress({
  label,
  done,
  total,
  complete,
  language,
  t,
}: {
  label: string;
  done: number;
  total: number;
  complete: boolean;
  language: Language;
  t: Translate;
}) {
  // <progress max=0> would be indeterminate: an empty file is 0 of 1 until it is there, then 1 of 1.
  const value = total === 0 ? (complete ? 1 : 0) : Math.min(done, total);
  return (
    <progress
      max={Math.max(total, 1)}
      value={value}
      aria-label={label}
      aria-valuetext={t('transfer.progress.amount', {
        done: formatBytes(done, language),
        total: formatBytes(total, language),
      })}
    />
  );
}

function FileRow({
  file,
  direction,
  language,
  t,
}: {
  file: TransferFileView;
  direction: TransferView['direction'];
  language: Language;
  t: Translate;
}) {
  const host = useHost();
  const [problem, setProblem] = useState(false);
  const saved =
    direction === 'in' && file.state === 'done' && file.location !== undefined ? file.location : null;
  const actions = host.savedFiles;
  const run = (action: ((location: string) => Promise<void>) | undefined) => {
    if (!action || saved === null) return;
    action(saved).then(
      () => setProblem(false),
      () => setProblem(true),
    );
  };
  const download = async () => {
    if (!actions?.downloadUrl || saved === null) return;
    try {
      const url = await actions.downloadUrl(saved);
      const link = document.createElement('a');
      link.href = url;
      link.download = file.savedName?.split('/').pop() ?? file.path;
      link.click();
      // The object URL only needs to live until the browser has started the download.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch {
      setProblem(true);
    }
  };

  return (
    <li className={`transfer-file ${file.state}`}>
      <span className="transfer-file-name">{file.path}</span>
      <span className="transfer-file-size">{formatBytes(file.size, language)}</span>
      <Progress
        label={t('transfer.progress.file', { file: file.path })}
        done={file.done}
        total={file.size}
        complete={file.state === 'done'}
        language={language}
        t={t}
      />
      {file.state === 'done' && file.savedName && (
        <span className="transfer-file-saved">{t('transfer.file.done', { name: file.savedName })}</span>
      )}
      {file.state === 'failed' && <span className="error">{t('transfer.file.failed')}</span>}
      {saved !== null && (
        <span className="transfer-file-actions">
          {actions?.open && (
            <button type="button" className="link" onClick={() => run(actions.open)}>
              {t('transfer.open')}
            </button>
          )}
          {actions?.showInFolder && (
            <button type="button" className="link" onClick={() => run(actions.showInFolder)}>
              {t('transfer.showInFolder')}
            </button>
          )}
          {actions?.downloadUrl && (
            <button type="button" className="link" onClick={() => void download()}>
              {t('transfer.download', { name: file.savedName?.split('/').pop() ?? file.path })}
            </button>
          )}
        </span>
      )}
      {problem && <span className="error">{t('transfer.error.READ_FAILED')}</span>}
    </li>
  );
}

/**
 * One transfer in the conversation: who, what, how much; Accept / Decline for an offer; then
 * progress per file and overall, speed, time left, Cancel; and the outcome in words. The card is
 * kept out of the conversation's live region (progress would be read out many times a second);
 * offers and outcomes are announced through the app's announcer instead. Memoized: progress of
 * one transfer re-renders its own card, not every card in the conversation.
 */
export const TransferCard = memo(function TransferCard({
  view,
  peerName,
}: {
  view: TransferView;
  peerName: string;
}) {
  const t = useT();
  const language = useLanguage();
  const manager = useTransferManager();
  const receiveLimit = useHost().receive?.limitBytes;
  const summary = formatSummary(view.files.length, view.totalBytes, language, t);
  const label = t(view.direction === 'out' ? 'transfer.cardLabel.out' : 'transfer.cardLabel.in', {
    name: peerName,
  });
  // A failed transfer that can still resume can also be given up (which drops what was kept).
  const active =
    view.phase === 'transferring' ||
    view.phase === 'paused' ||
    view.phase === 'offered' ||
    view.resumableBy !== undefined;
  const shown = view.files.slice(0, FILES_SHOWN);
  const actions = useRef<HTMLDivElement>(null);
  // Accept and Decline go away once answered; focus goes on to this card's next button (Cancel).
  useEffect(() => {
    if (view.phase !== 'awaiting-you' && focusLost()) actions.current?.querySelector('button')?.focus();
  }, [view.phase]);

  return (
    <article className={`transfer-card ${view.direction} ${view.phase}`} aria-label={label} aria-live="off">
      <header className="transfer-head">
        <span className="transfer-direction" aria-hidden="true">
          {view.direction === 'out' ? '↑' : '↓'}
        </span>
        <span className="transfer-summary">
          {view.phase === 'awaiting-you' ? t('transfer.offerQuestion', { name: peerName, summary }) : summary}
        </span>
      </header>
      <p
        className={`transfer-status ${view.phase === 'failed' ? 'error' : ''}`}
        data-testid="transfer-status"
      >
        {statusText(view, peerName, t, language)}
      </p>
      {view.phase === 'awaiting-you' && receiveLimit !== undefined && (
        <p className="hint">{t('transfer.limitHint', { limit: formatBytes(receiveLimit, language) })}</p>
      )}
      {view.phase === 'failed' && view.resumableBy !== undefined && (
        <p className="hint">
          {view.resumableBy === 'you'
            ? t('transfer.retryHint.you')
            : t('transfer.retryHint.peer', { name: peerName })}
        </p>
      )}
      {view.phase !== 'awaiting-you' && view.phase !== 'declined' && (
        <div className="transfer-overall">
          <Progress
            label={t('transfer.progress.overall')}
            done={view.doneBytes}
            total={view.totalBytes}
            complete={view.phase === 'done'}
            language={language}
            t={t}
          />
          <span className="transfer-amount">
            {t('transfer.progress.amount', {
              done: formatBytes(view.doneBytes, language),
              total: formatBytes(view.totalBytes, language),
            })}
          </span>
          {view.phase === 'transferring' && view.bytesPerSecond > 0 && (
            <span className="transfer-speed">
              {t('transfer.speed', { speed: formatBytes(view.bytesPerSecond, language) })}
              {view.secondsLeft !== null &&
                ` · ${t('transfer.eta', { time: formatDuration(view.secondsLeft, t) })}`}
            </span>
          )}
        </div>
      )}
      <ul className="transfer-files">
        {shown.map((file, index) => (
          <FileRow key={index} file={file} direction={view.direction} language={language} t={t} />
        ))}
        {view.files.length > shown.length && (
          <li className="muted">{t('transfer.moreFiles', { count: view.files.length - shown.length })}</li>
        )}
      </ul>
      <div className="row transfer-actions" ref={actions}>
        {view.phase === 'awaiting-you' && (
          <>
            <button type="button" className="primary" onClick={() => manager.accept(view.key)}>
              {t('transfer.accept')}
            </button>
            <button type="button" onClick={() => manager.decline(view.key)}>
              {t('transfer.decline')}
            </button>
          </>
        )}
        {view.phase === 'failed' && view.resumableBy === 'you' && (
          <button type="button" className="primary" onClick={() => manager.retry(view.key)}>
            {t('transfer.retry')}
          </button>
        )}
        {active && (
          <button type="button" onClick={() => manager.cancel(view.key)}>
            {t('transfer.cancel')}
          </button>
        )}
      </div>
    </article>
  );
});
