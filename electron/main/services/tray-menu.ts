/**
 * The tray as data: menu, icon state and tooltip are pure functions of what the app is doing (the
 * renderer reports it with `tray:set-state`), so they can be tested without Electron and rebuilt
 * whenever the state changes. `tray-controller` turns them into a real tray.
 */
import type { AppCommand, TrayState } from '../../../contracts/ipc';
import type { MainStrings } from './main-strings';
import type { TrayIconState } from './tray-icon';

export type TrayAction =
  | { readonly type: 'show-window' }
  | { readonly type: 'quit' }
  /** "Send files…": main asks for the files with its own dialog, then sends `send-paths`. */
  | { readonly type: 'send-files'; readonly peerId: string }
  | { readonly type: 'command'; readonly command: AppCommand };

export type TrayMenuItem =
  | {
      readonly kind: 'action';
      readonly label: string;
      readonly action: TrayAction;
      readonly enabled: boolean;
    }
  | { readonly kind: 'label'; readonly label: string }
  | { readonly kind: 'submenu'; readonly label: string; readonly items: readonly TrayMenuItem[] }
  | { readonly kind: 'separator' };

export const EMPTY_TRAY_STATE: TrayState = { peers: [], call: null, ringing: null, receiving: false };

const command = (label: string, appCommand: AppCommand, enabled = true): TrayMenuItem => ({
  kind: 'action',
  label,
  action: { type: 'command', command: appCommand },
  enabled,
});

export function trayMenuModel(state: TrayState, strings: MainStrings): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  const { call, ringing } = state;
  // trayStateOf never sets both: a call ringing here is not yet a call.
  if (ringing !== null) {
    items.push(
      { kind: 'label', label: strings.callingYou(peerName(state, ringing.peerId)) },
      command(strings.acceptCall, { type: 'accept-call' }),
      command(strings.declineCall, { type: 'decline-call' }),
      { kind: 'separator' },
    );
  }
  if (call !== null) {
    items.push(
      { kind: 'label', label: strings.inCallWith(peerName(state, call.peerId)) },
      command(call.muted ? strings.unmute : strings.mute, { type: 'toggle-mute' }),
      command(strings.hangUp, { type: 'hang-up' }),
      { kind: 'separator' },
    );
  }
  if (state.peers.length === 0) items.push({ kind: 'label', label: strings.noDevices });
  for (const peer of state.peers) {
    items.push({
      kind: 'submenu',
      label: peer.online ? peer.name : strings.offline(peer.name),
      items: [
        // One call at a time (one ringing here counts), and only to a device that can answer.
        command(
          strings.call(peer.name),
          { type: 'call', peerId: peer.id },
          peer.online && call === null && ringing === null,
        ),
        {
          kind: 'action',
          label: strings.sendFiles,
          action: { type: 'send-files', peerId: peer.id },
          enabled: peer.online,
        },
        command(strings.openChat, { type: 'open-chat', peerId: peer.id }),
      ],
    });
  }
  items.push(
    { kind: 'separator' },
    { kind: 'action', label: strings.showFerry, action: { type: 'show-window' }, enabled: true },
    { kind: 'action', label: strings.quit, action: { type: 'quit' }, enabled: true },
  );
  return items;
}

/** The most pressing thing going on: a call (ringing too), then files arriving, then anyone online. */
export function trayIconState(state: TrayState): TrayIconState {
  if (state.call !== null || state.ringing !== null) return 'in-call';
  if (state.receiving) return 'receiving';
  return state.peers.some((peer) => peer.online) ? 'connected' : 'idle';
}

export function trayTooltip(state: TrayState, strings: MainStrings): string {
  switch (trayIconState(state)) {
    case 'in-call':
      if (state.ringing !== null) {
        return strings.tooltipCallingYou(peerName(state, state.ringing.peerId));
      }
      return strings.tooltipInCall(peerName(state, state.call?.peerId ?? ''));
    case 'receiving':
      return strings.tooltipReceiving;
    case 'connected':
      return strings.tooltipOnline(state.peers.filter((peer) => peer.online).length);
    case 'idle':
      return strings.tooltipIdle;
  }
}

/** A call may be with a device the renderer did not list (yet); show its id rather than nothing. */
function peerName(state: TrayState, peerId: string): string {
  return state.peers.find((peer) => peer.id === peerId)?.name ?? peerId;
}
