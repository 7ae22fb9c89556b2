import { useFerry, useT } from '../../ui/ferry-context';

/** The sidebar: paired devices with presence and unread counts, and "Pair a device". */
export function DeviceList() {
  const t = useT();
  const devices = useFerry((state) => state.devices);
  const order = useFerry((state) => state.deviceOrder);
  const selected = useFerry((state) => state.selectedDeviceId);
  const pairingOpen = useFerry((state) => state.pairingOpen);
  const selectDevice = useFerry((state) => state.selectDevice);
  const openPairing = useFerry((state) => state.openPairing);

  return (
    <nav className="sidebar" aria-label={t('nav.devices')}>
      <h2>{t('nav.devices')}</h2>
      {order.length === 0 && <p className="muted">{t('nav.noDevices')}</p>}
      <ul>
        {order.map((id) => {
          const device = devices[id];
          if (!device) return null;
          const presence = device.online ? t('nav.online') : t('nav.offline');
          const label =
            device.unread > 0
              ? t('nav.deviceEntryUnread', { name: device.name, presence, count: device.unread })
              : t('nav.deviceEntry', { name: device.name, presence });
          return (
            <li key={id}>
              <button
                type="button"
                className="device"
                aria-label={label}
                aria-current={!pairingOpen && selected === id ? 'page' : undefined}
                onClick={() => selectDevice(id)}
              >
                <span className={`dot ${device.online ? 'online' : 'offline'}`} aria-hidden="true" />
                <span className="device-name">{device.name}</span>
                {device.unread > 0 && (
                  <span className="badge" aria-hidden="true">
                    {device.unread}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
      <button type="button" className="pair-button" aria-pressed={pairingOpen} onClick={openPairing}>
        {t('nav.pairDevice')}
      </button>
    </nav>
  );
}
