// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { TransferView } from '../../engine/transfer/transfer-types';
import type { Host, SavedEntry, SavedFileActions } from '../../host/host';
import type { MakeThumbnail } from './thumbnail/thumbnails';
import { createFerryStore } from '../../state/store';
import { FerryProvider } from '../../ui/ferry-context';
import { TransferCard } from './TransferCard';
import { TransferProvider } from './transfer-context';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const settings = testSettings({
  deviceId: 'bob-device',
  deviceName: 'Bob desktop',
  receiveFolder: '/home/bob/Downloads/Ferry',
});

const view = (fields: Partial<TransferView>): TransferView => ({
  key: 'in:ada-device:t1',
  id: 't1',
  deviceId: 'ada-device',
  direction: 'in',
  phase: 'done',
  files: [
    {
      path: 'report.pdf',
      size: 2000,
      done: 2000,
      state: 'done',
      savedName: 'report.pdf',
      location: '/home/bob/Downloads/Ferry/report.pdf',
    },
  ],
  totalBytes: 2000,
  doneBytes: 2000,
  bytesPerSecond: 0,
  secondsLeft: null,
  createdAt: 1,
  finishedAt: 2,
  ...fields,
});

function renderCard(
  shown: TransferView,
  options: { savedFiles?: SavedFileActions; thumbnails?: MakeThumbnail; language?: 'en' | 'zh-CN' } = {},
) {
  const done: string[] = [];
  const host = {
    kind: options.savedFiles ? 'web' : 'desktop',
    savedFiles: options.savedFiles ?? {
      open: async (location: string) => void done.push(`open ${location}`),
      showInFolder: async (location: string) => void done.push(`show ${location}`),
    },
  } as unknown as Host;
  const manager = {
    retry: (key: string) => (done.push(`retry ${key}`), true),
    cancel: (key: string) => void done.push(`cancel ${key}`),
    accept: (key: string) => void done.push(`accept ${key}`),
    decline: (key: string) => void done.push(`decline ${key}`),
  } as unknown as TransferManager;
  const store = createFerryStore(
    testAppInfo,
    options.language ? { ...settings, language: options.language } : settings,
  );
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <TransferProvider manager={manager} thumbnails={options.thumbnails ?? null}>
        <TransferCard view={shown} peerName="Ada laptop" />
      </TransferProvider>
    </FerryProvider>,
  );
  return done;
}

describe('a transfer card', () => {
  it('opens a received file and shows it in its folder, also from the history after a restart', async () => {
    // What the kept history (renderer/src/history) stores and the store restores: the view with each file's location.
    const done = renderCard(view({}));
    fireEvent.click(screen.getByRole('button', { name: 'Open' }));
    fireEvent.click(screen.getByRole('button', { name: 'Show in folder' }));
    await waitFor(() =>
      expect(done).toEqual([
        'open /home/bob/Downloads/Ferry/report.pdf',
        'show /home/bob/Downloads/Ferry/report.pdf',
      ]),
    );
  });

  it('offers Retry on the side that can fix the problem, with what to do', () => {
    const failed = view({
      phase: 'failed',
      error: 'DISK_FULL',
      endedBy: 'you',
      resumableBy: 'you',
      doneBytes: 800,
      files: [{ path: 'report.pdf', size: 2000, done: 800, state: 'active' }],
    });
    const done = renderCard(failed);
    expect(screen.getByTestId('transfer-status').textContent).toBe(
      'The transfer stopped: the receiving disk is full. What arrived so far is kept.',
    );
    expect(screen.getByText('When that is fixed, press Retry: it continues from what arrived.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    // It can also be given up.
    fireEvent.click(screen.getByRole('button', { name: 'Cancel transfer' }));
    expect(done).toEqual(['retry in:ada-device:t1', 'cancel in:ada-device:t1']);
  });

  it('on the other side, says who can retry and offers no Retry', () => {
    renderCard(
      view({
        direction: 'out',
        key: 'out:ada-device:t1',
        phase: 'failed',
        error: 'DISK_FULL',
        endedBy: 'peer',
        resumableBy: 'peer',
      }),
    );
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(
      screen.getByText('It continues from what arrived when Ada laptop fixes this and retries.'),
    ).toBeTruthy();
  });

  it.each([
    [
      'in',
      'you',
      'Ferry may not write to the receive folder. What arrived so far is kept; choose another folder in Settings.',
    ],
    [
      'out',
      'peer',
      'Ferry on Ada laptop may not write to its receive folder. What arrived so far is kept there.',
    ],
    ['out', 'you', 'Ferry may not read a file on the sending computer.'],
    ['in', 'peer', 'Ferry may not read a file on the sending computer.'],
  ] as const)('says whose permission was denied (%s, ended by %s)', (direction, endedBy, reason) => {
    renderCard(view({ direction, endedBy, phase: 'failed', error: 'PERMISSION_DENIED' }));
    expect(screen.getByTestId('transfer-status').textContent).toBe(`The transfer stopped: ${reason}`);
  });

  it('offers no Retry for a failure that cannot resume (a damaged file)', () => {
    renderCard(view({ phase: 'failed', error: 'DIGEST_MISMATCH', endedBy: 'you' }));
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Cancel transfer' })).toBeNull();
  });
});

describe('a transfer card at a glance', () => {
  const card = () => screen.getByRole('article', { name: 'Files from Ada laptop' });
  /** The state word: the badge's text, and the card's accessible description. */
  const badge = () => {
    const word = within(card()).getByTestId('transfer-badge').textContent;
    expect(card().getAttribute('aria-describedby')).toBe(within(card()).getByTestId('transfer-badge').id);
    return word;
  };

  it('shows no progress bar on an offer, only the question and Accept / Decline', () => {
    const done = renderCard(
      view({
        phase: 'awaiting-you',
        doneBytes: 0,
        finishedAt: null,
        files: [{ path: 'report.pdf', size: 2000, done: 0, state: 'waiting' }],
      }),
    );
    expect(within(card()).queryByRole('progressbar')).toBeNull();
    expect(badge()).toBe('Waiting');
    expect(screen.getByTestId('transfer-status').textContent).toBe(
      'Ada laptop wants to send you 1 file, 2 kB.',
    );
    fireEvent.click(within(card()).getByRole('button', { name: 'Accept' }));
    expect(done).toEqual(['accept in:ada-device:t1']);
  });

  it('while receiving: one bar, the percentage, amount, speed and time left', () => {
    renderCard(
      view({
        phase: 'transferring',
        doneBytes: 1_234,
        bytesPerSecond: 500,
        secondsLeft: 2,
        finishedAt: null,
        files: [{ path: 'report.pdf', size: 2000, done: 1_234, state: 'active' }],
      }),
    );
    const bar = within(card()).getByRole('progressbar', { name: 'Overall progress' });
    expect(bar.getAttribute('value')).toBe('1234');
    expect(within(card()).getAllByRole('progressbar')).toHaveLength(1);
    expect(badge()).toBe('Receiving');
    expect(within(card()).getByText('61 %')).toBeTruthy();
    expect(within(card()).getByText('500 B/s · 2 s left')).toBeTruthy();
  });

  it.each([
    [{ phase: 'done' }, 'Received', 'Received. Every file was checked.'],
    [{ phase: 'declined', endedBy: 'you' }, 'Declined', 'You declined these files.'],
    [
      { phase: 'cancelled', endedBy: 'peer', doneBytes: 500 },
      'Cancelled',
      'Ada laptop cancelled this transfer.',
    ],
    [{ phase: 'failed', error: 'DIGEST_MISMATCH', endedBy: 'you' }, 'Failed', null],
  ] as const)('ends as %o: its own badge word, no frozen bar', (fields, word, status) => {
    renderCard(view(fields as Partial<TransferView>));
    expect(badge()).toBe(word);
    expect(within(card()).queryByRole('progressbar')).toBeNull();
    if (status !== null) expect(screen.getByTestId('transfer-status').textContent).toBe(status);
  });

  it('says where a cancelled transfer stopped', () => {
    renderCard(view({ phase: 'cancelled', endedBy: 'you', doneBytes: 500 }));
    expect(within(card()).getByText('Stopped at 25 % (500 B of 2 kB).')).toBeTruthy();
  });

  it('in Chinese too', () => {
    renderCard(view({ phase: 'cancelled', endedBy: 'you' }), { language: 'zh-CN' });
    expect(
      within(screen.getByRole('article', { name: '来自 Ada laptop 的文件' })).getByTestId('transfer-badge')
        .textContent,
    ).toBe('已取消');
  });

  const folderView = view({
    files: [
      {
        path: 'Album/a.txt',
        size: 5,
        done: 5,
        state: 'done',
        savedName: 'Album (1)/a.txt',
        location: 'Album (1)/a.txt',
      },
      {
        path: 'Album/sub/b.jpg',
        size: 995,
        done: 995,
        state: 'done',
        savedName: 'Album (1)/sub/b.jpg',
        location: 'Album (1)/sub/b.jpg',
      },
    ],
    totalBytes: 1000,
    doneBytes: 1000,
  });

  it('shows a received folder as a folder with its name, count and size, per-file downloads and Save all', async () => {
    const zipped: { name: string; files: readonly SavedEntry[] }[] = [];
    const downloads: string[] = [];
    // jsdom cannot download: what the card asks the browser to download is recorded instead.
    const started: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      started.push(`${this.download} ${this.getAttribute('href')}`);
    });
    renderCard(folderView, {
      savedFiles: {
        downloadUrl: async (location) => (downloads.push(location), `blob:${location}`),
        zipUrl: async (name, files) => (zipped.push({ name, files }), 'blob:zip'),
      },
    });
    expect(within(card()).getByText('Album (1)')).toBeTruthy();
    expect(within(card()).getByText('Folder · 2 files, 1 kB')).toBeTruthy();
    // Inside the folder, paths read from the folder down.
    expect(within(card()).getByText('sub/b.jpg')).toBeTruthy();
    fireEvent.click(within(card()).getByRole('button', { name: 'Download b.jpg' }));
    fireEvent.click(within(card()).getByRole('button', { name: 'Save all as zip' }));
    await waitFor(() =>
      expect(zipped).toEqual([
        {
          name: 'Album (1).zip',
          files: [
            { path: 'Album (1)/a.txt', location: 'Album (1)/a.txt' },
            { path: 'Album (1)/sub/b.jpg', location: 'Album (1)/sub/b.jpg' },
          ],
        },
      ]),
    );
    expect(downloads).toEqual(['Album (1)/sub/b.jpg']);
    await waitFor(() =>
      expect(started).toEqual(['b.jpg blob:Album (1)/sub/b.jpg', 'Album (1).zip blob:zip']),
    );
  });

  it('says so when the folder is too large for one zip', async () => {
    renderCard(folderView, {
      savedFiles: {
        downloadUrl: async () => 'blob:x',
        zipUrl: async () => {
          throw Object.assign(new Error('too large'), { code: 'ZIP_TOO_LARGE' });
        },
      },
    });
    fireEvent.click(within(card()).getByRole('button', { name: 'Save all as zip' }));
    expect(
      await within(card()).findByText(
        'This folder is too large for one zip (4 GB at most). Download its files one by one.',
      ),
    ).toBeTruthy();
  });

  it('on the desktop, where the folder is on disk already, shows the folder instead of zipping it', async () => {
    const done = renderCard(folderView);
    expect(within(card()).queryByRole('button', { name: 'Save all as zip' })).toBeNull();
    fireEvent.click(within(card()).getByRole('button', { name: 'Show folder' }));
    await waitFor(() => expect(done).toEqual(['show Album (1)/a.txt']));
  });

  it('offers no Save all before the folder has arrived', () => {
    renderCard(
      { ...folderView, phase: 'transferring', finishedAt: null },
      { savedFiles: { downloadUrl: async () => 'blob:x', zipUrl: async () => 'blob:zip' } },
    );
    expect(within(card()).queryByRole('button', { name: 'Save all as zip' })).toBeNull();
  });

  it('shows a received image as its thumbnail, and a sent one (or any other file) as its kind', async () => {
    const asked: string[] = [];
    const image = view({
      files: [
        { path: 'cat.png', size: 2000, done: 2000, state: 'done', savedName: 'cat.png', location: 'cat.png' },
      ],
    });
    renderCard(image, {
      savedFiles: { file: async () => new Blob(['x']) },
      thumbnails: async (location, read) => {
        asked.push(location);
        await read();
        return 'data:image/png;base64,AAAA';
      },
    });
    await waitFor(() =>
      expect(card().querySelector('img.thumbnail')?.getAttribute('src')).toBe('data:image/png;base64,AAAA'),
    );
    expect(asked).toEqual(['cat.png']);
    cleanup();
    renderCard(
      { ...image, phase: 'transferring', finishedAt: null },
      {
        savedFiles: { file: async () => new Blob(['x']) },
        thumbnails: async () => 'data:image/png;base64,AAAA',
      },
    );
    expect(card().querySelector('img')).toBeNull();
    expect(card().querySelector('svg.lucide-file-image')).not.toBeNull();
  });
});
