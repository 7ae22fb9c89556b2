import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useFerry, useT } from '../../ui/ferry-context';

export function EnterCodeForm({
  disabled,
  chosenName,
  focusKey,
  onSubmit,
}: {
  disabled: boolean;
  /** A nearby device the person chose: the form asks for that device's code. */
  chosenName?: string | undefined;
  /** Changes when the person chooses a device, which moves the focus to the code field. */
  focusKey?: string | undefined;
  onSubmit: (code: string) => void;
}) {
  const t = useT();
  // A code from a ferry:// link (or a join link) is filled in for the person to check and confirm.
  const suggested = useFerry((state) => state.suggestedCode);
  const [code, setCode] = useState(suggested?.code ?? '');
  // A newer suggestion replaces what was typed: state adjusted while rendering, as React advises
  // for state that follows a changing input.
  const [applied, setApplied] = useState(suggested);
  if (suggested !== applied) {
    setApplied(suggested);
    if (suggested) setCode(suggested.code);
  }
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (suggested) input.current?.focus();
  }, [suggested]);
  useEffect(() => {
    if (focusKey !== undefined) input.current?.focus();
  }, [focusKey]);
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
        ref={input}
        id={inputId}
        className="code-input"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={32}
        placeholder="K7M-Q2XW"
        aria-describedby={hintId}
        disabled={disabled}
      />
      <p id={hintId} className="hint">
        {chosenName === undefined ? t('pair.codeHint') : t('pair.nearby.chosen', { name: chosenName })}
      </p>
      {suggested && code === suggested.code && (
        <p className="hint" role="status">
          {t('pair.suggestedHint')}
        </p>
      )}
      <button type="submit" className="primary" disabled={disabled || code.trim().length === 0}>
        {t('pair.connect')}
      </button>
    </form>
  );
}
