// @vitest-environment jsdom
/**
 * Scrolling back through a long kept conversation, end to end inside the renderer: the history on
 * (fake) IndexedDB, the store, startHistory and the windowed MessageList, with a simulated layout
 * (jsdom lays nothing out: here every list item is 40 px tall in a 600 px pane, and a scroll event
 * follows each change of scrollTop, as in a browser).
 */
import 'fake-indexeddb/auto';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../engine/engine';
import type { TransferManager } from '../engine/transfer/transfer-manager';
import { MessageList, WINDOW } from '../features/chat/MessageList';
import { TransferProvider } from '../features/transfer/transfer-context';
import type { Host } from '../host/host';
import { createFerryStore } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { FerryProvider } from '../ui/ferry-context';
import { HistoryProvider } from './history-context';
import { chatLine } from './history-lines';
import { openConversationHistory } from './history-store';
import { startHistory } from './start-history';

const LINE = 40;
const PANE = 600;
const restore: (() => void)[] = [];
afterEach(() => {
  cleanup();
  for (const undo of restore.splice(0)) undo();
});

/** Lays out `scroller`'s list: each item LINE px tall, one under the other, scrolled by scrollTop. */
function simulateLayout(scroller: HTMLElement): { scrolled: () => boolean } {
  const list = scroller.querySelector('ol');
  if (!list) throw new Error('no list');
  let top = 0;
  let moved = false;
  const height = () => list.children.length * LINE;
  const clamp = (value: number) => Math.max(0, Math.min(value, Math.max(0, height() - PANE)));
  Object.defineProperties(scroller, {
    clientHeight: { configurable: true, get: () => PANE },
    scrollHeight: { configurable: true, get: () => Math.max(PANE, height()) },
    scrollTop: {
      configurable: true,
      get: () => top,
      set: (value: number) => {
        const next = clamp(value);
        if (next !== top) moved = true;
        top = next;
      },
    },
  });
  const rect = (y: number, h: number) => ({ top: y, bottom: y + h, height: h }) as DOMRect;
  const original = Element.prototype.getBoundingClientRect;
  Element.prototype.getBoundingClientRect = function (this: Element) {
    if (this === scroller) return rect(0, PANE);
    if (this.parentElement === list) return rect([...list.children].indexOf(this) * LINE - top, LINE);
    return original.call(this);
  };
  restore.push(() => {
    Element.prototype.getBoundingClientRect = original;
  });
  return {
    scrolled: () => {
      const was = moved;
      moved = false;
      return was;
    },
  };
}

describe('scrolling back through a kept conversation', () => {
  it('reaches the first of 1,000 lines, the line at the top staying put at every step, with a window in the page', async () => {
    const history = openConversationHistory(`scroll-back-${Date.now()}`);
    if (!history) throw new Error('fake-indexeddb should provide IndexedDB');
    await history.save(
      Array.from({ length: 1_000 }, (_, index) =>
        chatLine('ada', {
          id: `m${index}`,
          text: `line ${index}`,
          sentAt: 1_000_000 + index,
          direction: 'in',
        }),
      ),
    );
    const store = createFerryStore(testAppInfo, testSettings());
    const feature = startHistory({ store, history });
    restore.push(() => {
      feature.dispose();
      history.close();
    });
    const view = render(
      <FerryProvider
        value={{ store, engine: {} as FerryEngine, host: { kind: 'browser' } as unknown as Host }}
      >
        <HistoryProvider history={feature}>
          <TransferProvider manager={{} as TransferManager}>
            <MessageList deviceId="ada" peerName="Ada" />
          </TransferProvider>
        </HistoryProvider>
      </FerryProvider>,
    );
    const scroller = view.getByRole('log', { name: 'Conversation with Ada' });
    const layout = simulateLayout(scroller);
    /** Lets IndexedDB answer and React draw; a scroll event for every change of position. */
    const settle = async () => {
      for (let turn = 0; turn < 50; turn++) {
        await act(() => new Promise((resolve) => setTimeout(resolve, 5)));
        if (layout.scrolled()) fireEvent.scroll(scroller);
      }
    };
    await settle();
    const texts = () => [...scroller.querySelectorAll('li.message .text')].map((text) => text.textContent);
    expect(texts().at(-1)).toBe('line 999');

    const moved: string[] = [];
    let most = 0;
    for (let step = 0; texts()[0] !== 'line 0'; step++) {
      if (step > 100) throw new Error(`stuck at ${texts()[0]}, scrollTop ${scroller.scrollTop}`);
      scroller.scrollTop = 0;
      const anchor = [...scroller.querySelectorAll('li.message')][0];
      const at = anchor?.getBoundingClientRect().top;
      const before = texts()[0];
      fireEvent.scroll(scroller);
      layout.scrolled();
      await settle();
      if (texts()[0] === before) throw new Error(`no earlier lines came above ${before}`);
      if (!anchor?.isConnected || anchor.getBoundingClientRect().top !== at)
        moved.push(`${anchor?.textContent ?? '?'} moved`);
      most = Math.max(most, scroller.querySelectorAll('li.message').length);
    }
    expect(moved).toEqual([]);
    expect(most).toBeLessThanOrEqual(WINDOW);
    expect(scroller.textContent).toContain('This is the beginning of your conversation with Ada.');
  });
});
