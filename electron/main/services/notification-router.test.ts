import { describe, expect, it } from 'vitest';
import type { AppCommand, NotificationRequest } from '../../../contracts/ipc';
import {
  createNotificationRouter,
  type NotificationContent,
  type NotificationHandlers,
} from './notification-router';

function setup(state: { away: boolean; supported?: boolean }) {
  const shown: { content: NotificationContent; handlers: NotificationHandlers }[] = [];
  const dispatched: AppCommand[] = [];
  const router = createNotificationRouter({
    isSupported: () => state.supported ?? true,
    isUserAway: () => state.away,
    show: (content, handlers) => shown.push({ content, handlers }),
    dispatch: (command) => dispatched.push(command),
    acceptCallLabel: () => 'Accept',
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

  it('offers Accept on an incoming call, which opens the chat and accepts', () => {
    const { router, shown, dispatched } = setup({ away: true });
    router.notify(call);
    expect(shown[0]?.content.actions).toEqual(['Accept']);
    shown[0]?.handlers.onAction(0);
    expect(dispatched).toEqual([{ type: 'open-chat', peerId: 'desk' }, { type: 'accept-call' }]);
  });

  it('accepts nothing from a button that a message notification does not have', () => {
    const { router, shown, dispatched } = setup({ away: true });
    router.notify({ ...message, kind: 'file-offer' });
    shown[0]?.handlers.onAction(0);
    expect(dispatched).toEqual([]);
  });
});
