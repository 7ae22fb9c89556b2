import { useEffect, useRef, type DragEvent as ReactDragEvent } from 'react';
import { useStore } from 'zustand';
import { carriesFiles, dragState } from '../transfer/drag-state';
import { outgoingFiles, takeDropped } from '../transfer/pick-files';
import { offerFiles } from '../transfer/send-paths';
import { useTransferManager } from '../transfer/transfer-context';
import type { DeviceView } from '../../state/store';
import { useFerry, useFerryStore, useHost, useLanguage, useT } from '../../ui/ferry-context';
import { formatLastSeen } from './last-seen';

/**
 * One device in the sidebar, and a drop target: files dragged over it light it up ("Drop to send
 * to <device>"), and dropped there they are offered to that device, whichever conversation is open.
 */
function DeviceEntry({ device, current }: { device: DeviceView; current: boolean }) {
  const t = useT();
  const language = useLanguage();
  const store = useFerryStore();
  const host = useHost();
  const manager = useTransferManager();
  const selectDevice = useFerry((state) => state.selectDevice);
  const over = useStore(dragState, (state) => state.overDevice === device.id);
  // dragenter/dragleave fire for each child crossed; count them to know when the drag left the entry.
  const depth = useRef(0);

  const leaveTarget = () => {
    depth.current = 0;
    if (dragState.getState().overDevice === device.id) dragState.setState({ overDevice: null });
  };
  // An entry that goes away mid-drag (device forgotten) must not leave the overlay hidden.
  useEffect(
    () => () => {
      if (dragState.getState().overDevice === device.id) dragState.setState({ overDevice: null });
    },
    [device.id],
  );

  const enter = (event: ReactDragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    depth.current++;
    dragState.setState({ overDevice: device.id });
  };
  const overEntry = (event: ReactDragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    // This entry decides, not the window's overlay (for the open conversation) further up.
    event.stopPropagation();
    event.dataTransfer.dropEffect = device.online ? 'copy' : 'none';
  };
  const leave = () => {
    depth.current = Math.max(0, depth.current - 1);
    if (depth.current === 0) leaveTarget();
  };
  const drop = (event: ReactDragEvent) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    // This drop is for this device, not for the conversation that is open.
    event.stopPropagation();
    leaveTarget();
    if (!device.online) return store.getState().announce('transfer.notSentTo.offline', { name: device.name });
    const dropped = takeDropped(event.dataTransfer);
    selectDevice(device.id);
    void offerFiles({ store, manager }, device.id, () => outgoingFiles(host, dropped.topLevel, dropped.walk));
  };

  const presence = device.online ? t('nav.online') : t('nav.offline');
  const lastSeen =
    !device.online && device.lastSeen !== null ? formatLastSeen(language, device.lastSeen) : null;
  const label =
    lastSeen !== null
      ? device.unread > 0
        ? t('devices.entryOfflineUnread', { name: device.name, when: lastSeen, count: device.unread })
        : t('devices.entryOffline', { name: device.name, when: lastSeen })
      : device.unread > 0
        ? t('nav.deviceEntryUnread', { name: device.name, presence, count: device.unread })
        : t('nav.deviceEntry', { name: device.name, presence });
  return (
    <li
      onDragEnter={enter}
      onDragOver={overEntry}
      onDragLeave={leave}
      onDrop={drop}
      className={over ? `drop-over ${device.online ? 'ready' : 'refused'}` : undefined}
      data-testid="device-entry"
    >
      <button
        type="button"
        className="device"
        aria-label={label}
        aria-current={current ? 'page' : undefined}
        onClick={() => selectDevice(device.id)}
      >
        <span className={`dot ${device.online ? 'online' : 'offline'}`} aria-hidden="true" />
        <span className="device-text">
          <span className="device-name">{device.name}</span>
          {lastSeen !== null && (
            <span className="device-last-seen" aria-hidden="true">
              {t('devices.lastSeen', { when: lastSeen })}
            </span>
          )}
        </span>
        {device.unread > 0 && (
          <span className="badge" aria-hidden="true">
            {device.unread}
          </span>
        )}
      </button>
      {over && (
        <p className="device-drop-hint" role="status">
          {device.online
            ? t('transfer.dropOnDevice', { name: device.name })
            : t('transfer.dropOffline', { name: device.name })}
        </p>
      )}
    </li>
  );
}

/** The sidebar: paired devices with presence and unread counts, and "Pair a device". */
export function DeviceList() {
  const t = useT();
  const devices = useFerry((state) => state.devices);
  const order = useFerry((state) => state.deviceOrder);
  const selected = useFerry((state) => state.selectedDeviceId);
  const pairingOpen = useFerry((state) => state.pairingOpen);
  const openPairing = useFerry((state) => state.openPairing);

  return (
    <nav className="sidebar" aria-label={t('nav.devices')}>
      <h2>{t('nav.devices')}</h2>
      {order.length === 0 && <p className="muted">{t('nav.noDevices')}</p>}
      <ul>
        {order.map((id) => {
          const device = devices[id];
          if (!device) return null;
          return <DeviceEntry key={id} device={device} current={!pairingOpen && selected === id} />;
        })}
      </ul>
      <button type="button" className="pair-button" aria-pressed={pairingOpen} onClick={openPairing}>
        {t('nav.pairDevice')}
      </button>
    </nav>
  );
}
