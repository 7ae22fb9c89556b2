import { useT, useFerry } from '../../ui/ferry-context';
import { CallButton } from '../call/CallButton';
import { TransferBar } from '../transfer/TransferBar';
import { Composer } from './Composer';
import { MessageList } from './MessageList';

export function ConversationView({ deviceId }: { deviceId: string }) {
  const t = useT();
  const device = useFerry((state) => state.devices[deviceId]);
  if (!device) return null;

  return (
    <section className="conversation" aria-labelledby="conversation-heading">
      <header className="conversation-header">
        <h1 id="conversation-heading">{device.name}</h1>
        <p className={`presence ${device.online ? 'online' : 'offline'}`} data-testid="presence">
          <span className={`dot ${device.online ? 'online' : 'offline'}`} aria-hidden="true" />
          {device.online ? t('chat.online') : t('chat.offline')}
        </p>
        <CallButton deviceId={deviceId} peerName={device.name} online={device.online} />
      </header>
      <MessageList deviceId={deviceId} peerName={device.name} />
      {!device.online && <p className="notice">{t('chat.offlineNotice', { name: device.name })}</p>}
      <TransferBar deviceId={deviceId} peerName={device.name} online={device.online} />
      <Composer deviceId={deviceId} peerName={device.name} online={device.online} />
    </section>
  );
}
