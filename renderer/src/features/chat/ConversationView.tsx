import type { MessageKey } from '../../i18n/i18n';
import { useLanguage, useT, useFerry } from '../../ui/ferry-context';
import { DeviceActions } from '../devices/DeviceActions';
import { formatLastSeen } from '../devices/last-seen';
import { DeleteConversation } from '../../history/DeleteConversation';
import { CallButton } from '../call/CallButton';
import { VerificationPhrase } from '../pairing/VerificationPhrase';
import { TransferBar } from '../transfer/TransferBar';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

const PRESENCE_TEXT = {
  online: 'chat.online',
  reconnecting: 'chat.reconnectingShort',
  offline: 'chat.offline',
} as const satisfies Record<string, MessageKey>;

/**
 * A conversation fills the main pane: a fixed header (name, presence, Call, Delete conversation), the history (the
 * only part that scrolls), then the file buttons and the composer, fixed at the bottom.
 */
export function ConversationView({ deviceId }: { deviceId: string }) {
  const t = useT();
  const language = useLanguage();
  const device = useFerry((state) => state.devices[deviceId]);
  const openPairing = useFerry((state) => state.openPairing);
  if (!device) return null;
  // A remembered device comes back by itself; what is written meanwhile waits for it.
  const remembered = device.lastSeen !== null;
  const reconnecting = device.online && device.reconnecting === true;
  const presence = reconnecting ? 'reconnecting' : device.online ? 'online' : 'offline';

  return (
    <section className="conversation" aria-labelledby="conversation-heading">
      <header className="conversation-header">
        <div className="conversation-title">
          <h1 id="conversation-heading" title={device.name} tabIndex={-1}>
            {device.name}
          </h1>
          <p className={`presence ${presence}`} data-testid="presence">
            <span className={`dot ${presence}`} aria-hidden="true" />
            {t(PRESENCE_TEXT[presence])}
            {!device.online && remembered && device.lastSeen !== null && (
              <span className="last-seen">
                {' '}
                · {t('devices.lastSeen', { when: formatLastSeen(language, device.lastSeen) })}
              </span>
            )}
          </p>
        </div>
        {remembered && <DeviceActions key={deviceId} device={device} />}
        <CallButton deviceId={deviceId} peerName={device.name} online={device.online} />
        <DeleteConversation deviceId={deviceId} peerName={device.name} />
      </header>
      <VerificationPhrase deviceId={deviceId} peerName={device.name} />
      {/* Keyed by device: each conversation opens at its newest line with its own scroll place. */}
      <MessageList key={deviceId} deviceId={deviceId} peerName={device.name} />
      <div className="conversation-footer">
        {!device.online && remembered && (
          <div className="notice">
            <p>{t('chat.waitingNote', { name: device.name })}</p>
          </div>
        )}
        {!device.online && !remembered && (
          <div className="notice">
            <p>{t('chat.offlineNotice', { name: device.name })}</p>
            <button type="button" onClick={openPairing}>
              {t('chat.pairAgain')}
            </button>
          </div>
        )}
        {reconnecting && <p className="notice">{t('chat.reconnectingNotice', { name: device.name })}</p>}
        <TransferBar deviceId={deviceId} peerName={device.name} online={device.online} />
        <Composer deviceId={deviceId} peerName={device.name} online={device.online || remembered} />
      </div>
    </section>
  );
}
