import { describe, expect, it } from 'vitest';
import { trayStateOf } from '../features/desktop/tray-state';
import { createFerryStore, engineActionsFor } from './store';
import { testAppInfo, testSettings } from './testing/store-fixtures';

function setup() {
  const store = createFerryStore(testAppInfo, testSettings());
  return { store, actions: engineActionsFor(store) };
}

describe('remembered devices in the store', () => {
  it('lists remembered devices offline with their last-seen time and the name this person gave', () => {
    const { store } = setup();
    store.getState().setRemembered([
      { id: 'ada', name: 'Ada laptop', lastSeen: 1_000 },
      { id: 'bob', name: 'Bob desktop', alias: 'Dad', lastSeen: 2_000 },
    ]);
    const { devices, deviceOrder } = store.getState();
    expect(deviceOrder).toEqual(['ada', 'bob']);
    expect(devices['ada']).toMatchObject({ online: false, lastSeen: 1_000, name: 'Ada laptop' });
    expect(devices['bob']).toMatchObject({ name: 'Dad', alias: 'Dad' });
  });

  it('keeps the alias when the device comes online under its own name, and says it reconnected', () => {
    const { store, actions } = setup();
    store.getState().setRemembered([{ id: 'bob', name: 'Bob desktop', alias: 'Dad', lastSeen: 2_000 }]);
    actions.peerOnline({ id: 'bob', name: 'Bob desktop', appVersion: '0.1.0' });
    expect(store.getState().devices['bob']).toMatchObject({ name: 'Dad', online: true });
    expect(store.getState().announcement).toMatchObject({
      key: 'devices.reconnected',
      params: { name: 'Dad' },
    });
  });

  it('removes a forgotten device and its conversation, and opens pairing ready for a new code', () => {
    const { store, actions } = setup();
    actions.peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' });
    actions.setPairing({
      phase: 'connected',
      peerId: 'bob',
      peerName: 'Bob',
      verificationPhrase: '1234 5678',
    });
    actions.chatIncoming('bob', { id: 'm1', text: 'hi', sentAt: 1 });
    store.getState().removeDevice('bob');
    const state = store.getState();
    expect(state.devices['bob']).toBeUndefined();
    expect(state.verificationPhrases['bob']).toBeUndefined();
    expect(state.deviceOrder).toEqual([]);
    expect(state.chats['bob']).toBeUndefined();
    expect(state.pairingOpen).toBe(true);
    expect(state.pairing).toEqual({ phase: 'idle' });
  });

  it('gives the tray every remembered device with its state right after a start, before any connection', () => {
    const { store, actions } = setup();
    store.getState().setRemembered([
      { id: 'ada', name: 'Ada laptop', lastSeen: 1_000 },
      { id: 'bob', name: 'Bob desktop', alias: 'Dad', lastSeen: 2_000 },
    ]);
    expect(trayStateOf(store.getState()).peers).toEqual([
      { id: 'ada', name: 'Ada laptop', online: false },
      { id: 'bob', name: 'Dad', online: false },
    ]);
    actions.peerOnline({ id: 'ada', name: 'Ada laptop', appVersion: '0.1.0' });
    expect(trayStateOf(store.getState()).peers[0]).toEqual({ id: 'ada', name: 'Ada laptop', online: true });
  });
});
