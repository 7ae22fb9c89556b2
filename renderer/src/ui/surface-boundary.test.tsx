// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallManager } from '../engine/call/call-manager';
import type { FerryEngine } from '../engine/engine';
import type { TransferManager } from '../engine/transfer/transfer-manager';
import { CallProvider } from '../features/call/call-context';
import { TransferProvider } from '../features/transfer/transfer-context';
import type { Host } from '../host/host';
import { createFerryStore, type FerryStore } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { App } from './App';
import { FerryProvider } from './ferry-context';

beforeEach(() => {
  // React reports each caught render error on the console; the test looks at the window instead.
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A line no date API can show: what a peer could once send (the schema refuses it now). */
const UNSHOWABLE = 8_640_000_000_000_001;

function renderApp(store: FerryStore) {
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'browser' } as unknown as Host }}>
      <TransferProvider manager={{} as TransferManager}>
        <CallProvider manager={{} as CallManager}>
          <App />
        </CallProvider>
      </TransferProvider>
    </FerryProvider>,
  );
}

function storeWithAda(): FerryStore {
  const store = createFerryStore(testAppInfo, testSettings({ deviceName: 'Bob' }));
  store.getState().peerOnline({ id: 'ada-device', name: 'Ada', appVersion: '0.1.0' });
  store.getState().peerOnline({ id: 'cleo-device', name: 'Cleo', appVersion: '0.1.0' });
  store.getState().selectDevice('ada-device');
  return store;
}

describe('a surface that cannot render fails on its own', () => {
  it('a conversation that throws shows a sentence and Try again; the sidebar and other conversations still work', () => {
    const store = storeWithAda();
    store
      .getState()
      .chatIncoming('ada-device', { id: 'm1', text: 'from the far future', sentAt: UNSHOWABLE });
    renderApp(store);

    expect(screen.getByRole('alert').textContent).toContain('This conversation ran into a problem');
    // The window is not blank: the top bar and the device list are still there and usable.
    expect(screen.getByRole('button', { name: 'Settings' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Cleo, online/ }));
    expect(screen.getByRole('log', { name: 'Conversation with Cleo' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();

    // Back to Ada: still broken, still contained.
    fireEvent.click(screen.getByRole('button', { name: /^Ada, online/ }));
    expect(screen.getByRole('alert')).toBeTruthy();

    // Once what broke it is gone, Try again brings the conversation back.
    act(() => store.setState({ chats: {} }));
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('log', { name: 'Conversation with Ada' })).toBeTruthy();
  });

  it('a sidebar that throws leaves the conversation usable', () => {
    const store = storeWithAda();
    store.getState().chatIncoming('ada-device', { id: 'm1', text: 'hello', sentAt: 1_000 });
    // A device entry that cannot render: its name is not text.
    store.setState((state) => ({
      devices: {
        ...state.devices,
        'cleo-device': { ...state.devices['cleo-device']!, name: { not: 'text' } as unknown as string },
      },
    }));
    renderApp(store);
    expect(screen.getByRole('alert').textContent).toContain('The device list ran into a problem');
    expect(screen.getByRole('log', { name: 'Conversation with Ada' }).textContent).toContain('hello');
  });
});
