/**
 * Is an IPC message from our own window's page? Only then may it reach a main-process service.
 *
 * Two conditions, after GitHub Desktop's trusted-sender set: the sending webContents is one this
 * app created for its window, and the frame that sent it is that window's top frame showing our
 * page (not an iframe, not a page the window was somehow navigated to).
 */
import type { AppPage } from './app-page';

/** The fields of Electron's `IpcMainInvokeEvent` the check reads. */
export interface IpcSenderInfo {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface TrustedSenders {
  trust(webContentsId: number): void;
  forget(webContentsId: number): void;
  isTrusted(event: IpcSenderInfo): boolean;
}

export function createTrustedSenders(appPage: AppPage): TrustedSenders {
  const ids = new Set<number>();
  return {
    trust: (id) => void ids.add(id),
    forget: (id) => void ids.delete(id),
    isTrusted(event) {
      const frame = event.senderFrame;
      return (
        ids.has(event.sender.id) && frame !== null && frame.parent === null && appPage.isAppPage(frame.url)
      );
    },
  };
}
