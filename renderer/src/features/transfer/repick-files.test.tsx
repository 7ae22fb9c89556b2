// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { RepickOutcome, TransferManager } from '../../engine/transfer/transfer-manager';
import type { OutgoingFiles, TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { TransferCard } from './TransferCard';
import { TransferProvider } from './transfer-context';

afterEach(cleanup);

/** An outgoing transfer brought back after a restart of this (browser) side, waiting for its files. */
const waiting: TransferView = {
  key: 'out:bob-device:t1',
  id: 't1',
  deviceId: 'bob-device',
  direction: 'out',
  phase: 'paused',
  needsFiles: true,
  files: [{ path: 'film.mkv', size: 5, done: 0, state: 'waiting' }],
  totalBytes: 5,
  doneBytes: 0,
  bytesPerSecond: 0,
  secondsLeft: null,
  createdAt: 1,
  finishedAt: null,
};

function renderCard(answer: RepickOutcome, shown: TransferView = waiting, online = false) {
  const picks: { key: string; paths: string[] }[] = [];
  const cancelled: string[] = [];
  const manager = {
    repick: (key: string, source: OutgoingFiles) => {
      picks.push({ key, paths: source.files.map((file) => `${file.path}:${file.size}`) });
      return answer;
    },
    cancel: (key: string) => void cancelled.push(key),
  } as unknown as TransferManager;
  // A browser host: no reading by path, so the picked File objects are read.
  const host = { kind: 'web' } as unknown as Host;
  const store = createFerryStore(testAppInfo, testSettings({ deviceId: 'ada-device', deviceName: 'Ada' }));
  if (online) store.getState().peerOnline({ id: 'bob-device', name: 'Bob desktop', appVersion: '0.1.0' });
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <TransferProvider manager={manager}>
        <TransferCard view={shown} peerName="Bob desktop" />
      </TransferProvider>
    </FerryProvider>,
  );
  return { picks, cancelled };
}

const pick = (files: File[]) =>
  fireEvent.change(screen.getByLabelText('Files to continue sending to Bob desktop'), { target: { files } });

describe('an outgoing transfer waiting for its files after a restart', () => {
  it('says so truthfully and hands the files picked again to the transfer', async () => {
    const { picks, cancelled } = renderCard({ outcome: 'resumed' });
    expect(screen.getByTestId('transfer-status').textContent).toBe(
      'Ferry restarted before these files were sent. Choose the same files again to continue where it stopped; nothing Bob desktop already has is sent again.',
    );
    pick([new File(['12345'], 'film.mkv')]);
    await waitFor(() => expect(picks).toEqual([{ key: 'out:bob-device:t1', paths: ['film.mkv:5'] }]));
    expect(screen.queryByRole('alert')).toBeNull();
    // It can be given up instead.
    fireEvent.click(screen.getByRole('button', { name: 'Cancel transfer' }));
    expect(cancelled).toEqual(['out:bob-device:t1']);
    expect(screen.getByRole('button', { name: 'Choose the files again…' })).toBeTruthy();
  });

  it('names a file that is missing from the pick', async () => {
    renderCard({ outcome: 'missing', path: 'film.mkv' });
    pick([new File(['x'], 'other.mkv')]);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'film.mkv is not among the files you chose. Choose the same files again.',
    );
  });

  it('says that a changed file ends the transfer', async () => {
    renderCard({ outcome: 'changed', path: 'film.mkv' });
    pick([new File(['54321'], 'film.mkv')]);
    expect((await screen.findByRole('alert')).textContent).toBe(
      'film.mkv changed since it was offered, so this transfer cannot continue. Send the files again.',
    );
  });
});

describe('an incoming transfer paused while its sender is connected', () => {
  const { needsFiles: _none, ...rest } = waiting;
  const incoming: TransferView = { ...rest, key: 'in:bob-device:t1', direction: 'in' };

  it('does not claim the connection is lost: it waits for the sender, who may pick the files again', () => {
    renderCard({ outcome: 'unknown' }, incoming, true);
    expect(screen.getByTestId('transfer-status').textContent).toBe(
      'Paused. It continues when Bob desktop sends the rest (if Ferry restarted there, Bob desktop first chooses the files again).',
    );
    expect(screen.queryByRole('button', { name: 'Choose the files again…' })).toBeNull();
  });

  it('says the connection is lost while the sender is away', () => {
    renderCard({ outcome: 'unknown' }, incoming, false);
    expect(screen.getByTestId('transfer-status').textContent).toBe(
      'Connection lost. The transfer continues when you are connected to Bob desktop again.',
    );
  });
});
