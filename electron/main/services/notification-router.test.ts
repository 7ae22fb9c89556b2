import { describe, expect, it } from 'vitest';
import type { AppCommand, NotificationRequest } from '../../../contracts/ipc';
import {
  createNotificationRouter,
  type NotificationContent,
  type NotificationHandlers,
} from './notification-router';

function setup(state: { away: boolean; supported?: boolean }) {
  const shown: { content: NotificationContent; handlers: NotificationHandlers; closed: boolean }[] = [];
  const dispatched: AppCommand[] = [];
  const router = createNotificationRouter({
    isSupported: () => state.supported ?? true,
    isUserAway: () => state.away,
    show: (content, handlers) => {
      const entry = { content, handlers, closed: false };
      shown.push(entry);
      return {
        close: () => {
          entry.closed = true;
          handlers.onClose();
        },
      };
    },
    dispatch: (command) => dispatched.push(command),
    callActionLabels: () => ({ accept: 'Accept', decline: 'Decline' }),
  });
  return { router, shown, dispatched };
}

const message: NotificationRequest = { kind: 'message', peerId: 'desk', title: 'Desk', body: 'Dinner at 8?' };
const call: NotificationRequest = { kind: 'call', peerId: 'desk', title: 'Desk is calling', body: '' };

describe('notification router', () => {
  it('stays quiet while the user looks at the window', () => {
    const { router, shown } = setup({ away: false });
    expect(router.notify(message)).toEqual({ shown: false });
    expect(shown).toEqual([]);
  });

  it('stays quiet where the OS has no notifications', () => {
    const { router, shown } = setup({ away: true, supported: false });
    expect(router.notify(message)).toEqual({ shown: false });
    expect(shown).toEqual([]);
  });

  it('shows the notification when the user is away; a click opens that chat', () => {
    const { router, shown, dispatched } = setup({ away: true });
    expect(router.notify(message)).toEqual({ shown: true });
    expect(shown[0]?.content).toEqual({ title: 'Desk', body: 'Dinner at 8?', actions: [] });
    shown[0]?.handlers.onClick();
    expect(dispatched).toEqual([{ type: 'open-chat', peerId: 'desk' }]);
  });

  it('offers Accept and Decline on an incoming call: Accept opens the chat and accepts', () => {
    const { router, shown, dispatched } = setup({ away: true });
    router.notify(call);
    expect(shown[0]?.content.actions).toEqual(['Accept', 'Decline']);
    shown[0]?.handlers.onAction(0);
    expect(dispatched).toEqual([{ type: 'open-chat', peerId: 'desk' }, { type: 'accept-call' }]);
  });

  it('Decline declines without opening anything; a click on the call opens its chat', () => {
    const { router, shown, dispatched } = setup({ away: true });
    router.notify(call);
    shown[0]?.handlers.onAction(1);
    expect(dispatched).toEqual([{ type: 'decline-call' }]);
    shown[0]?.handlers.onClick();
    expect(dispatched.at(-1)).toEqual({ type: 'open-chat', peerId: 'desk' });
  });

  it('accepts nothing from a button that a message notification does not have', () => {
    const { router, shown, dispatched } = setup({ away: true });
    router.notify({ ...message, kind: 'file-offer' });
    shown[0]?.handlers.onAction(0);
    shown[0]?.handlers.onAction(1);
    expect(dispatched).toEqual([]);
    shown[0]?.handlers.onClick();
    expect(dispatched).toEqual([{ type: 'open-chat', peerId: 'desk' }]);
  });

  it('takes back a call notification once the call stopped ringing, and only that one', () => {
    const { router, shown } = setup({ away: true });
    router.notify(call);
    router.notify(message);
    router.notify({ ...call, peerId: 'laptop' });
    router.withdraw({ kind: 'call', peerId: 'desk' });
    expect(shown.map((entry) => entry.closed)).toEqual([true, false, false]);
    // Nothing left to take back: a second withdrawal, or one for a notification never shown, is a no-op.
    router.withdraw({ kind: 'call', peerId: 'desk' });
    router.withdraw({ kind: 'file-offer', peerId: 'desk' });
    expect(shown.map((entry) => entry.closed)).toEqual([true, false, false]);
  });

  it('shows one notification per device and kind: a newer one replaces the one before', () => {
    const { router, shown } = setup({ away: true });
    router.notify(message);
    router.notify({ ...message, body: 'Or at 9?' });
    expect(shown.map((entry) => entry.closed)).toEqual([true, false]);
  });

  it('forgets a notification the person dismissed, so a later withdrawal closes nothing twice', () => {
    const { router, shown } = setup({ away: true });
    router.notify(call);
    shown[0]?.handlers.onClose();
    router.notify(call);
    router.withdraw({ kind: 'call', peerId: 'desk' });
    expect(shown.map((entry) => entry.closed)).toEqual([false, true]);
  });
});
