/**
 * System notifications for the browser client: the web Notification API, used only when the tab is
 * out of sight and the person has allowed notifications (the page never asks on its own). Clicking
 * one brings the tab forward and opens the conversation, as the desktop app's notifications do.
 */
import type { AppCommand } from '../../../contracts/ipc';
import type { Host } from './host';

/** The parts of the browser the web host's notifications use; tests give a fake. */
export interface WebNotifier {
  /** The tab is in the background or the window minimized. */
  pageHidden(): boolean;
  permitted(): boolean;
  show(title: string, options: { body: string; tag: string }, onClick: () => void): void;
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
    },
  };
}

export function webNotifications(notifier: WebNotifier): Pick<Host, 'showNotification' | 'onCommand'> {
  const handlers = new Set<(command: AppCommand) => void>();
  return {
    showNotification: async (request) => {
      if (!notifier.pageHidden() || !notifier.permitted()) return { shown: false };
      // One notification per device and kind: a newer message replaces the one before.
      notifier.show(request.title, { body: request.body, tag: `${request.kind}:${request.peerId}` }, () => {
        for (const handler of handlers) handler({ type: 'open-chat', peerId: request.peerId });
      });
      return { shown: true };
    },
    onCommand: (handler) => {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
  };
}
