/**
 * Carries out what the person asked for outside the window (tray menu, notification buttons,
 * `ferry://` links): the same actions the window's buttons take.
 */
import type { AppCommand } from '../../../../contracts/ipc';
import type { FerryStore } from '../../state/store';

/** The call actions a command can take (the CallManager has them). */
export interface CommandCalls {
  place(peerId: string): 'ringing' | 'offline' | 'busy' | 'unavailable';
  accept(): boolean;
  decline(): void;
  hangUp(): void;
  toggleMute(): void;
}

/** What a command can ask of file transfers. */
export interface CommandTransfers {
  /** Offers files chosen in main's file dialog (absolute paths) to a device. */
  sendPaths(peerId: string, paths: readonly string[]): void;
}

export function routeAppCommand(
  command: AppCommand,
  store: FerryStore,
  calls: CommandCalls,
  transfers: CommandTransfers,
): void {
  const state = store.getState();
  switch (command.type) {
    case 'call': {
      const device = state.devices[command.peerId];
      if (!device) return state.announce('desktop.unknownDevice');
      // The conversation comes up so that the call has its context on screen.
      state.selectDevice(command.peerId);
      const outcome = calls.place(command.peerId);
      if (outcome === 'offline') state.announce('call.notPossible.offline', { name: device.name });
      else if (outcome === 'busy') state.announce('call.notPossible.busy');
      else if (outcome === 'unavailable') state.announce('call.notPossible.insecure');
      return;
    }
    case 'accept-call': {
      const ringing = state.call?.phase === 'incoming-ringing' ? state.call.peerId : null;
      if (ringing !== null && state.devices[ringing]) state.selectDevice(ringing);
      calls.accept();
      return;
    }
    case 'decline-call':
      // Only a call that is still ringing here: a late button press must not end a running call.
      if (state.call?.phase === 'incoming-ringing') calls.decline();
      return;
    case 'hang-up':
      return calls.hangUp();
    case 'toggle-mute':
      return calls.toggleMute();
    case 'open-chat':
      if (!state.devices[command.peerId]) return state.announce('desktop.unknownDevice');
      return state.selectDevice(command.peerId);
    case 'send-paths': {
      if (!state.devices[command.peerId]) return state.announce('desktop.unknownDevice');
      // The conversation comes up so that the transfer card is in view.
      state.selectDevice(command.peerId);
      transfers.sendPaths(command.peerId, command.paths);
      return;
    }
    case 'pair':
      // Any web page can open a ferry:// link: fill in the code, and let the person confirm.
      return state.suggestPairingCode(command.code);
  }
}
