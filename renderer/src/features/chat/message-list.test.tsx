// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { timeOfDayFormat } from '../../i18n/formatters';
import { createFerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { TransferProvider } from '../transfer/transfer-context';
import { MessageList } from './MessageList';

afterEach(cleanup);

/** Counts the calls of the shared time-of-day formatter (its `format` is a getter, so it is shadowed). */
function countTimeFormatting(): { count: number; restore: () => void } {
  const formatter = timeOfDayFormat('en');
  const format = formatter.format;
  const counter = { count: 0, restore: () => void Reflect.deleteProperty(formatter, 'format') };
  Object.defineProperty(formatter, 'format', {
    configurable: true,
    value: (date?: number | Date) => {
      counter.count++;
      return format(date);
    },
  });
  return counter;
}

const transfer = (doneBytes: number): TransferView => ({
  key: 'in:ada-device:t1',
  id: 't1',
  deviceId: 'ada-device',
  direction: 'in',
  phase: 'transferring',
  files: [{ path: 'big.iso', size: 4_000_000, done: doneBytes, state: 'active' }],
  totalBytes: 4_000_000,
  doneBytes,
  bytesPerSecond: 1_000_000,
  secondsLeft: 3,
  createdAt: 5_000,
  finishedAt: null,
});

describe('the conversation', () => {
  it('redraws only what changed: a transfer’s progress or a new line leaves the other lines alone', () => {
    const store = createFerryStore(testAppInfo, testSettings({ deviceId: 'bob-device', deviceName: 'Bob' }));
    for (let i = 0; i < 50; i++) {
      store.getState().chatIncoming('ada-device', { id: `m${i}`, text: `line ${i}`, sentAt: 1_000 + i });
    }
    store.getState().transferChanged(transfer(0));
    // Every chat line formats its time once per render, with the one shared formatter.
    const formatted = countTimeFormatting();
    render(
      <FerryProvider
        value={{ store, engine: {} as FerryEngine, host: { kind: 'browser' } as unknown as Host }}
      >
        <TransferProvider manager={{} as TransferManager}>
          <MessageList deviceId="ada-device" peerName="Ada" />
        </TransferProvider>
      </FerryProvider>,
    );
    expect(screen.getAllByText(/^line \d+$/)).toHaveLength(50);
    expect(formatted.count).toBe(50);

    formatted.count = 0;
    act(() => store.getState().transferChanged(transfer(2_000_000)));
    expect(screen.getByRole('progressbar', { name: 'Overall progress' }).getAttribute('value')).toBe(
      '2000000',
    );
    expect(formatted.count).toBe(0);

    act(() => store.getState().chatIncoming('ada-device', { id: 'm50', text: 'line 50', sentAt: 9_000 }));
    expect(screen.getByText('line 50')).toBeTruthy();
    expect(formatted.count).toBe(1);
    formatted.restore();
  });
});
