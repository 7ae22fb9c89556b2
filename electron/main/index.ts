/**
 * Electron glue: creates the Electron objects and hands them to the services in ./services, which
 * hold the logic and are tested under plain Node.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { homedir, hostname, networkInterfaces, userInfo } from 'node:os';
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, Notification, protocol, session, shell, Tray } from 'electron';
import { APP_COMMAND_CHANNEL, NEARBY_DEVICES_CHANNEL, type TrayState } from '../../contracts/ipc';
import { err, ok } from '../../contracts/result';
import { startSignalingService } from '../../signaling/src/service';
import { createMainWindow } from './adapters/main-window';
import { showSystemNotification } from './adapters/system-notifications';
import { guardConnections, guardPermissions, guardWebContents } from './adapters/web-guards';
import { createCommandDispatcher } from './services/app-commands';
import { startDesktopRuntime } from './services/desktop-runtime';
import { APP_ID } from './services/app-identity';
import { createAppPage } from './services/app-page';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './services/app-protocol';
import { DEEP_LINK_SCHEME, findDeepLinkInArgv, parseDeepLink } from './services/deep-link';
import { createDownloadMark } from './services/files/download-mark';
import { createFileServices, registerFileIpcHandlers } from './services/files/file-ipc';
import { createPathGrants } from './services/files/path-grants';
import { createReceiveFolder } from './services/files/receive-folder';
import { openReceivedFiles } from './services/files/received-files';
import { openKeptSources } from './services/files/kept-sources';
import { openResumeRegistry } from './services/files/resume-registry';
import { createSendSources } from './services/files/send-sources';
import { registerIpcHandlers } from './services/ipc-handlers';
import { createMainLogger } from './services/logger';
import {
  applyLoginItem,
  autostartEntryPath,
  createAutostartEntryFile,
  shouldStartHidden,
  wasLaunchedAtLogin,
  type LoginItemPreferences,
} from './services/login-item';
import { mainStringsFor } from './services/main-strings';
import { createAppNearbyDiscovery } from './services/nearby/app-nearby';
import { advertisedPortOf } from './services/nearby/nearby-discovery';
import { createNotificationRouter } from './services/notification-router';
import { chooseProfile, profileUserDataDir } from './services/profile';
import { createQuitSequence } from './services/quit-sequence';
import { createReceiveFolderChooser } from './services/receive-folder-dialog';
import { createSendFilesDialog } from './services/send-files-dialog';
import { openSettingsStore } from './services/settings-store';
import { createTrayController, escapeMnemonics } from './services/tray-controller';
import { trayIconFileName } from './services/tray-icon';
import { EMPTY_TRAY_STATE, trayIconState, trayMenuModel, trayTooltip } from './services/tray-menu';
import { createTrustedSenders } from './services/trusted-sender';
import { createWindowController } from './services/window-controller';

// macOS delivers the link Ferry was opened with before 'ready'; keep it until start() can act on it.
const earlyLinks: string[] = [];
const keepEarlyLink = (event: { preventDefault(): void }, url: string): void => {
  event.preventDefault();
  earlyLinks.push(url);
};
app.on('open-url', keepEarlyLink);

// The page is served from app://ferry (services/app-protocol.ts); Electron wants the scheme's
// privileges declared before 'ready'.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// The profile decides the userData folder, and the single-instance lock lives in that folder, so
// both happen before anything else: another profile then runs beside this one.
const profile = chooseProfile(process.argv, process.env);
if (profile.kind === 'invalid') {
  dialog.showErrorBox('Ferry', `"${profile.value}" is not a usable profile name (letters, digits, - and _).`);
  app.exit(2);
} else {
  if (profile.kind === 'named') {
    app.setPath('userData', profileUserDataDir(app.getPath('appData'), app.getName(), profile.name));
  }
  if (app.requestSingleInstanceLock()) void start();
  else app.quit();
}

/** The person's account name, for the suggested device name; empty where the system has none. */
function accountName(): string {
  try {
    return userInfo().username;
  } catch {
    // userInfo() throws when the account has no entry (some containers); the host name suffices.
    return '';
  }
}

async function start(): Promise<void> {
  // Windows shows a process's notifications only under the id its Start menu shortcut carries.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const userData = app.getPath('userData');
  const logger = createMainLogger({
    file: join(userData, 'logs', 'main.log'),
    alsoToStderr: !app.isPackaged,
  });
  process.on('unhandledRejection', (reason) => logger.error({ reason }, 'unhandled rejection in main'));
  const profileName = profile.kind === 'named' ? profile.name : undefined;

  await app.whenReady();
  const settings = await openSettingsStore({
    file: join(userData, 'settings.json'),
    fs,
    hostName: hostname(),
    userName: accountName(),
    networkDefaults: __FERRY_NETWORK_DEFAULTS__,
    defaultReceiveFolder: join(app.getPath('downloads'), 'Ferry'),
    logger,
  });

  // Received files: `.part` while arriving, resume records in userData (services/files). The
  // settings store fills an empty receive folder with the default.
  const receiveFolder = createReceiveFolder({
    folder: () => settings.get().receiveFolder,
    registry: await openResumeRegistry(join(userData, 'receive-resume.log'), fs),
    logger,
  });
  // Files Ferry saved, across sessions: the only ones the page may have opened or shown.
  const receivedFiles = await openReceivedFiles(join(userData, 'received-files.log'), fs);
  // Files being sent, read by path; those of unfinished transfers are kept across restarts.
  const sendSources = createSendSources();
  const keptSources = await openKeptSources({
    file: join(userData, 'kept-sources.json'),
    fs,
    sources: sendSources,
    onError: (error) => logger.warn({ error }, 'kept sources file'),
  });

  const outDir = join(import.meta.dirname, '..');
  const rendererDir = join(outDir, 'renderer');
  protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir }));
  const appPage = createAppPage({
    devServerUrl: app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'],
  });
  // Runtime assets: copied beside the app by electron-builder's extraResources when packaged.
  const resourcesDir = app.isPackaged
    ? process.resourcesPath
    : join(app.getAppPath(), 'electron', 'resources');
  const appIconPath = join(resourcesDir, 'icon.png');

  // Nearby Ferry devices (DNS-SD): browsing starts now; this device is advertised once its embedded
  // service is up. Never awaited: discovery must not hold up the window.
  let embeddedPort: number | undefined;
  const nearby = createAppNearbyDiscovery({
    deviceName: () => settings.get().deviceName,
    advertisedPort: () => embeddedPort,
    logger: logger.child({ component: 'nearby' }),
  });
  nearby.start();

  // Not awaited: the window opens while the embedded service starts.
  const signalingLogger = logger.child({ component: 'signaling' });
  const runtime = startDesktopRuntime({
    env: process.env,
    startService: (options) => startSignalingService({ ...options, logger: signalingLogger }),
    fetch,
    networkInterfaces,
    ...(existsSync(rendererDir) ? { staticDir: rendererDir } : {}),
    nearby: () => nearby.devices(),
    logger,
  });
  let embeddedUrl: string | undefined;
  void runtime.then(({ signaling }) => {
    embeddedPort = advertisedPortOf(signaling);
    embeddedUrl = signaling?.url;
  });

  guardPermissions(session.defaultSession, appPage, logger);
  // The servers the page may reach, as they are at each request (services/connect-policy.ts).
  guardConnections(
    session.defaultSession,
    () => [
      ...(embeddedUrl === undefined ? [] : [embeddedUrl]),
      ...(settings.get().signalingUrl === '' ? [] : [settings.get().signalingUrl]),
      ...nearby.devices().map((device) => device.url),
      // The dev server serves the page and its hot reload in development.
      ...(appPage.origin.startsWith('http') ? [appPage.origin] : []),
    ],
    logger,
  );
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, appPage, logger));

  const launchedAtLogin = wasLaunchedAtLogin(
    process.argv,
    process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin,
  );
  const window = createMainWindow({
    appPage,
    preloadPath: join(outDir, 'preload', 'index.cjs'),
    iconPath: appIconPath,
    startHidden: shouldStartHidden(settings.get().startHidden, launchedAtLogin),
    logger,
  });
  const trustedSenders = createTrustedSenders(appPage);
  const windowId = window.webContents.id;
  trustedSenders.trust(windowId);
  window.on('closed', () => trustedSenders.forget(windowId));

  const quitSequence = createQuitSequence({
    // Runs only at quit, long after `tray` below exists.
    cleanups: [
      () => tray.destroy(),
      () => nearby.stop(),
      async () => (await runtime).stop(),
      () => receiveFolder.closeAll(),
    ],
    quit: () => app.quit(),
    logger,
  });
  const windowController = createWindowController({ window, isQuitting: quitSequence.isQuitting });

  const commands = createCommandDispatcher({
    send: (command) => window.webContents.send(APP_COMMAND_CHANNEL, command),
    showWindow: () => windowController.showAndFocus(),
    logger,
  });
  window.webContents.on('did-start-navigation', (event) => {
    if (event.isMainFrame && !event.isSameDocument) commands.pageGone();
  });

  const strings = () => mainStringsFor(settings.get().language, app.getLocale());
  let trayState: TrayState = EMPTY_TRAY_STATE;
  const trayView = () => ({
    iconPath: join(resourcesDir, 'tray', trayIconFileName(trayIconState(trayState), process.platform)),
    tooltip: trayTooltip(trayState, strings()),
    menu: trayMenuModel(trayState, strings()),
  });
  // Files the person chose this session: the only ones the page may have main read to send.
  const sendGrants = createPathGrants();
  const sendFilesDialog = createSendFilesDialog({
    dialog,
    window: () => window,
    showWindow: () => windowController.showAndFocus(),
    platform: process.platform,
    strings,
    peerName: (peerId) => trayState.peers.find((peer) => peer.id === peerId)?.name,
    dispatch: (command) => commands.dispatch(command),
    grant: (paths) => sendGrants.grant(paths),
    logger,
  });
  const tray = createTrayController({
    createTray: (iconPath) => new Tray(iconPath),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    initialView: trayView(),
    clickShowsWindow: process.platform !== 'darwin',
    ...(process.platform === 'darwin' ? {} : { escapeLabel: escapeMnemonics }),
    onAction: (action) => {
      if (action.type === 'show-window') windowController.showAndFocus();
      else if (action.type === 'quit') app.quit();
      // "Send files…" asks for the files here first; the renderer gets their paths.
      else if (action.type === 'send-files') void sendFilesDialog.choose(action.peerId);
      else commands.dispatch(action.command);
    },
  });

  const receiveFolderChooser = createReceiveFolderChooser({
    dialog,
    window: () => window,
    current: () => settings.get().receiveFolder,
    strings,
  });

  const notifications = createNotificationRouter({
    isSupported: () => Notification.isSupported(),
    isUserAway: () => windowController.isUserAway(),
    show: (content, handlers) => showSystemNotification(content, handlers, appIconPath),
    dispatch: (command) => commands.dispatch(command),
    callActionLabels: () => ({ accept: strings().acceptCall, decline: strings().declineCall }),
  });

  registerIpcHandlers({
    ipcMain,
    isTrustedSender: trustedSenders.isTrusted,
    logger,
    services: {
      'app:get-info': async () =>
        ok({
          appVersion: app.getVersion(),
          platform: process.platform,
          hostName: hostname(),
          signalingUrl: (await runtime).signaling?.url ?? '',
        }),
      'local:get-info': async () => ok((await runtime).localInfo()),
      'settings:get': () => ok(settings.get()),
      // A new receive folder only from main's own folder picker (services/receive-folder-dialog.ts).
      'settings:update': (_sender, patch) =>
        patch.receiveFolder === undefined || receiveFolderChooser.mayUse(patch.receiveFolder)
          ? settings.update(patch)
          : err('FORBIDDEN', strings().receiveFolderOnlyByPicker),
      'settings:choose-receive-folder': async () => ok(await receiveFolderChooser.choose()),
      'tray:set-state': (_sender, state) => {
        trayState = state;
        tray.show(trayView());
        return ok(null);
      },
      'notify:show': (_sender, request) => ok(notifications.notify(request)),
      'notify:withdraw': (_sender, withdrawal) => {
        notifications.withdraw(withdrawal);
        return ok(null);
      },
      'commands:subscribe': () => {
        commands.pageListening();
        return ok(null);
      },
    },
  });
  nearby.onChange((devices) => {
    if (!window.isDestroyed()) window.webContents.send(NEARBY_DEVICES_CHANNEL, [...devices]);
  });

  registerFileIpcHandlers({
    ipcMain,
    isTrustedSender: trustedSenders.isTrusted,
    logger,
    grants: sendGrants,
    services: createFileServices({
      receiveFolder,
      sources: sendSources,
      kept: keptSources,
      grants: sendGrants,
      received: receivedFiles,
      fs,
      shell,
      markDownloaded: createDownloadMark({
        platform: process.platform,
        writeFile: (path, text) => fs.writeFile(path, text),
        execFile: (file, args) =>
          new Promise((resolve, reject) =>
            execFile(file, [...args], (error) => (error ? reject(error) : resolve())),
          ),
        now: Date.now,
        logger,
      }),
    }),
  });

  // ferry://pair/<code>: Windows and Linux pass it on the command line (this launch, or a later one
  // that hands its argv over through the single-instance lock); macOS sends 'open-url'.
  const openLink = (url: string): void => {
    const command = parseDeepLink(url);
    if (command === undefined) logger.warn({ url: url.slice(0, 100) }, 'ignored a malformed ferry:// link');
    else commands.dispatch(command);
  };
  app.off('open-url', keepEarlyLink);
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(url);
  });
  for (const url of earlyLinks.splice(0)) openLink(url);
  const launchLink = findDeepLinkInArgv(process.argv);
  if (launchLink !== undefined) commands.dispatch(launchLink);
  // Only the installed app's default profile owns the scheme: a development build or a second
  // profile taking it over would leave links opening the wrong Ferry.
  if (app.isPackaged && profileName === undefined && !app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)) {
    logger.warn({ scheme: DEEP_LINK_SCHEME }, 'could not register as the handler of ferry:// links');
  }

  const entryName = profileName === undefined ? app.getName() : `${app.getName()}-${profileName}`;
  const applyLoginPreferences = (preferences: LoginItemPreferences): void => {
    applyLoginItem(preferences, {
      platform: process.platform,
      setLoginItemSettings: (loginItem) => app.setLoginItemSettings(loginItem),
      linuxAutostart: createAutostartEntryFile(autostartEntryPath(process.env, homedir(), entryName), fs),
      // In development Electron runs the app folder; an AppImage is started by its file, not by
      // the executable inside its temporary mount.
      command: process.defaultApp
        ? { path: process.execPath, args: [app.getAppPath()] }
        : { path: process.env['APPIMAGE'] ?? process.execPath, args: [] },
      profileArgs: profileName === undefined ? [] : [`--profile=${profileName}`],
      entryName,
    }).catch((error: unknown) => logger.error({ error }, 'could not change the launch-at-login entry'));
  };
  // Also at every start: the entry then follows the app if it was moved or updated.
  let loginPreferences: LoginItemPreferences = settings.get();
  applyLoginPreferences(loginPreferences);
  settings.onChange((changed) => {
    tray.show(trayView());
    if (
      changed.launchAtLogin !== loginPreferences.launchAtLogin ||
      changed.startHidden !== loginPreferences.startHidden
    ) {
      loginPreferences = changed;
      applyLoginPreferences(changed);
    }
  });

  app.on('second-instance', (_event, argv) => {
    windowController.showAndFocus();
    const link = findDeepLinkInArgv(argv);
    if (link !== undefined) commands.dispatch(link);
  });
  app.on('activate', () => windowController.showAndFocus());
  app.on('before-quit', () => quitSequence.onBeforeQuit());
  app.on('will-quit', (event) => quitSequence.onWillQuit(event));
  // The window only closes on a real quit; Ferry lives in the tray until then.
  app.on('window-all-closed', () => undefined);
  logger.info({ profile: profileName ?? 'default', userData, launchedAtLogin }, 'Ferry started');
}
