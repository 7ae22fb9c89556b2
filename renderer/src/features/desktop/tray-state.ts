/**
 * What the tray shows, derived from the store: the paired devices (the menu's Call / Send files… /
 * Open chat), the call in progress (Mute and Hang up), and whether files are arriving. Main
 * rebuilds the menu and icon from it (electron/main/services/tray-menu.ts).
 */
import type { TrayState } from '../../../../contracts/ipc';
import { MAX_DEVICE_NAME_LENGTH } from '../../../../contracts/peer-protocol';
import type { FerryState } from '../../state/store';

/** The contract's limit on listed devices. */
const MAX_TRAY_PEERS = 64;

export function trayStateOf(
  state: Pick<FerryState, 'devices' | 'deviceOrder' | 'call' | 'transfers'>,
): TrayState {
  const peers = state.deviceOrder
    .map((id) => state.devices[id])
    .filter((device) => device !== undefined)
    .slice(0, MAX_TRAY_PEERS)
    .map((device) => ({
      id: device.id,
      name: device.name.slice(0, MAX_DEVICE_NAME_LENGTH) || device.id,
      online: device.online,
    }));
  const { call } = state;
  // A call that rings here gets Accept and Decline in the tray; Mute and Hang up are for a call
  // this person started or took.
  const ringing = call?.phase === 'incoming-ringing' ? { peerId: call.peerId } : null;
  const trayCall =
    call && call.phase !== 'incoming-ringing' ? { peerId: call.peerId, muted: call.muted } : null;
  const receiving = Object.values(state.transfers).some(
    (transfer) => transfer.direction === 'in' && transfer.phase === 'transferring',
  );
  return { peers, call: trayCall, ringing, receiving };
}
