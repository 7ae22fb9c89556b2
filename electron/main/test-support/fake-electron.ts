/**
 * Just enough of the `electron` module for electron/main/index.ts to run under Node, recording
 * what the glue does with it. The Electron binary cannot run on CI machines; this lets a test
 * start the real main process code against real services and a fake Electron.
 */
import { EventEmitter } from 'node:events';

export interface FakeEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function fakeEvent<T extends object>(fields: T = {} as T): T & FakeEvent {
  const event = {
    ...fields,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

type Handler = (event: unknown, ...args: unknown[]) => unknown;

/** Everything the glue did, in order, as short strings; details live on the objects below. */
export const calls: string[] = [];

class FakeApp extends EventEmitter {
  readonly paths = new Map<string, string>();
  readonly loginItemSettings: unknown[] = [];
  readonly protocolClients: string[] = [];
  isPackaged = false;
  appPath = process.cwd();
  exited: number | undefined;
  quitRequests = 0;

  getPath(name: string): string {
    const path = this.paths.get(name);
    if (path === undefined) throw new Error(`fake app has no path '${name}'`);
    return path;
  }
  setPath(name: string, path: string): void {
    calls.push(`app.setPath ${name}`);
    this.paths.set(name, path);
  }
  getName = () => 'Ferry';
  getVersion = () => '0.1.0';
  getLocale = () => 'en-US';
  getAppPath = () => this.appPath;
  whenReady = () => Promise.resolve();
  requestSingleInstanceLock(): boolean {
    calls.push('app.requestSingleInstanceLock');
    return true;
  }
  getLoginItemSettings = () => ({ wasOpenedAtLogin: false });
  setLoginItemSettings = (settings: unknown) => void this.loginItemSettings.push(settings);
  setAsDefaultProtocolClient(scheme: string): boolean {
    this.protocolClients.push(scheme);
    return true;
  }
  exit(code: number): void {
    this.exited = code;
  }
  /** Like Electron: before-quit, then will-quit, which a listener may hold with preventDefault. */
  quit(): void {
    this.quitRequests += 1;
    this.emit('before-quit', fakeEvent());
    const willQuit = fakeEvent();
    this.emit('will-quit', willQuit);
    if (!willQuit.defaultPrevented) this.exited = 0;
  }
}

class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: [string, unknown][] = [];
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  loaded: { file?: string; url?: string } = {};
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
    calls.push('new BrowserWindow');
    fakeElectron.app.emit('web-contents-created', fakeEvent(), this.webContents);
  }
  loadFile(file: string): Promise<void> {
    this.loaded = { file };
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = { url };
    setImmediate(() => this.emit('ready-to-show'));
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized = () => this.minimized;
  isVisible = () => this.visible;
  isFocused = () => this.focused;
  isDestroyed = () => this.destroyed;
  /** The user clicks the close button; true when the window really closed. */
  userClose(): boolean {
    const event = fakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.emit('closed');
    return true;
  }
}

export class Tray extends EventEmitter {
  static readonly created: Tray[] = [];
  image: string;
  tooltip = '';
  menu: unknown;
  destroyed = false;
  constructor(image: string) {
    super();
    this.image = image;
    Tray.created.push(this);
  }
  setImage(image: string): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: unknown): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class Notification extends EventEmitter {
  static readonly created: Notification[] = [];
  static isSupported = () => true;
  shown = false;
  closed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    Notification.created.push(this);
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close', {});
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: Record<string, unknown>,
) => void;

type BeforeRequestListener = (
  details: { url: string },
  callback: (response: { cancel: boolean }) => void,
) => void;

class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | undefined;
  beforeRequest: BeforeRequestListener | undefined;
  readonly webRequest = {
    onBeforeRequest: (listener: BeforeRequestListener) => {
      this.beforeRequest = listener;
    },
  };
  /** What the session answers a request from a page: cancelled or let through. */
  request(url: string): Promise<'cancelled' | 'allowed'> {
    return new Promise((resolve) => {
      if (this.beforeRequest === undefined) resolve('allowed');
      else this.beforeRequest({ url }, ({ cancel }) => resolve(cancel ? 'cancelled' : 'allowed'));
    });
  }
  permissionCheckHandler: ((...args: unknown[]) => boolean) | undefined;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheckHandler = handler;
  }
}

type ProtocolHandler = (request: { url: string; method?: string }) => Promise<Response>;

export const fakeElectron = {
  app: new FakeApp(),
  protocol: {
    privileged: [] as unknown[],
    handlers: new Map<string, ProtocolHandler>(),
    registerSchemesAsPrivileged(schemes: unknown[]): void {
      // Electron accepts this only before 'ready'; handlers come after it.
      if (fakeElectron.protocol.handlers.size > 0)
        throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
      fakeElectron.protocol.privileged.push(...schemes);
    },
    handle(scheme: string, handler: ProtocolHandler): void {
      fakeElectron.protocol.handlers.set(scheme, handler);
    },
  },
  ipcMain: new FakeIpcMain(),
  session: { defaultSession: new FakeSession() },
  shell: {
    opened: [] as string[],
    openExternal: (url: string) => (fakeElectron.shell.opened.push(url), Promise.resolve()),
  },
  dialog: {
    errors: [] as string[],
    showErrorBox: (_title: string, text: string) => fakeElectron.dialog.errors.push(text),
  },
  Menu: { buildFromTemplate: (template: unknown) => template },
  BrowserWindow,
  Tray,
  Notification,
};
