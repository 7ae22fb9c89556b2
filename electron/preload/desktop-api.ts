/**
 * `window.ferry`: one named function per IPC channel, and one subscription for commands from
 * main, built on an injected `ipcRenderer` so it can be tested without Electron.
 *
 * Only types are imported from the contracts: the sandboxed preload can `require` nothing but
 * Electron's own modules, and the contracts' runtime part pulls in zod, which the build leaves as
 * an external `require`. Arguments are checked in main, where it matters, and main parses every
 * command before sending it.
 */
import type {
  AppCommand,
  AppCommandChannel,
  FerryDesktopApi,
  IpcReply,
  IpcRequestArgs,
  IpcRequestChannel,
  NearbyDevicesChannel,
} from '../../contracts/ipc';
import type { NearbyService } from '../../contracts/local-service';

const APP_COMMAND_CHANNEL: AppCommandChannel = 'app:command';
const NEARBY_DEVICES_CHANNEL: NearbyDevicesChannel = 'nearby:changed';

type CommandListener = (event: unknown, command: AppCommand) => void;
type NearbyListener = (event: unknown, devices: NearbyService[]) => void;

/** Electron's `ipcRenderer.invoke`, for request/reply channels. */
export interface IpcInvoker {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
}

/** The parts of Electron's `ipcRenderer` used here. */
export interface IpcRendererLike extends IpcInvoker {
  on(channel: AppCommandChannel, listener: CommandListener): void;
  on(channel: NearbyDevicesChannel, listener: NearbyListener): void;
  removeListener(channel: AppCommandChannel, listener: CommandListener): void;
  removeListener(channel: NearbyDevicesChannel, listener: NearbyListener): void;
}

export function createFerryDesktopApi(ipc: IpcRendererLike): FerryDesktopApi {
  // Main always answers with a Result envelope (see electron/main/services/ipc-handlers.ts).
  const invoke = <C extends IpcRequestChannel>(channel: C, ...args: IpcRequestArgs<C>) =>
    ipc.invoke(channel, ...args) as Promise<IpcReply<C>>;
  let subscribed = false;
  return {
    getAppInfo: () => invoke('app:get-info'),
    getLocalInfo: () => invoke('local:get-info'),
    getSettings: () => invoke('settings:get'),
    updateSettings: (patch) => invoke('settings:update', patch),
    chooseReceiveFolder: () => invoke('settings:choose-receive-folder'),
    setTrayState: (state) => invoke('tray:set-state', state),
    showNotification: (request) => invoke('notify:show', request),
    withdrawNotification: (request) => invoke('notify:withdraw', request),
    onCommand(handler) {
      // The page gets the command only, never Electron's event object (it would expose `sender`).
      const listener: CommandListener = (_event, command) => handler(command);
      ipc.on(APP_COMMAND_CHANNEL, listener);
      if (!subscribed) {
        subscribed = true;
        void invoke('commands:subscribe');
      }
      return () => ipc.removeListener(APP_COMMAND_CHANNEL, listener);
    },
    onNearbyDevices(handler) {
      let stopped = false;
      // Changes from now on, then the list as it is: a change in between is sent again anyway.
      const listener: NearbyListener = (_event, devices) => {
        if (!stopped) handler(devices);
      };
      ipc.on(NEARBY_DEVICES_CHANNEL, listener);
      void invoke('local:get-info').then((reply) => {
        if (!stopped && reply.ok) handler(reply.value.nearby);
      });
      return () => {
        stopped = true;
        ipc.removeListener(NEARBY_DEVICES_CHANNEL, listener);
      };
    },
  };
}
