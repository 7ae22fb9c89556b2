import { describe, expect, it } from 'vitest';
import { createFerryStore, engineActionsFor } from './store';
import { testAppInfo, testSettings } from './testing/store-fixtures';

const settings = testSettings();

function setup() {
  const store = createFerryStore(testAppInfo, settings);
  return { store, actions: engineActionsFor(store) };
}

describe('the Ferry store as the engine drives it', () => {
  it('opens the conversation with a device once pairing connects, and announces it', () => {
    const { store, actions } = setup();
    actions.setPairing({ phase: 'connecting' });
    expect(store.getState().pairingOpen).toBe(true);
    actions.peerOnline({ id: 'ada', name: 'Ada', appVersion: '0.1.0' });
    actions.setPairing({
      phase: 'connected',
      peerId: 'ada',
      peerName: 'Ada',
      verificationPhrase: '4829 1307',
    });
    const state = store.getState();
    expect(state.pairingOpen).toBe(false);
    expect(state.selectedDeviceId).toBe('ada');
    expect(state.devices['ada']?.online).toBe(true);
    expect(state.announcement).toMatchObject({ key: 'pair.status.connected', params: { name: 'Ada' } });
    expect(state.verificationPhrases['ada']).toBe('4829 1307');
  });

  it('tracks an outgoing line from sending to delivered, or failed', () => {
    const { store, actions } = setup();
    actions.chatOutgoing('ada', { id: 'm1', text: 'hi', sentAt: 1 });
    actions.chatOutgoing('ada', { id: 'm2', text: 'there', sentAt: 2 });
    actions.chatStatus('ada', 'm1', 'delivered');
    actions.chatStatus('ada', 'm2', 'failed');
    expect(store.getState().chats['ada']).toEqual([
      { id: 'm1', text: 'hi', sentAt: 1, direction: 'out', status: 'delivered' },
      { id: 'm2', text: 'there', sentAt: 2, direction: 'out', status: 'failed' },
    ]);
  });

  it('counts unread lines only while another screen is shown, and clears them on select', () => {
    const { store, actions } = setup();
    actions.peerOnline({ id: 'ada', name: 'Ada', appVersion: '0.1.0' });
    actions.peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' });
    store.getState().selectDevice('ada');
    actions.chatIncoming('ada', { id: 'a1', text: 'seen', sentAt: 1 });
    actions.chatIncoming('bob', { id: 'b1', text: 'unseen', sentAt: 1 });
    actions.chatIncoming('bob', { id: 'b2', text: 'unseen too', sentAt: 2 });
    expect(store.getState().devices['ada']?.unread).toBe(0);
    expect(store.getState().devices['bob']?.unread).toBe(2);
    store.getState().selectDevice('bob');
    expect(store.getState().devices['bob']?.unread).toBe(0);
  });

  it('keeps an offline device and its conversation, and says it went offline', () => {
    const { store, actions } = setup();
    actions.peerOnline({ id: 'ada', name: 'Ada', appVersion: '0.1.0' });
    actions.chatIncoming('ada', { id: 'a1', text: 'bye', sentAt: 1 });
    actions.peerOffline('ada');
    const state = store.getState();
    expect(state.devices['ada']).toMatchObject({ online: false, name: 'Ada' });
    expect(state.chats['ada']).toHaveLength(1);
    expect(state.announcement).toMatchObject({ key: 'chat.wentOffline', params: { name: 'Ada' } });
    expect(state.deviceOrder).toEqual(['ada']);
  });

  it('starts a fresh pairing screen after a finished attempt, but keeps one under way', () => {
    const { store, actions } = setup();
    actions.setPairing({ phase: 'failed', reason: 'code-expired' });
    store.getState().openPairing();
    expect(store.getState().pairing).toEqual({ phase: 'idle' });
    actions.setPairing({ phase: 'showing-code', code: 'K7M-Q2XW', expiresAt: 5 });
    store.getState().openPairing();
    expect(store.getState().pairing.phase).toBe('showing-code');
  });
});

describe('a burst of incoming lines', () => {
  function batched() {
    const store = createFerryStore(testAppInfo, settings);
    const timers: (() => void)[] = [];
    const actions = engineActionsFor(store, { chatBatchMs: 16, setTimer: (run) => timers.push(run) });
    let updates = 0;
    store.subscribe((next, previous) => void (next.chats !== previous.chats && updates++));
    return { store, actions, timers, updates: () => updates };
  }
  const line = (i: number) => ({ id: `m${i}`, text: `line ${i}`, sentAt: i });

  it('is shown in one store update per batch window, in order, the first line at once', () => {
    const { store, actions, timers, updates } = batched();
    actions.peerOnline({ id: 'ada', name: 'Ada', appVersion: '0.1.0' });
    for (let i = 0; i < 500; i++) actions.chatIncoming('ada', line(i));
    // The first line after a quiet spell shows at once; the rest wait for the window's end.
    expect(store.getState().chats['ada']).toHaveLength(1);
    expect(updates()).toBe(1);
    timers.shift()?.();
    expect(updates()).toBe(2);
    expect(store.getState().chats['ada']?.map((entry) => entry.id)).toEqual(
      Array.from({ length: 500 }, (_, i) => `m${i}`),
    );
    // Not looking at Ada's conversation: every line counts as unread.
    expect(store.getState().devices['ada']?.unread).toBe(500);

    // A quiet spell later, the next line shows at once again.
    actions.chatIncoming('ada', line(500));
    expect(store.getState().chats['ada']).toHaveLength(501);
  });

  it('a line typed meanwhile goes after the lines already received', () => {
    const { store, actions } = batched();
    actions.chatIncoming('ada', line(0));
    actions.chatIncoming('ada', line(1));
    actions.chatOutgoing('ada', { id: 'mine', text: 'reply', sentAt: 3 });
    expect(store.getState().chats['ada']?.map((entry) => entry.id)).toEqual(['m0', 'm1', 'mine']);
  });
});
