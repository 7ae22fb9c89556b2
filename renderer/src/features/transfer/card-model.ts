/**
 * What a transfer card shows, decided without React: which state badge and icon a phase gets,
 * whether a progress bar makes sense, the percentage, each file's kind (for its icon), whether a
 * received file may get a thumbnail, and whether the transfer is one folder.
 *
 * Every end state has its own icon and its own word, so they are told apart without colour.
 */
import type { TransferFileView, TransferPhase, TransferView } from '../../engine/transfer/transfer-types';
import type { MessageKey } from '../../i18n/i18n';

/** Icons by name; TransferCard maps each to a lucide icon. */
export type StateIcon =
  'waiting' | 'sending' | 'receiving' | 'paused' | 'done' | 'declined' | 'cancelled' | 'failed';

export interface CardLook {
  /** A class name for the card's colouring; the badge's text and icon carry the same meaning. */
  readonly tone: 'waiting' | 'active' | 'paused' | 'done' | 'declined' | 'cancelled' | 'failed';
  readonly icon: StateIcon;
  /** The short state word next to the icon. */
  readonly badge: MessageKey;
  /**
   * A bar only while bytes are moving or will move again by themselves: an offer has nothing to
   * show yet, and an ended transfer says how it ended instead of keeping a frozen bar.
   */
  readonly showProgress: boolean;
}

export function cardLook(phase: TransferPhase, direction: TransferView['direction']): CardLook {
  switch (phase) {
    case 'offered':
    case 'awaiting-you':
      return { tone: 'waiting', icon: 'waiting', badge: 'transfer.badge.waiting', showProgress: false };
    case 'transferring':
      return direction === 'out'
        ? { tone: 'active', icon: 'sending', badge: 'transfer.badge.sending', showProgress: true }
        : { tone: 'active', icon: 'receiving', badge: 'transfer.badge.receiving', showProgress: true };
    case 'paused':
      return { tone: 'paused', icon: 'paused', badge: 'transfer.badge.paused', showProgress: true };
    case 'done':
      return direction === 'out'
        ? { tone: 'done', icon: 'done', badge: 'transfer.badge.sent', showProgress: false }
        : { tone: 'done', icon: 'done', badge: 'transfer.badge.received', showProgress: false };
    case 'declined':
      return { tone: 'declined', icon: 'declined', badge: 'transfer.badge.declined', showProgress: false };
    case 'cancelled':
      return { tone: 'cancelled', icon: 'cancelled', badge: 'transfer.badge.cancelled', showProgress: false };
    case 'failed':
      return { tone: 'failed', icon: 'failed', badge: 'transfer.badge.failed', showProgress: false };
  }
}

/**
 * Whole percent done, rounded down so that 100 % means every byte is there. An empty transfer is
 * 0 % until it is done.
 */
export function percentDone(done: number, total: number, complete: boolean): number {
  if (complete) return 100;
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((done * 100) / total)));
}

export type FileKind =
  | 'image'
  | 'video'
  | 'audio'
  | 'archive'
  | 'pdf'
  | 'text'
  | 'code'
  | 'spreadsheet'
  | 'presentation'
  | 'other';

/**
 * Extensions by kind. An offer carries names, not MIME types (and a sender's claim would not be
 * trusted anyway), so the kind is only a hint for the icon, read from the name.
 */
const KINDS: Readonly<Record<Exclude<FileKind, 'other'>, readonly string[]>> = {
  image: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'bmp', 'svg', 'heic', 'heif', 'tif', 'tiff', 'ico'],
  video: ['mp4', 'mkv', 'mov', 'webm', 'avi', 'm4v', 'wmv', 'mpg', 'mpeg'],
  audio: ['mp3', 'wav', 'flac', 'ogg', 'opus', 'm4a', 'aac', 'wma'],
  archive: ['zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'zst', 'iso', 'dmg'],
  pdf: ['pdf'],
  text: ['txt', 'md', 'rtf', 'doc', 'docx', 'odt', 'log', 'pages'],
  code: [
    'js',
    'ts',
    'tsx',
    'jsx',
    'json',
    'html',
    'css',
    'py',
    'rs',
    'go',
    'c',
    'h',
    'cpp',
    'java',
    'sh',
    'xml',
    'yml',
    'yaml',
    'toml',
  ],
  spreadsheet: ['csv', 'tsv', 'xls', 'xlsx', 'ods', 'numbers'],
  presentation: ['ppt', 'pptx', 'odp', 'key'],
};

const KIND_BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map(
  Object.entries(KINDS).flatMap(([kind, extensions]) =>
    extensions.map((extension) => [extension, kind as FileKind] as const),
  ),
);

export function extensionOf(path: string): string {
  const name = path.split('/').pop() ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export function fileKind(path: string): FileKind {
  return KIND_BY_EXTENSION.get(extensionOf(path)) ?? 'other';
}

/** Larger images get no thumbnail: decoding one costs more than the glance is worth. */
export const THUMBNAIL_MAX_BYTES = 20 * 1000 * 1000;

/**
 * Raster formats a thumbnail may be made from. SVG is not among them: it is a document that can
 * carry script and fetch other resources, and it comes from another device.
 */
const THUMBNAIL_EXTENSIONS: ReadonlySet<string> = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'bmp',
]);

/** Whether a received file may be shown as a thumbnail (the bytes are checked again when decoding). */
export function wantsThumbnail(file: TransferFileView, direction: TransferView['direction']): boolean {
  return (
    direction === 'in' &&
    file.state === 'done' &&
    file.location !== undefined &&
    file.size > 0 &&
    file.size <= THUMBNAIL_MAX_BYTES &&
    THUMBNAIL_EXTENSIONS.has(extensionOf(file.savedName ?? file.path))
  );
}

export interface FolderSummary {
  /** As saved on the receiving side (maybe `Album (1)`), else as sent. */
  readonly name: string;
  readonly fileCount: number;
  readonly totalBytes: number;
}

/**
 * A transfer is one folder when every file sits below the same first path segment (how a sent
 * folder is listed: `Album/a.jpg`, `Album/sub/b.jpg`). Loose files, or files from two folders, are not.
 */
export function folderOf(view: Pick<TransferView, 'files' | 'totalBytes'>): FolderSummary | null {
  const first = view.files[0];
  if (!first) return null;
  const top = (path: string) => {
    const slash = path.indexOf('/');
    return slash > 0 ? path.slice(0, slash) : null;
  };
  const name = top(first.path);
  if (name === null || !view.files.every((file) => top(file.path) === name)) return null;
  const saved = first.savedName !== undefined ? top(first.savedName) : null;
  return { name: saved ?? name, fileCount: view.files.length, totalBytes: view.totalBytes };
}

/** A file's path inside its folder (`Album/sub/b.jpg` → `sub/b.jpg`). */
export function pathInFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(slash + 1) : path;
}
