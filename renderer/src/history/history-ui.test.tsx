// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../engine/engine';
import type { TransferManager } from '../engine/transfer/transfer-manager';
import { MessageList } from '../features/chat/MessageList';
import { TransferProvider } from '../features/transfer/transfer-context';
import type { Host } from '../host/host';
import { createFerryStore, type FerryStore } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { FerryProvider } from '../ui/ferry-context';
import { DeleteConversation } from './DeleteConversation';
import { HistoryProvider } from './history-context';
import type { HistoryFeature } from './start-history';

afterEach(cleanup);

const bob = { id: 'bob-device', name: 'Bob', appVersion: '0.1.0' };

/** A history feature that records what the UI asked of it. */
function recordingHistory(): HistoryFeature & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    loadOlder: async (deviceId) => void calls.push(`loadOlder ${deviceId}`),
    deleteConversation: async (deviceId) => void calls.push(`delete ${deviceId}`),
    dispose: () => undefined,
  };
}

function renderWith(store: FerryStore, history: HistoryFeature, ui: React.ReactNode) {
  return render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'browser' } as unknown as Host }}>
      <HistoryProvider history={history}>
        <TransferProvider manager={{} as TransferManager}>{ui}</TransferProvider>
      </HistoryProvider>
    </FerryProvider>,
  );
}

function storeWithBob(language: 'en' | 'zh-CN' = 'en'): FerryStore {
  const store = createFerryStore(testAppInfo, testSettings({ language }));
  store.getState().peerOnline(bob);
  store.getState().chatIncoming(bob.id, { id: 'm1', text: 'hello', sentAt: 5_000 });
  return store;
}

describe('Delete conversation', () => {
  it('asks first; Escape keeps the conversation and gives the focus back', () => {
    const history = recordingHistory();
    renderWith(storeWithBob(), history, <DeleteConversation deviceId={bob.id} peerName="Bob" />);
    const button = screen.getByRole('button', { name: 'Delete the conversation with Bob' });
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this conversation?' });
    expect(dialog).toHaveProperty('textContent', expect.stringContaining('Files you received stay'));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(history.calls).toEqual([]);
  });

  it('deletes only after the second, explicit Delete, and says so', () => {
    const history = recordingHistory();
    const store = storeWithBob();
    renderWith(store, history, <DeleteConversation deviceId={bob.id} peerName="Bob" />);
    fireEvent.click(screen.getByRole('button', { name: 'Delete the conversation with Bob' }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(history.calls).toEqual([`delete ${bob.id}`]);
    expect(store.getState().announcement).toMatchObject({ key: 'history.deleted', params: { name: 'Bob' } });
  });

  it('speaks Chinese', () => {
    renderWith(
      storeWithBob('zh-CN'),
      recordingHistory(),
      <DeleteConversation deviceId={bob.id} peerName="Bob" />,
    );
    fireEvent.click(screen.getByRole('button', { name: '删除与 Bob 的对话' }));
    expect(screen.getByRole('alertdialog', { name: '删除这个对话？' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '删除' })).toBeTruthy();
  });
});

describe('the top of a conversation', () => {
  it('offers earlier messages while there are more on disk, then says where it begins', () => {
    const history = recordingHistory();
    const store = storeWithBob();
    store.getState().historyPageLoaded(bob.id, { lines: [], before: { at: 5_000, seq: 3 } });
    renderWith(store, history, <MessageList deviceId={bob.id} peerName="Bob" />);
    fireEvent.click(screen.getByRole('button', { name: 'Show earlier messages' }));
    expect(history.calls).toContain(`loadOlder ${bob.id}`);

    act(() =>
      store.getState().historyPageLoaded(bob.id, {
        lines: [
          {
            kind: 'chat',
            deviceId: bob.id,
            value: { id: 'm0', text: 'first ever', sentAt: 1_000, direction: 'in' },
          },
        ],
        before: null,
      }),
    );
    expect(screen.queryByRole('button', { name: 'Show earlier messages' })).toBeNull();
    expect(screen.getByText('This is the beginning of your conversation with Bob.')).toBeTruthy();
    const log = screen.getByRole('log', { name: 'Conversation with Bob' });
    expect(log.textContent?.indexOf('first ever')).toBeLessThan(log.textContent?.indexOf('hello') ?? 0);
    // Older lines arriving above are not "New messages".
    expect(screen.queryByRole('button', { name: /New messages/ })).toBeNull();
  });
});
