import { describe, expect, it } from 'vitest';
import type {
  AppCommand,
  NotificationRequest,
  NotificationWithdrawal,
  TrayState,
} from '../../../../contracts/ipc';
import type { CallView } from '../../engine/call/call-manager';
import type { TransferView } from '../../engine/transfer/transfer-types';
import { createFerryStore, engineActionsFor } from '../../state/store';
import { routeAppCommand, type CommandCalls, type CommandTransfers } from './command-router';
import { startDesktopIntegration, type DesktopIntegrationOptions } from './start-desktop';
import { trayStateOf } from './tray-state';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

/** Files from main's dialog are not part of these tests (send-paths.test.ts has them). */
const noTransfers: CommandTransfers = { sendPaths: () => undefined };

const settings = testSettings();

function setup() {
  const store = createFerryStore(testAppInfo, settings);
  const actions = engineActionsFor(store);
  actions.peerOnline({ id: 'bob', name: 'Bob desktop', appVersion: '0.1.0' });
  actions.peerOnline({ id: 'carol', name: 'Carol phone', appVersion: '0.1.0' });
  actions.peerOffline('carol');
  return { store, actions };
}

/** The desktop integration as main.tsx starts it, on a fake host; calls do nothing unless given. */
function startWith(
  store: ReturnType<typeof setup>['store'],
  fake: { host: DesktopIntegrationOptions['host'] },
  calls: CommandCalls = fakeCalls().calls,
) {
  return startDesktopIntegration({
    transfers: noTransfers,
    store,
    host: fake.host,
    calls,
    language: () => 'en',
  });
}

function fakeCalls(placeOutcome: ReturnType<CommandCalls['place']> = 'ringing') {
  const done: string[] = [];
  const calls: CommandCalls = {
    place: (peerId) => {
      done.push(`place ${peerId}`);
      return placeOutcome;
    },
    accept: () => {
      done.push('accept');
      return true;
    },
    decline: () => void done.push('decline'),
    hangUp: () => void done.push('hang-up'),
    toggleMute: () => void done.push('toggle-mute'),
  };
  return { calls, done };
}

const call = (overrides: Partial<CallView> = {}): CallView => ({
  callId: 'call-0001',
  peerId: 'bob',
  direction: 'outgoing',
  phase: 'in-call',
  startedAt: 1,
  connectedAt: 2,
  muted: false,
  ...overrides,
});

describe('the tray state', () => {
  it('lists paired devices in pairing order with presence, and nothing else when idle', () => {
    const { store } = setup();
    expect(trayStateOf(store.getState())).toEqual({
      peers: [
        { id: 'bob', name: 'Bob desktop', online: true },
        { id: 'carol', name: 'Carol phone', online: false },
      ],
      call: null,
      ringing: null,
      receiving: false,
    });
  });

  it.each<[CallView['phase'], boolean]>([
    ['outgoing-ringing', true],
    ['incoming-ringing', false],
    ['connecting', true],
    ['in-call', true],
  ])('shows a call in phase %s: %s', (phase, shown) => {
    const { store } = setup();
    store.getState().callChanged(call({ phase, muted: true }));
    expect(trayStateOf(store.getState()).call).toEqual(shown ? { peerId: 'bob', muted: true } : null);
    // A call that rings here is for Accept / Decline instead.
    expect(trayStateOf(store.getState()).ringing).toEqual(shown ? null : { peerId: 'bob' });
  });

  it('says files are arriving only while an incoming transfer runs', () => {
    const { store } = setup();
    const view = (direction: 'in' | 'out', phase: TransferView['phase']) =>
      ({ key: `${direction}:bob:t1`, deviceId: 'bob', direction, phase }) as TransferView;
    store.getState().transferChanged(view('out', 'transferring'));
    expect(trayStateOf(store.getState()).receiving).toBe(false);
    store.getState().transferChanged(view('in', 'awaiting-you'));
    expect(trayStateOf(store.getState()).receiving).toBe(false);
    store.getState().transferChanged(view('in', 'transferring'));
    expect(trayStateOf(store.getState()).receiving).toBe(true);
  });
});

describe('commands from the tray, notifications and links', () => {
  it('“Call <device>” opens the conversation and places the call', () => {
    const { store } = setup();
    const { calls, done } = fakeCalls();
    routeAppCommand({ type: 'call', peerId: 'bob' }, store, calls, noTransfers);
    expect(done).toEqual(['place bob']);
    expect(store.getState().selectedDeviceId).toBe('bob');
  });

  it('says why a call could not start', () => {
    const { store } = setup();
    routeAppCommand({ type: 'call', peerId: 'carol' }, store, fakeCalls('offline').calls, noTransfers);
    expect(store.getState().announcement).toMatchObject({ key: 'call.notPossible.offline' });
    routeAppCommand({ type: 'call', peerId: 'bob' }, store, fakeCalls('busy').calls, noTransfers);
    expect(store.getState().announcement).toMatchObject({ key: 'call.notPossible.busy' });
  });

  it('ignores devices that are not paired', () => {
    const { store } = setup();
    const { calls, done } = fakeCalls();
    routeAppCommand({ type: 'call', peerId: 'mallory' }, store, calls, noTransfers);
    routeAppCommand({ type: 'open-chat', peerId: 'mallory' }, store, calls, noTransfers);
    expect(done).toEqual([]);
    expect(store.getState().selectedDeviceId).toBe(null);
  });

  it('accepts the ringing call with its conversation on screen; mute and hang up go to the call', () => {
    const { store } = setup();
    store.getState().callChanged(call({ phase: 'incoming-ringing', direction: 'incoming' }));
    const { calls, done } = fakeCalls();
    for (const command of [{ type: 'accept-call' }, { type: 'toggle-mute' }, { type: 'hang-up' }] as const) {
      routeAppCommand(command, store, calls, noTransfers);
    }
    expect(done).toEqual(['accept', 'toggle-mute', 'hang-up']);
    expect(store.getState().selectedDeviceId).toBe('bob');
  });

  it('declines from the notification only a call that still rings here', () => {
    const { store } = setup();
    const { calls, done } = fakeCalls();
    routeAppCommand({ type: 'decline-call' }, store, calls, noTransfers);
    store.getState().callChanged(call({ phase: 'in-call' }));
    routeAppCommand({ type: 'decline-call' }, store, calls, noTransfers);
    expect(done).toEqual([]);
    store.getState().callChanged(call({ phase: 'incoming-ringing', direction: 'incoming' }));
    routeAppCommand({ type: 'decline-call' }, store, calls, noTransfers);
    expect(done).toEqual(['decline']);
    // Declining does not take the person anywhere.
    expect(store.getState().selectedDeviceId).toBe(null);
  });

  it('closes Settings when a command opens a chat or the pairing screen', () => {
    const { store } = setup();
    const { calls } = fakeCalls();
    store.getState().setSettingsOpen(true);
    routeAppCommand({ type: 'open-chat', peerId: 'bob' }, store, calls, noTransfers);
    expect(store.getState()).toMatchObject({ settingsOpen: false, selectedDeviceId: 'bob' });
    store.getState().setSettingsOpen(true);
    routeAppCommand({ type: 'open-chat', peerId: 'bob' }, store, calls, noTransfers);
    expect(store.getState().settingsOpen).toBe(false);
    store.getState().setSettingsOpen(true);
    routeAppCommand({ type: 'pair', code: 'K7M-Q2XW' }, store, calls, noTransfers);
    expect(store.getState()).toMatchObject({ settingsOpen: false, pairingOpen: true });
    store.getState().setSettingsOpen(true);
    routeAppCommand({ type: 'call', peerId: 'bob' }, store, calls, noTransfers);
    expect(store.getState().settingsOpen).toBe(false);
    // Mute and hang up leave the screen as it is.
    store.getState().setSettingsOpen(true);
    routeAppCommand({ type: 'toggle-mute' }, store, calls, noTransfers);
    expect(store.getState().settingsOpen).toBe(true);
  });

  it('opens a chat', () => {
    const { store } = setup();
    routeAppCommand({ type: 'open-chat', peerId: 'carol' }, store, fakeCalls().calls, noTransfers);
    expect(store.getState().selectedDeviceId).toBe('carol');
  });

  it('a ferry://pair link only fills in the code: nothing joins until the person confirms', () => {
    const { store } = setup();
    store.getState().selectDevice('bob');
    routeAppCommand({ type: 'pair', code: 'K7M-Q2XW' }, store, fakeCalls().calls, noTransfers);
    expect(store.getState()).toMatchObject({
      pairingOpen: true,
      selectedDeviceId: null,
      suggestedCode: { code: 'K7M-Q2XW', id: 1 },
      pairing: { phase: 'idle' },
    });
    routeAppCommand({ type: 'pair', code: 'K7M-Q2XW' }, store, fakeCalls().calls, noTransfers);
    expect(store.getState().suggestedCode).toEqual({ code: 'K7M-Q2XW', id: 2 });
  });
});

describe('the desktop integration', () => {
  function fakeHost() {
    const trayStates: TrayState[] = [];
    const notifications: NotificationRequest[] = [];
    const withdrawn: NotificationWithdrawal[] = [];
    let handler: ((command: AppCommand) => void) | null = null;
    return {
      trayStates,
      notifications,
      withdrawn,
      send: (command: AppCommand) => handler?.(command),
      get listening() {
        return handler !== null;
      },
      host: {
        setTrayState: async (state: TrayState) => void trayStates.push(state),
        showNotification: async (request: NotificationRequest) => {
          notifications.push(request);
          return { shown: true };
        },
        withdrawNotification: async (withdrawal: NotificationWithdrawal) => void withdrawn.push(withdrawal),
        onCommand: (listener: (command: AppCommand) => void) => {
          handler = listener;
          return () => {
            handler = null;
          };
        },
      },
    };
  }

  it('sends the tray state at start and whenever it changes, and only then', () => {
    const { store, actions } = setup();
    const fake = fakeHost();
    startWith(store, fake);
    expect(fake.trayStates).toHaveLength(1);
    store.getState().callMetricsChanged({ localLevel: 0.5, remoteLevel: 0.5, quality: 'good' });
    store.getState().announce('settings.saved');
    expect(fake.trayStates).toHaveLength(1);
    actions.peerOffline('bob');
    expect(fake.trayStates.at(-1)?.peers.map((peer) => peer.online)).toEqual([false, false]);
    store.getState().callChanged(call({ peerId: 'carol', muted: true }));
    expect(fake.trayStates.at(-1)?.call).toEqual({ peerId: 'carol', muted: true });
    expect(fake.trayStates).toHaveLength(3);
  });

  it('routes commands until stopped', () => {
    const { store } = setup();
    const fake = fakeHost();
    const { calls, done } = fakeCalls();
    const stop = startWith(store, fake, calls);
    fake.send({ type: 'call', peerId: 'bob' });
    expect(done).toEqual(['place bob']);
    stop();
    expect(fake.listening).toBe(false);
  });

  it('notifies of incoming messages (not our own) and of a call that starts ringing, once', () => {
    const { store, actions } = setup();
    const fake = fakeHost();
    startWith(store, fake);
    actions.chatOutgoing('bob', { id: 'm1', text: 'hello', sentAt: 1 });
    actions.chatIncoming('bob', { id: 'm2', text: 'hi there', sentAt: 2 });
    actions.chatStatus('bob', 'm1', 'delivered');
    store.getState().callChanged(call({ phase: 'incoming-ringing', direction: 'incoming' }));
    store.getState().callChanged(call({ phase: 'incoming-ringing', direction: 'incoming' }));
    expect(fake.notifications).toEqual([
      { kind: 'message', peerId: 'bob', title: 'Bob desktop', body: 'hi there' },
      { kind: 'call', peerId: 'bob', title: 'Incoming call', body: 'Bob desktop is calling you.' },
    ]);
    expect(fake.withdrawn).toEqual([]);
    // Accepted (here, or with the notification's button): the ringing notification goes.
    store.getState().callChanged(call({ phase: 'connecting', direction: 'incoming' }));
    expect(fake.withdrawn).toEqual([{ kind: 'call', peerId: 'bob' }]);
    store.getState().callChanged(call({ phase: 'in-call', direction: 'incoming' }));
    store.getState().callChanged(null);
    expect(fake.withdrawn).toHaveLength(1);
    // A call that rang out takes its notification back too, and says it was missed.
    store
      .getState()
      .callChanged(call({ callId: 'call-0002', phase: 'incoming-ringing', direction: 'incoming' }));
    store.getState().callChanged(null);
    expect(fake.withdrawn).toEqual([
      { kind: 'call', peerId: 'bob' },
      { kind: 'call', peerId: 'bob' },
    ]);
    const record = {
      callId: 'call-0002',
      peerId: 'bob',
      direction: 'incoming',
      startedAt: 1,
      endedAt: 2,
      durationMs: null,
    } as const;
    store.getState().callRecorded({ ...record, reason: 'missed' });
    store.getState().callRecorded({ ...record, callId: 'call-0003', reason: 'declined' });
    expect(fake.notifications.slice(3)).toEqual([
      { kind: 'missed-call', peerId: 'bob', title: 'Missed call from Bob desktop', body: '' },
    ]);
  });

  it('notifies of a file offer that waits for an answer, once, and not of outgoing or auto-accepted ones', () => {
    const { store } = setup();
    const fake = fakeHost();
    startWith(store, fake);
    const offer = (direction: 'in' | 'out', id: string, phase: TransferView['phase']) =>
      ({
        key: `${direction}:bob:${id}`,
        id,
        deviceId: 'bob',
        direction,
        phase,
        files: [
          { path: 'a.txt', size: 1_000_000, done: 0, state: 'waiting' },
          { path: 'b.txt', size: 500_000, done: 0, state: 'waiting' },
        ],
        totalBytes: 1_500_000,
        doneBytes: 0,
        bytesPerSecond: 0,
        secondsLeft: null,
        createdAt: 1,
        finishedAt: null,
      }) satisfies TransferView;
    store.getState().transferChanged(offer('out', 't0', 'offered'));
    store.getState().transferChanged(offer('in', 't1', 'transferring'));
    store.getState().transferChanged(offer('in', 't2', 'awaiting-you'));
    store.getState().transferChanged({ ...offer('in', 't2', 'awaiting-you'), doneBytes: 0 });
    expect(fake.withdrawn).toEqual([]);
    store.getState().transferChanged(offer('in', 't2', 'transferring'));
    // Answered: the notification goes.
    expect(fake.withdrawn).toEqual([{ kind: 'file-offer', peerId: 'bob' }]);
    expect(fake.notifications).toEqual([
      {
        kind: 'file-offer',
        peerId: 'bob',
        title: 'Bob desktop',
        body: 'Bob desktop wants to send you 2 files, 1.5 MB.',
      },
    ]);
  });
});
