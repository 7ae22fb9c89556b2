import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useEngine, useT } from '../../ui/ferry-context';

export function Composer({
  deviceId,
  peerName,
  online,
}: {
  deviceId: string;
  peerName: string;
  online: boolean;
}) {
  const t = useT();
  const engine = useEngine();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const input = useRef<HTMLTextAreaElement>(null);
  // Opening a conversation (a click in the list, or just connected) puts the cursor here, unless
  // something more urgent (a ringing call) holds focus.
  useEffect(() => {
    if (online && !document.activeElement?.closest('[role="alertdialog"]')) input.current?.focus();
  }, [deviceId, online]);

  const send = () => {
    const outcome = engine.sendChat(deviceId, text);
    if (outcome === 'too-long') return setError(t('chat.tooLong'));
    if (outcome === 'empty') return;
    setError(null);
    setText('');
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  // Enter sends; Shift+Enter makes a new line, as in other chat apps.
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        {t('chat.messageLabel', { name: peerName })}
      </label>
      <textarea
        ref={input}
        id={inputId}
        data-primary
        value={text}
        rows={2}
        placeholder={t('chat.placeholder')}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        disabled={!online}
      />
      <button type="submit" className="primary" disabled={!online || text.trim().length === 0}>
        {t('chat.send')}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </form>
  );
}
