// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { FerryProvider } from '../../ui/ferry-context';
import { TransferCard } from './TransferCard';
import { TransferProvider } from './transfer-context';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

afterEach(cleanup);

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

function renderCard(shown: TransferView) {
  const done: string[] = [];
  const host = {
    kind: 'desktop',
    savedFiles: {
      open: async (location: string) => void done.push(`open ${location}`),
      showInFolder: async (location: string) => void done.push(`show ${location}`),
    },
  } as unknown as Host;
  const manager = {
    retry: (key: string) => (done.push(`retry ${key}`), true),
    cancel: (key: string) => void done.push(`cancel ${key}`),
  } as unknown as TransferManager;
  const store = createFerryStore(testAppInfo, settings);
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <TransferProvider manager={manager}>
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
