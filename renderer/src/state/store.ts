/**
 * The renderer's state: one zustand store built from typed slices. The P2P engine updates it
 * through `engineActionsFor(store)`; React reads it with `useFerry(selector)`.
 */
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { AppInfo } from '../../../contracts/ipc';
import type { Settings } from '../../../contracts/settings';
import type { MessageKey } from '../i18n/en';
import type {
  ChatLine,
  EngineActions,
  OutgoingChatStatus,
  PairingProgress,
  RemoteDevice,
} from '../engine/engine-actions';
import { callSlice, type CallSlice } from './call-slice';
import { historySlice, type HistorySlice } from './history-slice';
import { nearbySlice, type NearbySlice } from './nearby-slice';
import { transferSlice, type TransferSlice } from './transfer-slice';

export interface DeviceView extends RemoteDevice {
  readonly online: boolean;
  /** Online, but the connection dropped and is being restored: messages wait for it. */
  readonly reconnecting?: boolean;
  readonly unread: number;
  /** When a connection with it was last up; null for a device not remembered. */
  readonly lastSeen: number | null;
  /** The name this person gave it (Rename), which `name` shows instead of the device's own. */
  readonly alias?: string | undefined;
}

/** What the store needs of a remembered device (engine/remembered/device-book.ts). */
export interface RememberedView {
  readonly id: string;
  readonly name: string;
  readonly alias?: string | undefined;
  readonly lastSeen: number;
}

export type ChatEntry =
  | (ChatLine & { readonly direction: 'out'; readonly status: OutgoingChatStatus })
  | (ChatLine & { readonly direction: 'in' });

/**
 * Something to announce to screen-reader users and show briefly (connects, disconnects). Kept as a
 * message key so it is translated when shown, in the language of that moment.
 */
export interface Announcement {
  readonly id: number;
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, string>>;
}

interface HostSlice {
  readonly appInfo: AppInfo;
  readonly settings: Settings;
  setSettings(settings: Settings): void;
}

interface PairingSlice {
  readonly pairing: PairingProgress;
  /** Whether the pairing screen is shown (instead of a conversation). */
  readonly pairingOpen: boolean;
  setPairing(progress: PairingProgress): void;
  openPairing(): void;
  /**
   * The verification phrase of the last pairing with each device, for the people to compare
   * (derived from the pairing's key; kept for this session only).
   */
  readonly verificationPhrases: Readonly<Record<string, string>>;
  /**
   * A code from outside (a `ferry://pair/…` link): "Enter a code" shows it for the person to check
   * and confirm; nothing joins on its own. `id` tells one suggestion from the next.
   */
  readonly suggestedCode: { readonly code: string; readonly id: number } | null;
  suggestPairingCode(code: string): void;
  /**
   * Whether Settings covers the main pane. Opening a conversation or the pairing screen (a click,
   * the tray, a notification, a link) closes it, so what was asked for is what shows.
   */
  readonly settingsOpen: boolean;
  setSettingsOpen(open: boolean): void;
  /**
   * On a narrow window the sidebar and the main pane take turns (list/detail navigation): true
   * while the device list is shown instead. Opening anything in the main pane shows the pane.
   */
  readonly deviceListShown: boolean;
  showDeviceList(): void;
}

interface DevicesSlice {
  readonly devices: Readonly<Record<string, DeviceView>>;
  /** Devices in the order they were first paired. */
  readonly deviceOrder: readonly string[];
  readonly selectedDeviceId: string | null;
  peerOnline(device: RemoteDevice): void;
  peerOffline(deviceId: string): void;
  peerReconnecting(deviceId: string, reconnecting: boolean): void;
  selectDevice(deviceId: string): void;
  /** The remembered devices as saved: each is listed (offline until it connects), named as kept. */
  setRemembered(devices: readonly RememberedView[]): void;
  /** A forgotten device leaves the list and its conversation closes. */
  removeDevice(deviceId: string): void;
}

interface ChatSlice {
  readonly chats: Readonly<Record<string, readonly ChatEntry[]>>;
  chatOutgoing(deviceId: string, line: ChatLine): void;
  chatStatus(deviceId: string, messageId: string, status: OutgoingChatStatus): void;
  chatIncoming(deviceId: string, line: ChatLine): void;
  /** Several lines that arrived together: one store update, so one render, for all of them. */
  chatIncomingMany(deviceId: string, lines: readonly ChatLine[]): void;
}

interface AnnouncementSlice {
  readonly announcement: Announcement | null;
  announce(key: MessageKey, params?: Readonly<Record<string, string>>): void;
}

export type FerryState = HostSlice &
  PairingSlice &
  DevicesSlice &
  ChatSlice &
  AnnouncementSlice &
  TransferSlice &
  CallSlice &
  NearbySlice &
  HistorySlice;
export type FerryStore = StoreApi<FerryState>;
type Slice<T> = StateCreator<FerryState, [], [], T>;

const hostSlice =
  (appInfo: AppInfo, settings: Settings): Slice<HostSlice> =>
  (set) => ({
    appInfo,
    settings,
    setSettings: (next) => set({ settings: next }),
  });

const pairingSlice: Slice<PairingSlice> = (set, get) => ({
  pairing: { phase: 'idle' },
  pairingOpen: true,
  verificationPhrases: {},
  suggestedCode: null,
  settingsOpen: false,
  setSettingsOpen: (settingsOpen) =>
    set(settingsOpen ? { settingsOpen, deviceListShown: false } : { settingsOpen }),
  deviceListShown: false,
  showDeviceList: () => set({ deviceListShown: true }),
  suggestPairingCode: (code) => {
    const id = (get().suggestedCode?.id ?? 0) + 1;
    get().openPairing();
    set({ suggestedCode: { code, id } });
  },
  setPairing: (progress) =>
    set((state) =>
      progress.phase === 'connected'
        ? {
            pairing: progress,
            pairingOpen: false,
            deviceListShown: false,
            selectedDeviceId: progress.peerId,
            verificationPhrases: {
              ...state.verificationPhrases,
              [progress.peerId]: progress.verificationPhrase,
            },
          }
        : { pairing: progress, pairingOpen: state.pairingOpen },
    ),
  openPairing: () =>
    set((state) => ({
      pairingOpen: true,
      settingsOpen: false,
      deviceListShown: false,
      selectedDeviceId: null,
      // A suggestion is for the visit it came with.
      suggestedCode: null,
      // A finished attempt's outcome is old news on a fresh visit; one under way keeps showing.
      pairing: ['connected', 'failed', 'expired'].includes(state.pairing.phase)
        ? { phase: 'idle' }
        : state.pairing,
    })),
});

const devicesSlice: Slice<DevicesSlice> = (set, get) => ({
  devices: {},
  deviceOrder: [],
  selectedDeviceId: null,
  peerOnline: (device) =>
    set((state) => {
      const known = state.devices[device.id];
      const view: DeviceView = {
        ...device,
        name: known?.alias ?? device.name,
        alias: known?.alias,
        online: true,
        reconnecting: false,
        unread: known?.unread ?? 0,
        lastSeen: known?.lastSeen ?? null,
      };
      return {
        devices: { ...state.devices, [device.id]: view },
        deviceOrder: known ? state.deviceOrder : [...state.deviceOrder, device.id],
      };
    }),
  setRemembered: (remembered) =>
    set((state) => {
      const devices = { ...state.devices };
      const order = [...state.deviceOrder];
      for (const device of remembered) {
        const known = devices[device.id];
        devices[device.id] = {
          id: device.id,
          name: device.alias ?? device.name,
          alias: device.alias,
          appVersion: known?.appVersion ?? '',
          online: known?.online ?? false,
          unread: known?.unread ?? 0,
          lastSeen: device.lastSeen,
        };
        if (!known) order.push(device.id);
      }
      return { devices, deviceOrder: order };
    }),
  removeDevice: (deviceId) => {
    const wasOpen = get().selectedDeviceId === deviceId;
    set((state) => {
      const { [deviceId]: _gone, ...devices } = state.devices;
      const { [deviceId]: _lines, ...chats } = state.chats;
      // The phrase belonged to that pairing; a new pairing gets its own.
      const { [deviceId]: _phrase, ...verificationPhrases } = state.verificationPhrases;
      return {
        devices,
        chats,
        verificationPhrases,
        deviceOrder: state.deviceOrder.filter((id) => id !== deviceId),
      };
    });
    // Its conversation was open: the pairing screen takes its place, ready for a new code.
    if (wasOpen) get().openPairing();
  },
  peerOffline: (deviceId) =>
    set((state) => {
      const known = state.devices[deviceId];
      return known
        ? { devices: { ...state.devices, [deviceId]: { ...known, online: false, reconnecting: false } } }
        : {};
    }),
  peerReconnecting: (deviceId, reconnecting) =>
    set((state) => {
      const known = state.devices[deviceId];
      return known ? { devices: { ...state.devices, [deviceId]: { ...known, reconnecting } } } : {};
    }),
  selectDevice: (deviceId) =>
    set((state) => {
      const known = state.devices[deviceId];
      if (!known) return {};
      return {
        selectedDeviceId: deviceId,
        pairingOpen: false,
        settingsOpen: false,
        deviceListShown: false,
        devices: { ...state.devices, [deviceId]: { ...known, unread: 0 } },
      };
    }),
});

function updateChat(
  chats: FerryState['chats'],
  deviceId: string,
  update: (entries: readonly ChatEntry[]) => readonly ChatEntry[],
): FerryState['chats'] {
  return { ...chats, [deviceId]: update(chats[deviceId] ?? []) };
}

const chatSlice: Slice<ChatSlice> = (set, get) => ({
  chats: {},
  chatOutgoing: (deviceId, line) =>
    set((state) => ({
      chats: updateChat(state.chats, deviceId, (entries) => [
        ...entries,
        { ...line, direction: 'out', status: 'sending' },
      ]),
    })),
  chatStatus: (deviceId, messageId, status) =>
    set((state) => ({
      chats: updateChat(state.chats, deviceId, (entries) =>
        entries.map((entry) =>
          entry.id === messageId && entry.direction === 'out' ? { ...entry, status } : entry,
        ),
      ),
    })),
  chatIncoming: (deviceId, line) => get().chatIncomingMany(deviceId, [line]),
  chatIncomingMany: (deviceId, lines) =>
    set((state) => {
      if (lines.length === 0) return {};
      const device = state.devices[deviceId];
      const looking = state.selectedDeviceId === deviceId && !state.pairingOpen;
      const added = lines.map((line): ChatEntry => ({ ...line, direction: 'in' }));
      return {
        chats: updateChat(state.chats, deviceId, (entries) => entries.concat(added)),
        ...(device && !looking
          ? { devices: { ...state.devices, [deviceId]: { ...device, unread: device.unread + lines.length } } }
          : {}),
      };
    }),
});

const announcementSlice: Slice<AnnouncementSlice> = (set, get) => ({
  announcement: null,
  announce: (key, params = {}) =>
    set({ announcement: { id: (get().announcement?.id ?? 0) + 1, key, params } }),
});

export function createFerryStore(appInfo: AppInfo, settings: Settings): FerryStore {
  return createStore<FerryState>()((...args) => ({
    ...hostSlice(appInfo, settings)(...args),
    ...pairingSlice(...args),
    ...devicesSlice(...args),
    ...chatSlice(...args),
    ...announcementSlice(...args),
    ...transferSlice()(...args),
    ...callSlice()(...args),
    ...nearbySlice(...args),
    ...historySlice()(...args),
  }));
}

export interface EngineActionsOptions {
  /**
   * Lines that arrive within this many milliseconds of a line shown at once are shown together, in
   * one store update and so one render (0: each line at once). A burst of hundreds of lines
   * otherwise costs a render and a layout of the conversation per line: 500 lines of 9 KB froze
   * the page for over 20 s. The first line after a quiet spell still shows at once.
   */
  readonly chatBatchMs?: number;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
}

/** The engine's view of the store: it calls these, never `setState`. */
export function engineActionsFor(store: FerryStore, options: EngineActionsOptions = {}): EngineActions {
  const state = () => store.getState();
  const batchMs = options.chatBatchMs ?? 0;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  /** Lines waiting for the end of the batch window, by device, in arrival order. */
  const queued = new Map<string, ChatLine[]>();
  let windowOpen = false;
  const flush = () => {
    const batches = [...queued];
    queued.clear();
    for (const [deviceId, lines] of batches) state().chatIncomingMany(deviceId, lines);
  };
  const closeWindow = () => {
    flush();
    windowOpen = false;
  };
  const incoming = (deviceId: string, line: ChatLine) => {
    if (batchMs <= 0) return state().chatIncoming(deviceId, line);
    if (!windowOpen) {
      windowOpen = true;
      setTimer(closeWindow, batchMs);
      return state().chatIncoming(deviceId, line);
    }
    const lines = queued.get(deviceId);
    if (lines) lines.push(line);
    else queued.set(deviceId, [line]);
  };
  return {
    setPairing: (progress) => {
      state().setPairing(progress);
      if (progress.phase === 'connected')
        state().announce('pair.status.connected', { name: progress.peerName });
    },
    peerOnline: (device) => {
      const known = state().devices[device.id];
      state().peerOnline(device);
      // A remembered device that came back by itself (no pairing screen involved).
      if (known && !known.online && known.lastSeen !== null)
        state().announce('devices.reconnected', { name: known.name });
    },
    peerOffline: (deviceId) => {
      // Lines that arrived before the device went away show before it does.
      flush();
      const device = state().devices[deviceId];
      state().peerOffline(deviceId);
      if (device?.online) state().announce('chat.wentOffline', { name: device.name });
    },
    peerReconnecting: (deviceId, reconnecting) => {
      const device = state().devices[deviceId];
      if (!device?.online || (device.reconnecting ?? false) === reconnecting) return;
      state().peerReconnecting(deviceId, reconnecting);
      state().announce(reconnecting ? 'chat.reconnecting' : 'chat.reconnected', { name: device.name });
    },
    chatOutgoing: (deviceId, line) => {
      // A line typed now goes after every line already received.
      flush();
      state().chatOutgoing(deviceId, line);
    },
    chatStatus: (deviceId, id, status) => state().chatStatus(deviceId, id, status),
    chatIncoming: incoming,
  };
}
