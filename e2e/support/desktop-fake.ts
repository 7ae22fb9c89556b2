/**
 * End-to-end support for the desktop shell and calls, in a browser page:
 *
 * - A fake `window.ferry` (FerryDesktopApi, contracts/ipc.ts) installed by an init script, so the
 *   renderer runs with its desktop host exactly as under the preload. Settings live in the page's
 *   localStorage (under the browser client's key, so a name saved before the switch is kept); the
 *   tray states and notifications the renderer sends are recorded; and `fire` delivers an
 *   AppCommand the way main does after a tray click, a notification button or a ferry:// link.
 * - The call test seam (`window.ferryCallTestHooks`, renderer/src/features/call/start-calls.ts):
 *   an optional shorter ring, and the current call's getStats() figures.
 */
import type {
  AppCommand,
  FerryDesktopApi,
  NotificationRequest,
  NotificationWithdrawal,
  TrayState,
} from '../../contracts/ipc';
import {
  notificationRequestSchema,
  notificationWithdrawalSchema,
  trayStateSchema,
} from '../../contracts/ipc';
import { expect, type Peer } from './fixtures';

/** What the fake records, on `window.ferryDesktopFake`. */
interface DesktopFakeRecord {
  readonly trayStates: unknown[];
  readonly notifications: unknown[];
  readonly withdrawn: unknown[];
  fire(command: AppCommand): void;
  readonly listening: boolean;
}

/** The figures of `CallStatsSample` (renderer/src/engine/call/call-stats.ts) a test reads. */
export interface CallFigures {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly totalAudioEnergy: number;
  readonly totalSamplesDuration: number;
  readonly audioLevel: number | null;
}

interface CallTestHooks {
  ringTimeoutMs?: number;
  callStats?: () => Promise<CallFigures | null>;
  audioLines?: (peerId: string) => number | null;
  /** Counted by the init script, not by Ferry: how often the page asked for a microphone. */
  microphoneRequests?: number;
}

declare global {
  interface Window {
    readonly ferryDesktopFake?: DesktopFakeRecord;
    ferryCallTestHooks?: CallTestHooks;
  }
}

/** Runs in the page before Ferry's scripts: everything it uses must be inside it. */
function installInPage(options: { desktop: boolean; ringTimeoutMs: number | null }): void {
  const hooks: CallTestHooks = { microphoneRequests: 0 };
  if (options.ringTimeoutMs !== null) hooks.ringTimeoutMs = options.ringTimeoutMs;
  window.ferryCallTestHooks = hooks;
  const media = navigator.mediaDevices;
  const getUserMedia = media.getUserMedia.bind(media);
  media.getUserMedia = (constraints) => {
    if (constraints?.audio) hooks.microphoneRequests = (hooks.microphoneRequests ?? 0) + 1;
    return getUserMedia(constraints);
  };
  if (!options.desktop) return;

  const SETTINGS_KEY = 'ferry.settings.v1';
  const hex = (bytes: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join(
      '',
    );
  const load = () => {
    const saved = localStorage.getItem(SETTINGS_KEY);
    if (saved !== null) return JSON.parse(saved) as Record<string, unknown>;
    const fresh = {
      deviceId: hex(16),
      deviceName: 'Fake desktop',
      language: 'en',
      signalingUrl: '',
      iceServers: [],
      launchAtLogin: false,
      startHidden: false,
      receiveFolder: '',
    };
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(fresh));
    return fresh;
  };
  const handlers = new Set<(command: AppCommand) => void>();
  const record: DesktopFakeRecord = {
    trayStates: [],
    notifications: [],
    withdrawn: [],
    fire: (command) => handlers.forEach((handler) => handler(command)),
    get listening() {
      return handlers.size > 0;
    },
  };
  const reply = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  const api = {
    getAppInfo: () =>
      reply({ appVersion: '0.0.0-e2e', platform: 'linux', hostName: 'e2e', signalingUrl: location.origin }),
    getSettings: () => reply(load()),
    // As the desktop's services answer in the tests' loopback-only namespace: no LAN address, nobody nearby.
    getLocalInfo: () => reply({ joinBaseUrls: [], nearby: [] }),
    updateSettings: (patch: Record<string, unknown>) => {
      const next = { ...load(), ...patch };
      localStorage.setItem(SETTINGS_KEY, JSON.stringify(next));
      return reply(next);
    },
    // As if the person cancelled the folder picker.
    chooseReceiveFolder: () => reply(null),
    setTrayState: (state: unknown) => {
      record.trayStates.push(state);
      return reply(null);
    },
    showNotification: (request: unknown) => {
      record.notifications.push(request);
      return reply({ shown: true });
    },
    withdrawNotification: (withdrawal: unknown) => {
      record.withdrawn.push(withdrawal);
      return reply(null);
    },
    onCommand: (handler: (command: AppCommand) => void) => {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    // The main-process file services, where a test gave the page some (transfer-support.ts).
    get files() {
      return (window as { ferryTestDesktopFiles?: unknown }).ferryTestDesktopFiles;
    },
  } as unknown as FerryDesktopApi;
  Object.defineProperty(window, 'ferry', { value: api });
  Object.defineProperty(window, 'ferryDesktopFake', { value: record });
}

/**
 * Reloads the peer's page with the call test seam, and with `desktop` the fake `window.ferry` too.
 * Call after `openPeer` (which saves the device name) and before pairing.
 */
export async function installCallSeams(
  peer: Peer,
  options: { desktop?: boolean; ringTimeoutMs?: number } = {},
): Promise<void> {
  await peer.context.addInitScript(installInPage, {
    desktop: options.desktop ?? false,
    ringTimeoutMs: options.ringTimeoutMs ?? null,
  });
  await peer.page.reload();
  await expect(peer.page.getByText(`This device: ${peer.name}`)).toBeVisible();
  if (options.desktop)
    await expect.poll(() => peer.page.evaluate(() => window.ferryDesktopFake?.listening)).toBe(true);
}

/** Every tray state the renderer sent, each checked against the IPC contract as main would. */
export async function trayStates(peer: Peer): Promise<TrayState[]> {
  const raw = await peer.page.evaluate(() => window.ferryDesktopFake?.trayStates ?? []);
  return raw.map((state) => trayStateSchema.parse(state));
}

export async function lastTrayState(peer: Peer): Promise<TrayState | undefined> {
  return (await trayStates(peer)).at(-1);
}

export async function notifications(peer: Peer): Promise<NotificationRequest[]> {
  const raw = await peer.page.evaluate(() => window.ferryDesktopFake?.notifications ?? []);
  return raw.map((request) => notificationRequestSchema.parse(request));
}

/** Every notification the renderer took back, checked against the IPC contract as main would. */
export async function withdrawnNotifications(peer: Peer): Promise<NotificationWithdrawal[]> {
  const raw = await peer.page.evaluate(() => window.ferryDesktopFake?.withdrawn ?? []);
  return raw.map((withdrawal) => notificationWithdrawalSchema.parse(withdrawal));
}

/** What main does after a tray click: send the command to the page. */
export async function fireCommand(peer: Peer, command: AppCommand): Promise<void> {
  await peer.page.evaluate((sent) => window.ferryDesktopFake?.fire(sent), command);
}

/** The tray's device id for the device called `name`, as main would put it in its menu. */
export async function trayPeerId(peer: Peer, name: string): Promise<string> {
  await expect.poll(async () => (await lastTrayState(peer))?.peers.map((p) => p.name)).toContain(name);
  const found = (await lastTrayState(peer))?.peers.find((p) => p.name === name);
  if (!found) throw new Error(`${name} is not in the tray`);
  return found.id;
}

/** How often the page asked for the microphone since it loaded. */
export async function microphoneRequests(peer: Peer): Promise<number> {
  return peer.page.evaluate(() => window.ferryCallTestHooks?.microphoneRequests ?? -1);
}

/** How many audio lines (transceivers) the peer's connection to `peerId` carries. */
export async function audioLines(peer: Peer, peerId: string): Promise<number | null> {
  return peer.page.evaluate((id) => window.ferryCallTestHooks?.audioLines?.(id) ?? null, peerId);
}

export async function callFigures(peer: Peer): Promise<CallFigures | null> {
  return peer.page.evaluate(async () => (await window.ferryCallTestHooks?.callStats?.()) ?? null);
}

/**
 * The other side's audio as it arrived over `ms` milliseconds: energy per second of audio (from
 * totalAudioEnergy and totalSamplesDuration) and the packets that came in. Measured in the page,
 * so the span is the page's own.
 */
export async function audioOver(
  peer: Peer,
  ms: number,
): Promise<{ energyPerSecond: number; packets: number; seconds: number }> {
  return peer.page.evaluate(async (span) => {
    const stats = () => window.ferryCallTestHooks?.callStats?.();
    const before = await stats();
    await new Promise((resolve) => setTimeout(resolve, span));
    const after = await stats();
    if (!before || !after) return { energyPerSecond: -1, packets: 0, seconds: 0 };
    const seconds = after.totalSamplesDuration - before.totalSamplesDuration;
    const energy = after.totalAudioEnergy - before.totalAudioEnergy;
    return {
      energyPerSecond: seconds > 0 ? energy / seconds : 0,
      packets: after.packetsReceived - before.packetsReceived,
      seconds,
    };
  }, ms);
}
