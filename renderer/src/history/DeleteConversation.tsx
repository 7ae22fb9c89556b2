import { Trash2 } from 'lucide-react';
import { useId, useRef, useState } from 'react';
import { useFerry, useT } from '../ui/ferry-context';
import { useConversationHistory } from './history-context';
import './history.css';

/**
 * "Delete conversation" in the conversation header. Nothing is deleted without a second, explicit
 * Delete in an alert dialog (Cancel has the focus, so Enter keeps the conversation); Escape or
 * Cancel closes it and gives the focus back to the button.
 */
export function DeleteConversation({ deviceId, peerName }: { deviceId: string; peerName: string }) {
  const t = useT();
  const history = useConversationHistory();
  const conversationDeleted = useFerry((state) => state.conversationDeleted);
  const announce = useFerry((state) => state.announce);
  const [asking, setAsking] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const textId = useId();

  const close = () => {
    setAsking(false);
    opener.current?.focus();
  };
  const remove = () => {
    setAsking(false);
    if (history) void history.deleteConversation(deviceId).catch(() => undefined);
    else conversationDeleted(deviceId);
    announce('history.deleted', { name: peerName });
    opener.current?.focus();
  };

  return (
    <>
      <button
        ref={opener}
        type="button"
        className="delete-conversation"
        aria-label={t('history.deleteLabel', { name: peerName })}
        title={t('history.deleteLabel', { name: peerName })}
        aria-expanded={asking}
        onClick={() => setAsking(true)}
      >
        <Trash2 aria-hidden="true" size={16} />
      </button>
      {asking && (
        <div
          className="confirm-delete"
          role="alertdialog"
          aria-modal="false"
          aria-labelledby={titleId}
          aria-describedby={textId}
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
        >
          <h2 id={titleId}>{t('history.confirmTitle')}</h2>
          <p id={textId}>{t('history.confirmText', { name: peerName })}</p>
          <div className="row">
            <button type="button" className="danger" onClick={remove}>
              <Trash2 aria-hidden="true" size={16} />
              {t('history.confirmDelete')}
            </button>
            <button type="button" autoFocus onClick={close}>
              {t('history.cancel')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
