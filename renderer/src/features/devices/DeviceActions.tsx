import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { MAX_DEVICE_NAME_LENGTH } from '../../../../contracts/peer-protocol';
import { useEngine, useFerry, useT } from '../../ui/ferry-context';
import type { DeviceView } from '../../state/store';

/**
 * Rename and Forget for a remembered device, in its conversation header. Renaming keeps this
 * person's name for the device (empty goes back to the device's own); forgetting asks first, since
 * the device then needs a new code.
 */
export function DeviceActions({ device }: { device: DeviceView }) {
  const t = useT();
  const engine = useEngine();
  const announce = useFerry((state) => state.announce);
  const removeDevice = useFerry((state) => state.removeDevice);
  const [mode, setMode] = useState<'idle' | 'renaming' | 'confirming'>('idle');
  const [name, setName] = useState(device.name);
  const inputId = useId();
  const questionId = useId();
  const explainId = useId();
  const keepButton = useRef<HTMLButtonElement>(null);
  const renameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (mode === 'confirming') keepButton.current?.focus();
    if (mode === 'renaming') renameInput.current?.select();
  }, [mode]);

  const saveName = (event: FormEvent) => {
    event.preventDefault();
    engine.rename(device.id, name);
    setMode('idle');
  };

  const forget = () => {
    setMode('idle');
    void engine.forget(device.id).then(() => {
      removeDevice(device.id);
      announce('devices.forgotten', { name: device.name });
    });
  };

  if (mode === 'renaming') {
    return (
      <div className="device-actions">
        <form onSubmit={saveName}>
          <label htmlFor={inputId} className="visually-hidden">
            {t('devices.renameLabel', { name: device.name })}
          </label>
          <input
            ref={renameInput}
            id={inputId}
            value={name}
            maxLength={MAX_DEVICE_NAME_LENGTH}
            onChange={(event) => setName(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.preventDefault();
                setMode('idle');
              }
            }}
          />
          <button type="submit" className="primary">
            {t('devices.renameSave')}
          </button>
          <button type="button" onClick={() => setMode('idle')}>
            {t('devices.renameCancel')}
          </button>
        </form>
      </div>
    );
  }

  return (
    <div className="device-actions">
      <button
        type="button"
        aria-label={t('devices.renameButtonLabel', { name: device.name })}
        onClick={() => {
          setName(device.name);
          setMode('renaming');
        }}
      >
        {t('devices.rename')}
      </button>
      <button
        type="button"
        aria-label={t('devices.forgetLabel', { name: device.name })}
        aria-expanded={mode === 'confirming'}
        onClick={() => setMode('confirming')}
      >
        {t('devices.forget')}
      </button>
      {mode === 'confirming' && (
        <div
          className="forget-confirm"
          role="alertdialog"
          aria-labelledby={questionId}
          aria-describedby={explainId}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault();
              setMode('idle');
            }
          }}
        >
          <p id={questionId}>
            <strong>{t('devices.forgetQuestion', { name: device.name })}</strong>
          </p>
          <p id={explainId}>{t('devices.forgetExplain', { name: device.name })}</p>
          <div className="row">
            <button type="button" className="danger" onClick={forget}>
              {t('devices.forgetConfirm')}
            </button>
            <button ref={keepButton} type="button" onClick={() => setMode('idle')}>
              {t('devices.forgetCancel')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
