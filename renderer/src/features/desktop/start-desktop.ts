/**
 * Keeps the desktop shell in step with the app: the tray shows the store's devices, call and
 * transfers; commands from the tray, notifications and links run as if clicked in the window;
 * incoming messages and calls raise a system notification (the host shows it only when the person
 * is not looking at Ferry).
 */
import type { Host } from '../../host/host';
import type { Translate } from '../../i18n/i18n';
import type { FerryState, FerryStore } from '../../state/store';
import { routeAppCommand, type CommandCalls } from './command-router';
import { notifyUser } from './notify';
import { trayStateOf } from './tray-state';

export interface DesktopIntegrationOptions {
  readonly store: FerryStore;
  readonly host: Pick<Host, 'setTrayState' | 'showNotification' | 'onCommand'>;
  readonly calls: CommandCalls;
  /** In the language of the moment. */
  readonly translate: () => Translate;
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
    stops.push(host.onCommand((command) => routeAppCommand(command, store, options.calls)));
  }

  stops.push(
    store.subscribe((next, previous) => {
      if (next.chats !== previous.chats) notifyIncomingMessages(next, previous, options);
      const call = next.call;
      if (call?.phase === 'incoming-ringing' && previous.call?.callId !== call.callId) {
        const t = options.translate();
        const name = next.devices[call.peerId]?.name ?? '';
        void notifyUser(host, {
          kind: 'call',
          peerId: call.peerId,
          title: t('call.incoming.label'),
          body: t('call.incoming.question', { name }),
        });
      }
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
