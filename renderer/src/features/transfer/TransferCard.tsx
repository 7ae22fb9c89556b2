import { Files, Folder, FolderOpen, FolderDown } from 'lucide-react';
import { memo, useEffect, useId, useRef, useState } from 'react';
import { focusLost } from '../../ui/focus';
import type { TransferFileView, TransferView } from '../../engine/transfer/transfer-types';
import type { Language, MessageKey, Translate } from '../../i18n/i18n';
import type { SavedFileActions } from '../../host/host';
import { useFerry, useHost, useLanguage, useT } from '../../ui/ferry-context';
import { KIND_ICONS, STATE_ICONS } from './card-icons';
import {
  cardLook,
  fileKind,
  folderOf,
  pathInFolder,
  percentDone,
  wantsThumbnail,
  type FolderSummary,
} from './card-model';
import { formatBytes, formatDuration, formatSummary } from './format';
import { RepickFiles } from './RepickFiles';
import { useThumbnails, useTransferManager } from './transfer-context';

/** Files listed on a card; the rest are counted. */
const FILES_SHOWN = 20;

function statusText(
  view: TransferView,
  peerName: string,
  peerOnline: boolean,
  t: Translate,
  language: Language,
): string {
  const name = { name: peerName };
  switch (view.phase) {
    case 'offered':
      return t('transfer.phase.offered', name);
    case 'awaiting-you':
      return t('transfer.phase.awaiting-you');
    case 'transferring':
      return t(view.direction === 'out' ? 'transfer.phase.sending' : 'transfer.phase.receiving');
    case 'paused':
      if (view.needsFiles) return t('transfer.phase.needsFiles', name);
      // Connected, and the sender has not gone on: after a restart there it picks the files again.
      if (view.direction === 'in' && peerOnline) return t('transfer.phase.paused.waiting', name);
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

/** Starts a download of `url` as `name`; the object URL only needs to live until it has started. */
function startDownload(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A received image's thumbnail (made in a worker), else the icon of the file's kind. */
function FileTile({
  file,
  direction,
  size,
}: {
  file: TransferFileView;
  direction: TransferView['direction'];
  size: 'large' | 'small';
}) {
  const host = useHost();
  const makeThumbnail = useThumbnails();
  const [thumbnail, setThumbnail] = useState<string | null>(null);
  const read = host.savedFiles?.file;
  const location = wantsThumbnail(file, direction) ? file.location : undefined;
  useEffect(() => {
    if (!makeThumbnail || !read || location === undefined) return;
    let current = true;
    makeThumbnail(location, () => read(location)).then(
      (url) => current && setThumbnail(url),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [makeThumbnail, read, location]);
  if (thumbnail !== null) {
    // The worker's own PNG (a data URL), never the received bytes; the name is beside it.
    return <img className={`transfer-tile ${size} thumbnail`} src={thumbnail} alt="" />;
  }
  const Icon = KIND_ICONS[fileKind(file.savedName ?? file.path)];
  return (
    <span className={`transfer-tile ${size}`} aria-hidden="true">
      <Icon size={size === 'large' ? 26 : 18} aria-hidden="true" />
    </span>
  );
}

function FileRow({
  file,
  direction,
  inFolder,
  compact,
  language,
  t,
}: {
  file: TransferFileView;
  direction: TransferView['direction'];
  inFolder: boolean;
  /** The card's only file: its name and size are in the card's header already. */
  compact: boolean;
  language: Language;
  t: Translate;
}) {
  const host = useHost();
  const [problem, setProblem] = useState(false);
  const saved =
    direction === 'in' && file.state === 'done' && file.location !== undefined ? file.location : null;
  const actions = host.savedFiles;
  const shownName = inFolder ? pathInFolder(file.path) : file.path;
  const downloadName = file.savedName?.split('/').pop() ?? file.path.split('/').pop() ?? file.path;
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
      startDownload(await actions.downloadUrl(saved), downloadName);
    } catch {
      setProblem(true);
    }
  };

  return (
    <li className={`transfer-file ${file.state} ${compact ? 'compact' : ''}`}>
      {!compact && (
        <>
          <FileTile file={file} direction={direction} size="small" />
          <span className="transfer-file-name" title={file.path}>
            {shownName}
          </span>
          <span className="transfer-file-size">{formatBytes(file.size, language)}</span>
        </>
      )}
      {file.state === 'done' && file.savedName && (
        <span className="transfer-file-saved">{t('transfer.file.done', { name: file.savedName })}</span>
      )}
      {file.state === 'failed' && (
        <span className="transfer-file-note error">{t('transfer.file.failed')}</span>
      )}
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
              {t('transfer.download', { name: downloadName })}
            </button>
          )}
        </span>
      )}
      {problem && <span className="transfer-file-note error">{t('transfer.error.READ_FAILED')}</span>}
    </li>
  );
}

/**
 * A received folder as a whole. In the browser: "Save all", one zip the zip worker writes while it
 * reads the saved files (into the private file system, so nothing is held whole in memory). On the
 * desktop the files are already in a real folder in the receive folder, with their structure: a zip
 * would only copy them, so "Show folder" opens the file manager there instead.
 */
function FolderActions({
  view,
  folder,
  actions,
  t,
}: {
  view: TransferView;
  folder: FolderSummary;
  actions: SavedFileActions | undefined;
  t: Translate;
}) {
  const [state, setState] = useState<'idle' | 'zipping' | 'too-large' | 'failed'>('idle');
  const saved = view.files.flatMap((file) =>
    file.location !== undefined && file.state === 'done'
      ? [{ path: file.savedName ?? file.path, location: file.location }]
      : [],
  );
  if (view.direction !== 'in' || view.phase !== 'done' || saved.length === 0) return null;
  const saveAll = async () => {
    if (!actions?.zipUrl || state === 'zipping') return;
    setState('zipping');
    try {
      startDownload(await actions.zipUrl(`${folder.name}.zip`, saved), `${folder.name}.zip`);
      setState('idle');
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : null;
      setState(code === 'ZIP_TOO_LARGE' ? 'too-large' : 'failed');
    }
  };
  // The shallowest file: the file manager opens in the folder itself (or just below it).
  const shallowest = [...saved].sort((a, b) => a.path.split('/').length - b.path.split('/').length)[0];
  return (
    <>
      {actions?.zipUrl && (
        <button
          type="button"
          className="primary"
          aria-busy={state === 'zipping'}
          onClick={() => void saveAll()}
        >
          <FolderDown size={16} aria-hidden="true" />
          {state === 'zipping' ? t('transfer.folder.zipping') : t('transfer.folder.saveAll')}
        </button>
      )}
      {!actions?.zipUrl && actions?.showInFolder && shallowest && (
        <button
          type="button"
          onClick={() => {
            actions.showInFolder?.(shallowest.location).catch(() => setState('failed'));
          }}
        >
          <FolderOpen size={16} aria-hidden="true" />
          {t('transfer.folder.show')}
        </button>
      )}
      {state === 'too-large' && <p className="error transfer-note">{t('transfer.folder.tooLarge')}</p>}
      {state === 'failed' && <p className="error transfer-note">{t('transfer.folder.failed')}</p>}
    </>
  );
}

/**
 * One transfer in the conversation, one card size for all: what (a received image's thumbnail,
 * the file's kind, or a folder), who and how much; a state badge (icon and word: each end state
 * has its own); Accept / Decline for an offer; while bytes move, one bar with the percentage,
 * speed and time left; then the outcome in words. The card is kept out of the conversation's live
 * region (progress would be read out many times a second); offers and outcomes are announced
 * through the app's announcer instead. Memoized: progress of one transfer re-renders its own
 * card, not every card in the conversation.
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
  const host = useHost();
  const receiveLimit = host.receive?.limitBytes;
  const peerOnline = useFerry((state) => state.devices[view.deviceId]?.online ?? false);
  const summary = formatSummary(view.files.length, view.totalBytes, language, t);
  const label = t(view.direction === 'out' ? 'transfer.cardLabel.out' : 'transfer.cardLabel.in', {
    name: peerName,
  });
  const look = cardLook(view.phase, view.direction);
  const StateIcon = STATE_ICONS[look.icon];
  const folder = folderOf(view);
  const only = view.files.length === 1 ? view.files[0] : undefined;
  const percent = percentDone(view.doneBytes, view.totalBytes, view.phase === 'done');
  // A failed transfer that can still resume can also be given up (which drops what was kept).
  const active =
    view.phase === 'transferring' ||
    view.phase === 'paused' ||
    view.phase === 'offered' ||
    view.resumableBy !== undefined;
  const shown = view.files.slice(0, FILES_SHOWN);
  const actions = useRef<HTMLDivElement>(null);
  const badgeId = useId();
  // Accept and Decline go away once answered; focus goes on to this card's next button (Cancel).
  useEffect(() => {
    if (view.phase !== 'awaiting-you' && focusLost()) actions.current?.querySelector('button')?.focus();
  }, [view.phase]);

  return (
    <article
      className={`transfer-card ${view.direction} ${view.phase} tone-${look.tone}`}
      aria-label={label}
      // The state word is the card's description: "Files from Ada, Received".
      aria-describedby={badgeId}
      aria-live="off"
    >
      <header className="transfer-head">
        {folder ? (
          <span className="transfer-tile large" aria-hidden="true">
            <Folder size={26} aria-hidden="true" />
          </span>
        ) : only ? (
          <FileTile file={only} direction={view.direction} size="large" />
        ) : (
          <span className="transfer-tile large" aria-hidden="true">
            <Files size={26} aria-hidden="true" />
          </span>
        )}
        <span className="transfer-title">
          <span className="transfer-name" title={folder?.name ?? only?.path}>
            {folder ? folder.name : only ? only.path.split('/').pop() : summary}
          </span>
          <span className="transfer-summary">
            {folder
              ? t('transfer.folder.summary', { summary })
              : only
                ? formatBytes(only.size, language)
                : t(view.direction === 'out' ? 'transfer.summary.toName' : 'transfer.summary.fromName', {
                    name: peerName,
                  })}
          </span>
        </span>
        <span id={badgeId} className={`transfer-badge tone-${look.tone}`} data-testid="transfer-badge">
          <StateIcon size={16} aria-hidden="true" />
          {t(look.badge)}
        </span>
      </header>
      <p
        className={`transfer-status ${view.phase === 'failed' ? 'error' : ''}`}
        data-testid="transfer-status"
      >
        {view.phase === 'awaiting-you'
          ? t('transfer.offerQuestion', { name: peerName, summary })
          : statusText(view, peerName, peerOnline, t, language)}
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
      {look.showProgress && (
        <div className="transfer-overall">
          <Progress
            label={t('transfer.progress.overall')}
            done={view.doneBytes}
            total={view.totalBytes}
            complete={false}
            language={language}
            t={t}
          />
          <span className="transfer-percent">{t('transfer.percent', { percent })}</span>
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
      {(view.phase === 'cancelled' || view.phase === 'failed') && view.doneBytes > 0 && (
        <p className="transfer-amount">
          {t('transfer.progress.stoppedAt', {
            percent,
            done: formatBytes(view.doneBytes, language),
            total: formatBytes(view.totalBytes, language),
          })}
        </p>
      )}
      {(folder || !only || only.state === 'done' || only.state === 'failed') && (
        <ul className="transfer-files">
          {shown.map((file, index) => (
            <FileRow
              key={index}
              file={file}
              direction={view.direction}
              inFolder={folder !== null}
              compact={only !== undefined}
              language={language}
              t={t}
            />
          ))}
          {view.files.length > shown.length && (
            <li className="muted">{t('transfer.moreFiles', { count: view.files.length - shown.length })}</li>
          )}
        </ul>
      )}
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
        {view.needsFiles && <RepickFiles view={view} peerName={peerName} />}
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
        {folder && <FolderActions view={view} folder={folder} actions={host.savedFiles} t={t} />}
      </div>
    </article>
  );
});
