/**
 * System notifications for the browser client: the web Notification API, used only when the tab is
 * out of sight and the person has allowed notifications (the page never asks on its own). Clicking
 * one brings the tab forward and opens the conversation, as the desktop app's notifications do;
 * one whose subject is over (a call that stopped ringing) is closed again.
 */
import type { AppCommand } from '../../../contracts/ipc';
import type { Host, NotificationPermissionAsk } from './host';

/** The parts of the browser the web host's notifications use; tests give a fake. */
export interface WebNotifier {
  /** The tab is in the background or the window minimized. */
  pageHidden(): boolean;
  permitted(): boolean;
  /** Shows a notification; the returned function closes it. */
  show(title: string, options: { body: string; tag: string }, onClick: () => void): () => void;
}

export function browserNotifier(): WebNotifier | undefined {
  if (typeof Notification === 'undefined') return undefined;
  return {
    pageHidden: () => document.visibilityState === 'hidden',
    permitted: () => Notification.permission === 'granted',
    show: (title, options, onClick) => {
      const notification = new Notification(title, options);
      notification.onclick = () => {
        window.focus();
        notification.close();
        onClick();
      };
      return () => notification.close();
    },
  };
}

/**
 * Asking the browser for permission to notify. Browsers ignore (or penalise) a request made on
 * load, so the UI asks only when the person chooses to, after saying why (NotifyPrompt).
 */
export function browserNotificationPermission(): NotificationPermissionAsk | undefined {
  if (typeof Notification === 'undefined') return undefined;
  return {
    state: () => Notification.permission,
    request: () => Notification.requestPermission(),
  };
}

export function webNotifications(
  notifier: WebNotifier,
): Pick<Host, 'showNotification' | 'withdrawNotification' | 'onCommand'> {
  const handlers = new Set<(command: AppCommand) => void>();
  /** The close function of what shows, by tag. */
  const showing = new Map<string, () => void>();
  return {
    showNotification: async (request) => {
      if (!notifier.pageHidden() || !notifier.permitted()) return { shown: false };
      // One notification per device and kind: a newer message replaces the one before.
      const tag = `${request.kind}:${request.peerId}`;
      const close = notifier.show(request.title, { body: request.body, tag }, () => {
        showing.delete(tag);
        for (const handler of handlers) handler({ type: 'open-chat', peerId: request.peerId });
      });
      showing.set(tag, close);
      return { shown: true };
    },
    withdrawNotification: async ({ kind, peerId }) => {
      const tag = `${kind}:${peerId}`;
      showing.get(tag)?.();
      showing.delete(tag);
    },
    onCommand: (handler) => {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
