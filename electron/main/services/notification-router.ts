/**
 * System notifications for what the renderer reports (a message, a file offer, an incoming call),
 * shown only when the user is not looking at Ferry: when the window is in front, the renderer
 * already shows it. Clicking one brings Ferry up on the chat with that device. An incoming call's
 * notification has Accept and Decline buttons where the OS shows notification buttons (Windows;
 * macOS for a signed app whose notifications are alerts, see electron-builder.yml); elsewhere
 * (Linux) a click opens the conversation, where the ring dialog has both.
 *
 * One notification per device and kind shows at a time (a newer message replaces the one before),
 * and the renderer withdraws one whose subject is over: a call that stopped ringing must not leave
 * an Accept button behind (macOS keeps alerts on screen until they are answered).
 */
import type {
  AppCommand,
  NotificationOutcome,
  NotificationRequest,
  NotificationWithdrawal,
} from '../../../contracts/ipc';

export interface NotificationContent {
  readonly title: string;
  readonly body: string;
  /** Button labels; shown where the OS supports notification buttons (macOS, Windows). */
  readonly actions: readonly string[];
}

export interface NotificationHandlers {
  onClick(): void;
  /** The index of the button pressed, into `actions`. */
  onAction(index: number): void;
  /** The notification went away (clicked, answered, dismissed or closed by us). */
  onClose(): void;
}

/** A notification on screen. */
export interface ShownNotification {
  close(): void;
}

export interface NotificationRouterOptions {
  readonly isSupported: () => boolean;
  /** The window is hidden, minimized or behind another app. */
  readonly isUserAway: () => boolean;
  readonly show: (content: NotificationContent, handlers: NotificationHandlers) => ShownNotification;
  /** Commands go through the dispatcher, which also brings the window up for them. */
  readonly dispatch: (command: AppCommand) => void;
  /** The buttons of an incoming-call notification, in the language of the moment. */
  readonly callActionLabels: () => { readonly accept: string; readonly decline: string };
}

export interface NotificationRouter {
  notify(request: NotificationRequest): NotificationOutcome;
  /** Takes back the notification of this kind for this device, if one shows. */
  withdraw(withdrawal: NotificationWithdrawal): void;
}

export function createNotificationRouter(options: NotificationRouterOptions): NotificationRouter {
  const showing = new Map<string, ShownNotification>();
  const keyOf = ({ kind, peerId }: NotificationWithdrawal): string => `${kind}:${peerId}`;
  const withdraw = (withdrawal: NotificationWithdrawal): void => {
    const key = keyOf(withdrawal);
    const shown = showing.get(key);
    showing.delete(key);
    shown?.close();
  };
  return {
    notify(request) {
      if (!options.isUserAway() || !options.isSupported()) return { shown: false };
      withdraw(request);
      const openChat = (): void => options.dispatch({ type: 'open-chat', peerId: request.peerId });
      const isCall = request.kind === 'call';
      const labels = isCall ? options.callActionLabels() : null;
      const key = keyOf(request);
      const shown: ShownNotification = options.show(
        {
          title: request.title,
          body: request.body,
          actions: labels === null ? [] : [labels.accept, labels.decline],
        },
        {
          onClick: openChat,
          onAction: (index) => {
            if (!isCall) return;
            if (index === 0) {
              // Bring the conversation up first, so that the accepted call has its window.
              openChat();
              options.dispatch({ type: 'accept-call' });
            } else if (index === 1) {
              // Declining leaves the person where they were: no window comes up.
              options.dispatch({ type: 'decline-call' });
            }
          },
          onClose: () => {
            if (showing.get(key) === shown) showing.delete(key);
          },
        },
      );
      showing.set(key, shown);
      return { shown: true };
    },
    withdraw,
  };
}
