/**
 * Applies the decisions of services/web-policy.ts to Electron: to every webContents the app
 * creates, and to the default session's permission prompts.
 */
import { shell, type Session, type WebContents } from 'electron';
import type { AppPage } from '../services/app-page';
import type { Logger } from '../services/logger';
import { isConnectAllowed } from '../services/connect-policy';
import { decideNavigation, decideWindowOpen, isPermissionGranted } from '../services/web-policy';

export function guardWebContents(contents: WebContents, appPage: AppPage, logger: Logger): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-externally') void shell.openExternal(url);
    return { action: 'deny' };
  });
  const onNavigate = (event: { preventDefault(): void }, url: string): void => {
    const decision = decideNavigation(url, appPage);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-externally') void shell.openExternal(url);
    else logger.warn({ url }, 'navigation away from the app refused');
  };
  contents.on('will-navigate', (event) => onNavigate(event, event.url));
  contents.on('will-redirect', (event) => onNavigate(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function guardPermissions(session: Session, appPage: AppPage, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const granted = isPermissionGranted(
      {
        permission,
        requestingUrl: details.requestingUrl,
        ...('mediaTypes' in details && details.mediaTypes !== undefined
          ? { mediaTypes: details.mediaTypes }
          : {}),
      },
      appPage,
    );
    if (!granted) logger.info({ permission, url: details.requestingUrl }, 'permission request refused');
    callback(granted);
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(
      {
        permission,
        requestingUrl: details.requestingUrl ?? requestingOrigin,
        ...(details.mediaType === undefined ? {} : { mediaTypes: [details.mediaType] }),
      },
      appPage,
    ),
  );
}

/**
 * Every request of the session goes to one of `services` (read at each request, so services that
 * come and go are followed) or is cancelled: services/connect-policy.ts.
 */
export function guardConnections(session: Session, services: () => readonly string[], logger: Logger): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isConnectAllowed(details.url, services());
    if (!allowed)
      logger.warn(
        { url: details.url.slice(0, 200) },
        'request to a server that is not a signaling service refused',
      );
    callback({ cancel: !allowed });
  });
}
