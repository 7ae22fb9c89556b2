// @vitest-environment jsdom
/**
 * The windowed conversation: a long conversation keeps only a window of lines in the page, moves it
 * from memory and then from disk, keeps the keyboard's place, and still reads out new lines.
 * (Scroll positions need a real layout: e2e/history.spec.ts scrolls a 10,000-line conversation.)
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { HistoryLine } from '../../history/history-lines';
import { HistoryProvider } from '../../history/history-context';
import type { HistoryFeature } from '../../history/start-history';
import type { Host } from '../../host/host';
import { createFerryStore, type FerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { TransferProvider } from '../transfer/transfer-context';
import { MessageList, STEP, WINDOW } from './MessageList';

afterEach(cleanup);

const ada = 'ada-device';
const line = (index: number) => ({ id: `m${index}`, text: `line ${index}`, sentAt: 1_000_000 + index });

function storeWith(lines: number): FerryStore {
  const store = createFerryStore(testAppInfo, testSettings({ deviceId: 'bob-device', deviceName: 'Bob' }));
  store.getState().chatIncomingMany(
    ada,
    Array.from({ length: lines }, (_, index) => line(index)),
  );
  return store;
}

function show(store: FerryStore, history: HistoryFeature | null = null) {
  const list = (
    <TransferProvider manager={{} as TransferManager}>
      <MessageList deviceId={ada} peerName="Ada" />
    </TransferProvider>
  );
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'browser' } as unknown as Host }}>
      {history ? <HistoryProvider history={history}>{list}</HistoryProvider> : list}
    </FerryProvider>,
  );
}

/** The numbers of the chat lines in the page, in order. */
function shownLines(): number[] {
  const log = screen.getByRole('log', { name: 'Conversation with Ada' });
  return [...log.querySelectorAll('li.message .text')].map((text) =>
    Number(text.textContent?.replace('line ', '')),
  );
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

describe('a long conversation', () => {
  it('keeps only the newest window of lines in the page', () => {
    show(storeWith(1_000));
    expect(shownLines()).toEqual(range(1_000 - WINDOW, 1_000));
    // Earlier lines are in memory: the top offers them even with no history on disk.
    expect(screen.getByRole('button', { name: 'Show earlier messages' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show later messages' })).toBeNull();
  });

  it('walks back to the first line and forward again with the keyboard, the focus staying on the button', () => {
    show(storeWith(1_000));
    const earlier = screen.getByRole('button', { name: 'Show earlier messages' });
    earlier.focus();
    fireEvent.click(earlier);
    expect(shownLines()).toEqual(range(1_000 - WINDOW - STEP, 1_000 - STEP));
    expect(document.activeElement).toBe(earlier);
    for (
      let guard = 0;
      guard < 100 && screen.queryByRole('button', { name: 'Show earlier messages' });
      guard++
    )
      fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    expect(shownLines()).toEqual(range(0, WINDOW));
    // The beginning reached: the button is gone and the focus is on the conversation, not lost.
    expect(screen.queryByRole('button', { name: 'Show earlier messages' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('log', { name: 'Conversation with Ada' }));

    fireEvent.click(screen.getByRole('button', { name: 'Show later messages' }));
    expect(shownLines()).toEqual(range(STEP, STEP + WINDOW));
  });

  it('reads out a new incoming line even when it is not in the page, and never the lines a scroll brings', () => {
    const store = storeWith(1_000);
    show(store);
    const announced = screen.getByRole('log', { name: 'New messages from Ada' });
    expect(announced.textContent).toBe('');
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    expect(announced.textContent).toBe('');

    act(() => store.getState().chatIncoming(ada, { id: 'new', text: 'are you there?', sentAt: 2_000_000 }));
    // The reader is further up: the window stays where it is…
    expect(shownLines()).toEqual(range(1_000 - WINDOW - STEP, 1_000 - STEP));
    expect(screen.queryByText('are you there?')).toBeNull();
    // …and the line is read out all the same.
    expect(announced.textContent).toBe('New message from Ada: are you there?');
    // The visible list is not itself a live region: lines the window adds are not read out.
    expect(screen.getByRole('log', { name: 'Conversation with Ada' }).getAttribute('aria-live')).toBe('off');
  });

  it('moves on to the kept history once memory runs out, and shows the older page when it arrives', () => {
    const store = storeWith(WINDOW + 10);
    const asked: string[] = [];
    const history: HistoryFeature = {
      loadOlder: async (deviceId) => void asked.push(deviceId),
      deleteConversation: async () => undefined,
      dispose: () => undefined,
    };
    store.getState().historyPageLoaded(ada, { lines: [], before: { at: 1_000_000, seq: 0 } });
    show(store, history);
    const announced = screen.getByRole('log', { name: 'New messages from Ada' });
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    expect(shownLines()).toEqual(range(0, WINDOW));
    expect(asked).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    expect(asked).toEqual([ada]);

    const older: HistoryLine[] = Array.from({ length: 200 }, (_, index) => ({
      kind: 'chat',
      deviceId: ada,
      value: { id: `old${index}`, text: `line ${index - 200}`, sentAt: 900_000 + index, direction: 'in' },
    }));
    act(() => store.getState().historyPageLoaded(ada, { lines: older, before: null }));
    expect(shownLines()).toEqual(range(-STEP, WINDOW - STEP));
    // Kept lines coming back from disk are not news.
    expect(announced.textContent).toBe('');
  });
});
