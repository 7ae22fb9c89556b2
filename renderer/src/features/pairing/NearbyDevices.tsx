import { useId } from 'react';
import type { NearbyService } from '../../../../contracts/local-service';
import { useFerry, useT } from '../../ui/ferry-context';

/**
 * Ferry devices found on this network. Choosing one does not pair with it (only its code can make
 * it trusted); it says where to look the code up first. Nothing shows where none was found.
 */
export function NearbyDevices({
  chosenId,
  disabled,
  onChoose,
}: {
  chosenId: string | null;
  disabled: boolean;
  onChoose: (device: NearbyService) => void;
}) {
  const t = useT();
  const nearby = useFerry((state) => state.nearby);
  const headingId = useId();
  if (nearby.length === 0) return null;
  return (
    <section className="nearby" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('pair.nearby.heading')}</h2>
      <p className="muted">{t('pair.nearby.intro')}</p>
      <ul aria-labelledby={headingId}>
        {nearby.map((device) => (
          <li key={device.instanceId}>
            <button
              type="button"
              aria-pressed={device.instanceId === chosenId}
              disabled={disabled}
              onClick={() => onChoose(device)}
            >
              {t('pair.nearby.entry', { name: device.name })}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
