/**
 * System notifications for what the renderer reports (a message, a file offer, an incoming call),
 * shown only when the user is not looking at Ferry: when the window is in front, the renderer
 * already shows it. Clicking one brings Ferry up on the chat with that device.
 */
import type { AppCommand, NotificationOutcome, NotificationRequest } from '../../../contracts/ipc';

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
}

export interface NotificationRouterOptions {
  readonly isSupported: () => boolean;
  /** The window is hidden, minimized or behind another app. */
  readonly isUserAway: () => boolean;
  readonly show: (content: NotificationContent, handlers: NotificationHandlers) => void;
  /** Commands go through the dispatcher, which also brings the window up for them. */
  readonly dispatch: (command: AppCommand) => void;
  readonly acceptCallLabel: () => string;
}

export interface NotificationRouter {
  notify(request: NotificationRequest): NotificationOutcome;
}

export function createNotificationRouter(options: NotificationRouterOptions): NotificationRouter {
  return {
    notify(request) {
      if (!options.isUserAway() || !options.isSupported()) return { shown: false };
      const openChat = (): void => options.dispatch({ type: 'open-chat', peerId: request.peerId });
      const isCall = request.kind === 'call';
      options.show(
        { title: request.title, body: request.body, actions: isCall ? [options.acceptCallLabel()] : [] },
        {
          onClick: openChat,
          onAction: (index) => {
            if (isCall && index === 0) {
              // Bring the conversation up first, so that the accepted call has its window.
              openChat();
              options.dispatch({ type: 'accept-call' });
            }
          },
        },
      );
      return { shown: true };
    },
  };
}
