import { describe, expect, it } from 'vitest';
import type { TransferFileView, TransferPhase } from '../../engine/transfer/transfer-types';
import {
  cardLook,
  fileKind,
  folderOf,
  pathInFolder,
  percentDone,
  THUMBNAIL_MAX_BYTES,
  wantsThumbnail,
} from './card-model';

describe('the card model', () => {
  it.each([
    ['offered', 'out', 'waiting', 'transfer.badge.waiting', false],
    ['awaiting-you', 'in', 'waiting', 'transfer.badge.waiting', false],
    ['transferring', 'out', 'sending', 'transfer.badge.sending', true],
    ['transferring', 'in', 'receiving', 'transfer.badge.receiving', true],
    ['paused', 'in', 'paused', 'transfer.badge.paused', true],
    ['done', 'out', 'done', 'transfer.badge.sent', false],
    ['done', 'in', 'done', 'transfer.badge.received', false],
    ['declined', 'in', 'declined', 'transfer.badge.declined', false],
    ['cancelled', 'out', 'cancelled', 'transfer.badge.cancelled', false],
    ['failed', 'in', 'failed', 'transfer.badge.failed', false],
  ] as const)('%s (%s): icon %s, badge %s, bar %s', (phase, direction, icon, badge, bar) => {
    const look = cardLook(phase, direction);
    expect(look.icon).toBe(icon);
    expect(look.badge).toBe(badge);
    expect(look.showProgress).toBe(bar);
  });

  it('gives every end state its own icon and word, so none is told apart by colour alone', () => {
    const ends: TransferPhase[] = ['done', 'declined', 'cancelled', 'failed'];
    const looks = ends.map((phase) => cardLook(phase, 'in'));
    expect(new Set(looks.map((look) => look.icon)).size).toBe(ends.length);
    expect(new Set(looks.map((look) => look.badge)).size).toBe(ends.length);
    // No ended card keeps a (frozen) bar.
    expect(looks.some((look) => look.showProgress)).toBe(false);
  });

  it('rounds the percentage down, so 100 % only when every byte is there', () => {
    expect(percentDone(0, 1000, false)).toBe(0);
    expect(percentDone(999, 1000, false)).toBe(99);
    expect(percentDone(1000, 1000, false)).toBe(100);
    expect(percentDone(1, 3, false)).toBe(33);
    expect(percentDone(0, 0, false)).toBe(0);
    expect(percentDone(0, 0, true)).toBe(100);
    expect(percentDone(2000, 1000, false)).toBe(100);
  });

  it.each([
    ['Trip/photo.JPG', 'image'],
    ['clip.mkv', 'video'],
    ['song.flac', 'audio'],
    ['backup.tar.gz', 'archive'],
    ['report.pdf', 'pdf'],
    ['notes.md', 'text'],
    ['main.rs', 'code'],
    ['budget.csv', 'spreadsheet'],
    ['deck.pptx', 'presentation'],
    ['Makefile', 'other'],
    ['.bashrc', 'other'],
    ['archive.unknownext', 'other'],
  ] as const)('%s is %s', (path, kind) => {
    expect(fileKind(path)).toBe(kind);
  });

  const file = (fields: Partial<TransferFileView>): TransferFileView => ({
    path: 'photo.png',
    size: 5000,
    done: 5000,
    state: 'done',
    savedName: 'photo.png',
    location: 'photo.png',
    ...fields,
  });

  it('makes thumbnails only of received, saved raster images of a sane size, never of SVG', () => {
    expect(wantsThumbnail(file({}), 'in')).toBe(true);
    expect(wantsThumbnail(file({ path: 'a.webp', savedName: 'a.webp' }), 'in')).toBe(true);
    expect(wantsThumbnail(file({}), 'out')).toBe(false);
    expect(wantsThumbnail(file({ state: 'active' }), 'in')).toBe(false);
    const { location: _, ...unsaved } = file({});
    expect(wantsThumbnail(unsaved, 'in')).toBe(false);
    expect(wantsThumbnail(file({ path: 'logo.svg', savedName: 'logo.svg' }), 'in')).toBe(false);
    expect(wantsThumbnail(file({ size: THUMBNAIL_MAX_BYTES + 1 }), 'in')).toBe(false);
    expect(wantsThumbnail(file({ size: 0 }), 'in')).toBe(false);
  });

  it('recognises one folder, named as saved, and not loose files or two folders', () => {
    const files = [
      file({ path: 'Album/a.jpg', savedName: 'Album (1)/a.jpg', size: 10 }),
      file({ path: 'Album/sub/b.jpg', savedName: 'Album (1)/sub/b.jpg', size: 20 }),
    ];
    expect(folderOf({ files, totalBytes: 30 })).toEqual({ name: 'Album (1)', fileCount: 2, totalBytes: 30 });
    const offered = files.map(({ savedName: _, ...rest }) => rest);
    expect(folderOf({ files: offered, totalBytes: 30 })?.name).toBe('Album');
    expect(folderOf({ files: [file({ path: 'a.jpg' }), file({ path: 'b.jpg' })], totalBytes: 2 })).toBeNull();
    expect(
      folderOf({ files: [file({ path: 'A/a.jpg' }), file({ path: 'B/b.jpg' })], totalBytes: 2 }),
    ).toBeNull();
    expect(
      folderOf({ files: [file({ path: 'A/a.jpg' }), file({ path: 'loose.jpg' })], totalBytes: 2 }),
    ).toBeNull();
    expect(folderOf({ files: [], totalBytes: 0 })).toBeNull();
    expect(pathInFolder('Album/sub/b.jpg')).toBe('sub/b.jpg');
  });
});
