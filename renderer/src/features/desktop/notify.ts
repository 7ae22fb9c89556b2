/**
 * System notifications through the host: the desktop app shows them when its window is not in
 * front, the browser when the tab is hidden (if allowed). Best effort: a notification that cannot
 * be shown never disturbs what raised it.
 */
import type { NotificationRequest, NotificationWithdrawal } from '../../../../contracts/ipc';
import type { Host } from '../../host/host';

const MAX_TITLE = 200;
const MAX_BODY = 1000;

/** Also for other features (file offers): one way to notify, with the contract's limits applied. */
export async function notifyUser(
  host: Pick<Host, 'showNotification'>,
  request: NotificationRequest,
): Promise<boolean> {
  if (!host.showNotification) return false;
  const title = request.title.slice(0, MAX_TITLE) || '…';
  try {
    const outcome = await host.showNotification({ ...request, title, body: request.body.slice(0, MAX_BODY) });
    return outcome.shown;
  } catch {
    return false;
  }
}

/** What a notification announced is over (the call stopped ringing, the offer was answered). */
export async function withdrawNotification(
  host: Pick<Host, 'withdrawNotification'>,
  withdrawal: NotificationWithdrawal,
): Promise<void> {
  try {
    await host.withdrawNotification?.(withdrawal);
  } catch {
    // Best effort, as showing is.
  }
}
