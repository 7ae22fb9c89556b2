import { useEngine, useFerry, useT } from '../../ui/ferry-context';
import type { ConnectStep, PairingFailure } from '../../engine/engine-actions';
import type { MessageKey } from '../../i18n/i18n';

const FAILURE_MESSAGES: Record<PairingFailure, MessageKey> = {
  'code-malformed': 'pair.fail.code-malformed',
  'code-not-found': 'pair.fail.code-not-found',
  'code-expired': 'pair.fail.code-expired',
  'code-used': 'pair.fail.code-used',
  'pair-full': 'pair.fail.pair-full',
  'code-mismatch': 'pair.fail.code-mismatch',
  intercepted: 'pair.fail.intercepted',
  'no-path': 'pair.fail.no-path',
  'no-path-relay': 'pair.fail.no-path-relay',
  'service-unreachable': 'pair.fail.service-unreachable',
  'peer-left': 'pair.fail.peer-left',
  'peer-cancelled': 'pair.fail.peer-cancelled',
  'peer-closed-app': 'pair.fail.peer-closed-app',
  'rate-limited': 'pair.fail.rate-limited',
  incompatible: 'pair.fail.incompatible',
  'identity-refused': 'pair.fail.identity-refused',
  internal: 'pair.fail.internal',
};

const CONNECT_STEPS: Record<ConnectStep, MessageKey> = {
  addresses: 'pair.status.trying.addresses',
  direct: 'pair.status.trying.direct',
  relay: 'pair.status.trying.relay',
};

/**
 * Progress in words, announced politely, with a way out while it runs; failures as an alert with a
 * way forward.
 */
export function PairingStatus() {
  const t = useT();
  const engine = useEngine();
  const pairing = useFerry((state) => state.pairing);

  let text = '';
  switch (pairing.phase) {
    case 'opening':
      text = t('pair.status.opening');
      break;
    case 'checking-code':
      text = t('pair.status.checking');
      break;
    case 'connecting':
      text = t(pairing.trying ? CONNECT_STEPS[pairing.trying] : 'pair.status.connecting');
      break;
    case 'connected':
      text = t('pair.status.connected', { name: pairing.peerName });
      break;
    default:
      break;
  }

  return (
    <div className="pairing-status">
      <p role="status" aria-live="polite" className="status-line">
        {text}
      </p>
      {(pairing.phase === 'checking-code' || pairing.phase === 'connecting') && (
        <button type="button" onClick={() => engine.cancelPairing()}>
          {t('pair.cancel')}
        </button>
      )}
      {pairing.phase === 'failed' && (
        <div role="alert" className="error">
          <p>{t(FAILURE_MESSAGES[pairing.reason])}</p>
          <button type="button" onClick={() => engine.cancelPairing()}>
            {t('pair.tryAgain')}
          </button>
        </div>
      )}
      {pairing.phase === 'expired' && (
        <div role="alert" className="error">
          <p>{t('pair.status.expired')}</p>
          <button type="button" onClick={() => engine.showMyCode()}>
            {t('pair.newCode')}
          </button>
        </div>
      )}
    </div>
  );
}
