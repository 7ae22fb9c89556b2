import { useId, useState, type FormEvent } from 'react';
import { useT } from '../../ui/ferry-context';

export function EnterCodeForm({
  disabled,
  onSubmit,
}: {
  disabled: boolean;
  onSubmit: (code: string) => void;
}) {
  const t = useT();
  const [code, setCode] = useState('');
  const inputId = useId();
  const hintId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit(code);
  };

  return (
    <form className="enter-code" onSubmit={submit}>
      <label htmlFor={inputId}>{t('pair.codeLabel')}</label>
      <input
        id={inputId}
        className="code-input"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={32}
        placeholder="K7M-Q2X"
        aria-describedby={hintId}
        disabled={disabled}
      />
      <p id={hintId} className="hint">
        {t('pair.codeHint')}
      </p>
      <button type="submit" className="primary" disabled={disabled || code.trim().length === 0}>
        {t('pair.connect')}
      </button>
    </form>
  );
}
