import { useId, useState, type FormEvent } from 'react';
import { HostError } from '../../host/host';
import { useFerry, useHost, useT } from '../../ui/ferry-context';
import { focusMainPane } from '../../ui/focus';

/**
 * The first thing a new device shows: its name, as the devices it pairs with will see it,
 * prefilled with the host's unique suggestion ("Chromium on Linux 3F2A", "ada (adas-mbp)").
 * Continue saves it as chosen; the pairing screen follows. Renaming later is in Settings.
 */
export function NameDeviceStep() {
  const t = useT();
  const host = useHost();
  const suggested = useFerry((state) => state.settings.deviceName);
  const setSettings = useFerry((state) => state.setSettings);
  const [name, setName] = useState(suggested);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const nameId = useId();
  const introId = useId();
  const problemId = useId();

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const chosen = name.trim();
    if (chosen === '') {
      setProblem(t('firstRun.nameRequired'));
      return;
    }
    setSaving(true);
    try {
      setSettings(await host.updateSettings({ deviceName: chosen, deviceNameChosen: true }));
      // On to what the app is for: the pairing screen's first control.
      focusMainPane();
    } catch (failure) {
      setProblem(failure instanceof HostError ? (failure.message ?? failure.code) : String(failure));
      setSaving(false);
    }
  };

  return (
    <section className="first-run" aria-labelledby="first-run-heading">
      <h1 id="first-run-heading" tabIndex={-1}>
        {t('firstRun.heading')}
      </h1>
      <p id={introId}>{t('firstRun.intro')}</p>
      <form onSubmit={(event) => void save(event)} noValidate>
        <label htmlFor={nameId}>{t('settings.deviceName')}</label>
        <input
          id={nameId}
          // The one thing this screen asks; the suggestion is selected so typing replaces it.
          autoFocus
          onFocus={(event) => event.currentTarget.select()}
          value={name}
          maxLength={64}
          required
          aria-invalid={problem !== null}
          aria-describedby={problem === null ? introId : `${problemId} ${introId}`}
          onChange={(event) => {
            setName(event.target.value);
            setProblem(null);
          }}
        />
        {problem !== null && (
          <p id={problemId} className="field-error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" className="primary" disabled={saving}>
          {t('firstRun.continue')}
        </button>
      </form>
    </section>
  );
}
