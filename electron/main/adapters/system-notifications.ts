/** Shows a notification with Electron's `Notification`, for services/notification-router.ts. */
import { Notification } from 'electron';
import type {
  NotificationContent,
  NotificationHandlers,
  ShownNotification,
} from '../services/notification-router';

// A notification object that is garbage-collected loses its event handlers, and the click then does
// nothing; hold each one until it is clicked or closed.
const live = new Set<Notification>();

export function showSystemNotification(
  content: NotificationContent,
  handlers: NotificationHandlers,
  iconPath: string,
): ShownNotification {
  const notification = new Notification({
    title: content.title,
    body: content.body,
    icon: iconPath,
    actions: content.actions.map((text) => ({ type: 'button', text })),
  });
  live.add(notification);
  const release = (): void => {
    if (live.delete(notification)) handlers.onClose();
  };
  notification.on('click', () => {
    release();
    handlers.onClick();
  });
  notification.on('action', (event) => {
    release();
    handlers.onAction(event.actionIndex);
  });
  notification.on('close', release);
  notification.show();
  return {
    close: () => {
      release();
      notification.close();
    },
  };
}
