// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { CallManager, CallView } from '../../engine/call/call-manager';
import type { Host } from '../../host/host';
import { createFerryStore, engineActionsFor, type FerryStore } from '../../state/store';
import { FerryProvider } from '../../ui/ferry-context';
import { CallButton } from './CallButton';
import { CallProvider } from './call-context';
import { CallSurface } from './CallSurface';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

afterEach(cleanup);

const settings = testSettings();

function fakeCalls(canCallHere: boolean) {
  const done: string[] = [];
  const manager = {
    canCallHere,
    place: (peerId: string) => {
      done.push(`place ${peerId}`);
      return 'ringing';
    },
    accept: () => {
      done.push('accept');
      return true;
    },
    decline: () => void done.push('decline'),
    hangUp: () => void done.push('hang-up'),
    toggleMute: () => void done.push('toggle-mute'),
    changeMicrophone: async () => undefined,
    changeSpeaker: async () => undefined,
  } as unknown as CallManager;
  return { manager, done };
}

function renderWith(store: FerryStore, ui: ReactNode, { canCallHere = true } = {}) {
  const { manager, done } = fakeCalls(canCallHere);
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'web' } as Host }}>
      <CallProvider manager={manager}>{ui}</CallProvider>
    </FerryProvider>,
  );
  return done;
}

function storeWithBob(): FerryStore {
  const store = createFerryStore(testAppInfo, settings);
  engineActionsFor(store).peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' });
  return store;
}

const call = (overrides: Partial<CallView>): CallView => ({
  callId: 'call-0001',
  peerId: 'bob',
  direction: 'outgoing',
  phase: 'in-call',
  startedAt: Date.now() - 5_000,
  connectedAt: Date.now() - 65_000,
  muted: false,
  ...overrides,
});

describe('the call UI', () => {
  it('“Call Bob” places the call, and is disabled while a call runs or Bob is offline', () => {
    const store = storeWithBob();
    const done = renderWith(store, <CallButton deviceId="bob" peerName="Bob" online />);
    fireEvent.click(screen.getByRole('button', { name: 'Call Bob' }));
    expect(done).toEqual(['place bob']);
    act(() => store.getState().callChanged(call({})));
    expect(screen.getByRole('button', { name: 'Call Bob' })).toHaveProperty('disabled', true);
  });

  it('where this browser cannot make calls, “Call Bob” is disabled and a sentence beside it says why and what to do', () => {
    const store = storeWithBob();
    const done = renderWith(store, <CallButton deviceId="bob" peerName="Bob" online />, {
      canCallHere: false,
    });
    const button = screen.getByRole('button', { name: 'Call Bob' });
    expect(button).toHaveProperty('disabled', true);
    fireEvent.click(button);
    expect(done).toEqual([]);
    const explanation = document.getElementById(button.getAttribute('aria-describedby') ?? '');
    expect(explanation?.textContent).toContain('browsers allow the microphone only on secure (https) pages');
    expect(screen.getByText(/install the Ferry app or open Ferry over https/)).toBe(explanation);
  });

  it('rings as an alert dialog with Accept focused, and passes Accept and Decline on', () => {
    const store = storeWithBob();
    const done = renderWith(store, <CallSurface />);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    act(() => store.getState().callChanged(call({ phase: 'incoming-ringing', direction: 'incoming' })));
    const dialog = screen.getByRole('alertdialog', { name: 'Incoming call' });
    expect(dialog.textContent).toContain('Bob is calling you.');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Accept' }));
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    expect(done).toEqual(['accept', 'decline']);
    // No call bar while it rings: the dialog is the whole story.
    expect(screen.queryByRole('region', { name: 'Call with Bob' })).toBeNull();
  });

  it('shows a running call: status, duration, both levels, quality in words, Mute/Unmute and Hang up', () => {
    const store = storeWithBob();
    const done = renderWith(store, <CallSurface />);
    act(() => {
      store.getState().callChanged(call({ muted: true }));
      store.getState().callMetricsChanged({ localLevel: 0.42, remoteLevel: 0.7, quality: 'fair' });
    });
    const bar = screen.getByRole('region', { name: 'Call with Bob' });
    expect(screen.getByRole('status').textContent).toBe('In a call with Bob');
    expect(screen.getByRole('timer', { name: 'Call duration' }).textContent).toMatch(/^1:0\d$/);
    expect(screen.getByRole('meter', { name: 'Your microphone level' }).getAttribute('aria-valuenow')).toBe(
      '42',
    );
    expect(screen.getByRole('meter', { name: 'Bob’s audio level' }).getAttribute('aria-valuenow')).toBe('70');
    expect(bar.textContent).toContain('Connection: fair');
    expect(bar.textContent).toContain('You are muted.');
    // Muted, the button says what pressing it does.
    expect(screen.queryByRole('button', { name: 'Mute' })).toBeNull();
    const unmute = screen.getByRole('button', { name: 'Unmute' });
    fireEvent.click(unmute);
    fireEvent.click(screen.getByRole('button', { name: 'Hang up' }));
    expect(done).toEqual(['toggle-mute', 'hang-up']);
    act(() => store.getState().callChanged(call({ muted: false })));
    expect(screen.getByRole('button', { name: 'Mute' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Unmute' })).toBeNull();

    act(() => store.getState().callChanged(null));
    expect(screen.queryByRole('region', { name: 'Call with Bob' })).toBeNull();
  });
});
