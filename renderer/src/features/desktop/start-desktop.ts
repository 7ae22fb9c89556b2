/**
 * Keeps the desktop shell in step with the app: the tray shows the store's devices, call and
 * transfers; commands from the tray, notifications and links run as if clicked in the window;
 * incoming messages, file offers and calls raise a system notification (the host shows it only
 * when the person is not looking at Ferry).
 */
import type { TransferView } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createTranslator, type Language } from '../../i18n/i18n';
import type { FerryState, FerryStore } from '../../state/store';
import { formatSummary } from '../transfer/format';
import { routeAppCommand, type CommandCalls, type CommandTransfers } from './command-router';
import { notifyUser, withdrawNotification } from './notify';
import { trayStateOf } from './tray-state';

export interface DesktopIntegrationOptions {
  readonly store: FerryStore;
  readonly host: Pick<Host, 'setTrayState' | 'showNotification' | 'withdrawNotification' | 'onCommand'>;
  readonly calls: CommandCalls;
  /** Files chosen from the tray's "Send files…". */
  readonly transfers: CommandTransfers;
  /** The language of the moment, for the notifications' words. */
  readonly language: () => Language;
}

export function startDesktopIntegration(options: DesktopIntegrationOptions): () => void {
  const { store, host } = options;
  const stops: (() => void)[] = [];

  const setTrayState = host.setTrayState;
  if (setTrayState) {
    // The store changes many times a second during a call or a transfer; the tray only when what
    // it shows does.
    let sent = '';
    const sync = (state: FerryState) => {
      const tray = trayStateOf(state);
      const json = JSON.stringify(tray);
      if (json === sent) return;
      sent = json;
      setTrayState(tray).catch(() => {
        sent = '';
      });
    };
    sync(store.getState());
    stops.push(store.subscribe(sync));
  }

  if (host.onCommand) {
    stops.push(
      host.onCommand((command) => routeAppCommand(command, store, options.calls, options.transfers)),
    );
  }

  stops.push(
    store.subscribe((next, previous) => {
      if (next.chats !== previous.chats) notifyIncomingMessages(next, previous, options);
      if (next.transfers !== previous.transfers) notifyFileOffers(next, previous, options);
      const call = next.call;
      if (call?.phase === 'incoming-ringing' && previous.call?.callId !== call.callId) {
        const t = createTranslator(options.language());
        const name = next.devices[call.peerId]?.name ?? '';
        void notifyUser(host, {
          kind: 'call',
          peerId: call.peerId,
          title: t('call.incoming.label'),
          body: t('call.incoming.question', { name }),
        });
      }
      // Answered here or there, cancelled, timed out: its notification must not stay behind.
      const rang = previous.call?.phase === 'incoming-ringing' ? previous.call : null;
      if (rang && !(call?.phase === 'incoming-ringing' && call.callId === rang.callId)) {
        void withdrawNotification(host, { kind: 'call', peerId: rang.peerId });
      }
      if (next.callRecords !== previous.callRecords) notifyMissedCalls(next, previous, options);
    }),
  );

  return () => {
    for (const stop of stops) stop();
  };
}

function notifyIncomingMessages(
  next: FerryState,
  previous: FerryState,
  options: DesktopIntegrationOptions,
): void {
  for (const [deviceId, entries] of Object.entries(next.chats)) {
    const before = previous.chats[deviceId];
    if (entries === before) continue;
    // Lines are only ever appended; status changes keep the length.
    for (const entry of entries.slice(before?.length ?? 0)) {
      if (entry.direction !== 'in') continue;
      void notifyUser(options.host, {
        kind: 'message',
        peerId: deviceId,
        title: next.devices[deviceId]?.name ?? deviceId,
        body: entry.text,
      });
    }
  }
}

/**
 * An offer that waits for this person's answer (auto-accepted ones never do). Once answered (here
 * or by a cancel), the device's offer notification goes, unless another offer of its still waits.
 */
function notifyFileOffers(next: FerryState, previous: FerryState, options: DesktopIntegrationOptions): void {
  const waitingFrom = offersWaiting(next);
  for (const deviceId of offersWaiting(previous).keys())
    if (!waitingFrom.has(deviceId))
      void withdrawNotification(options.host, { kind: 'file-offer', peerId: deviceId });
  const language = options.language();
  const t = createTranslator(language);
  for (const view of [...waitingFrom.values()].flat()) {
    if (previous.transfers[view.key]?.phase === 'awaiting-you') continue;
    const name = next.devices[view.deviceId]?.name ?? view.deviceId;
    void notifyUser(options.host, {
      kind: 'file-offer',
      peerId: view.deviceId,
      title: name,
      body: t('transfer.offerQuestion', {
        name,
        summary: formatSummary(view.files.length, view.totalBytes, language, t),
      }),
    });
  }
}

/** The offers waiting for this person's answer, by the device they come from. */
function offersWaiting(state: FerryState): Map<string, TransferView[]> {
  const byDevice = new Map<string, TransferView[]>();
  for (const view of Object.values(state.transfers)) {
    if (view.direction !== 'in' || view.phase !== 'awaiting-you') continue;
    byDevice.set(view.deviceId, [...(byDevice.get(view.deviceId) ?? []), view]);
  }
  return byDevice;
}

/**
 * A call that rang out here unanswered: the ringing notification was just taken back, so a person
 * who was away learns of the call from this one (and from the conversation's unread count).
 */
function notifyMissedCalls(next: FerryState, previous: FerryState, options: DesktopIntegrationOptions): void {
  for (const [deviceId, records] of Object.entries(next.callRecords)) {
    const before = previous.callRecords[deviceId];
    if (records === before) continue;
    for (const record of records.slice(before?.length ?? 0)) {
      if (record.reason !== 'missed') continue;
      const t = createTranslator(options.language());
      const name = next.devices[deviceId]?.name ?? deviceId;
      void notifyUser(options.host, {
        kind: 'missed-call',
        peerId: deviceId,
        title: t('call.record.missed', { name }),
        body: '',
      });
    }
  }
}
