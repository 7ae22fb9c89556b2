import { useState } from 'react';
import type { NearbyService } from '../../../../contracts/local-service';
import { useFerry, useEngine, useT } from '../../ui/ferry-context';
import { EnterCodeForm } from './EnterCodeForm';
import { NearbyDevices } from './NearbyDevices';
import { PairingStatus } from './PairingStatus';
import { ShowCodePanel } from './ShowCodePanel';

/** "Pair a device": show a code, or enter one; then progress in words. */
export function PairingView() {
  const t = useT();
  const engine = useEngine();
  const pairing = useFerry((state) => state.pairing);
  // The nearby device the person chose: its code is looked up on its own service first.
  const [chosen, setChosen] = useState<NearbyService | null>(null);
  const stillNearby = useFerry(
    (state) => chosen !== null && state.nearby.some((d) => d.instanceId === chosen.instanceId),
  );
  const chosenDevice = stillNearby ? chosen : null;

  const busy = pairing.phase !== 'idle' && pairing.phase !== 'failed' && pairing.phase !== 'expired';
  return (
    <section className="pairing" aria-labelledby="pairing-heading">
      <h1 id="pairing-heading" tabIndex={-1}>
        {t('pair.heading')}
      </h1>
      <p className="muted">{t('pair.intro')}</p>
      {pairing.phase === 'showing-code' ? (
        <ShowCodePanel
          code={pairing.code}
          expiresAt={pairing.expiresAt}
          onCancel={() => engine.cancelPairing()}
        />
      ) : (
        <div className="pairing-choices">
          <div className="choice">
            <h2>{t('pair.showCode')}</h2>
            <button
              type="button"
              className="primary big"
              data-primary
              disabled={busy}
              onClick={() => engine.showMyCode()}
            >
              {t('pair.showCode')}
            </button>
          </div>
          <div className="choice">
            <h2>{t('pair.enterCode')}</h2>
            <EnterCodeForm
              disabled={busy}
              chosenName={chosenDevice?.name}
              focusKey={chosenDevice?.instanceId}
              onSubmit={(code) =>
                engine.enterCode(code, chosenDevice ? { preferredServiceUrls: [chosenDevice.url] } : {})
              }
            />
          </div>
        </div>
      )}
      {pairing.phase !== 'showing-code' && (
        <NearbyDevices chosenId={chosenDevice?.instanceId ?? null} disabled={busy} onChoose={setChosen} />
      )}
      <PairingStatus />
    </section>
  );
}
