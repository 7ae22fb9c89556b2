import { useId, useState, type FormEvent } from 'react';
import { LANGUAGE_CHOICES, type LanguageChoice } from '../../../../contracts/settings';
import { useFerry, useHost, useT } from '../../ui/ferry-context';
import { HostError } from '../../host/host';

/** Device name, language and pairing service; saved through the host. */
export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const t = useT();
  const host = useHost();
  const settings = useFerry((state) => state.settings);
  const setSettings = useFerry((state) => state.setSettings);
  const announce = useFerry((state) => state.announce);
  const [deviceName, setDeviceName] = useState(settings.deviceName);
  const [language, setLanguage] = useState<LanguageChoice>(settings.language);
  const [signalingUrl, setSignalingUrl] = useState(settings.signalingUrl);
  const [error, setError] = useState<string | null>(null);
  const nameId = useId();
  const nameHintId = useId();
  const languageId = useId();
  const urlId = useId();
  const urlHintId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const next = await host.updateSettings({
        deviceName: deviceName.trim(),
        language,
        signalingUrl: signalingUrl.trim(),
      });
      setSettings(next);
      setError(null);
      announce('settings.saved');
      onClose();
    } catch (failure) {
      setError(failure instanceof HostError ? (failure.message ?? failure.code) : String(failure));
    }
  };

  return (
    <section className="settings" aria-labelledby="settings-heading">
      <h1 id="settings-heading">{t('settings.heading')}</h1>
      <form onSubmit={(event) => void save(event)}>
        <label htmlFor={nameId}>{t('settings.deviceName')}</label>
        <input
          id={nameId}
          value={deviceName}
          maxLength={64}
          required
          aria-describedby={nameHintId}
          onChange={(event) => setDeviceName(event.target.value)}
        />
        <p id={nameHintId} className="hint">
          {t('settings.deviceNameHint')}
        </p>
        <label htmlFor={languageId}>{t('settings.language')}</label>
        <select
          id={languageId}
          value={language}
          onChange={(event) => setLanguage(event.target.value as LanguageChoice)}
        >
          {LANGUAGE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {t(`settings.language.${choice}`)}
            </option>
          ))}
        </select>
        <label htmlFor={urlId}>{t('settings.signalingUrl')}</label>
        <input
          id={urlId}
          type="url"
          value={signalingUrl}
          aria-describedby={urlHintId}
          onChange={(event) => setSignalingUrl(event.target.value)}
        />
        <p id={urlHintId} className="hint">
          {t('settings.signalingUrlHint')}
        </p>
        {error && (
          <p role="alert" className="error">
            {t('settings.invalid', { field: error })}
          </p>
        )}
        <div className="row">
          <button type="submit" className="primary">
            {t('settings.save')}
          </button>
          <button type="button" onClick={onClose}>
            {t('settings.close')}
          </button>
        </div>
      </form>
    </section>
  );
}
