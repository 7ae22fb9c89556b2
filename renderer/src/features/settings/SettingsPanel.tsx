import { useEffect, useId, useState, type FormEvent } from 'react';
import { LANGUAGE_CHOICES, type LanguageChoice } from '../../../../contracts/settings';
import { useFerry, useHost, useT } from '../../ui/ferry-context';
import { focusSoon } from '../../ui/focus';
import { HostError } from '../../host/host';
import { refusedByPagePolicy } from '../../host/page-policy';
import { AudioDeviceFields } from '../call/AudioDeviceFields';
import { IceServersFields } from './IceServersFields';
import { rowsFromServers, serversFromRows, type IceServerRow } from './ice-servers';
import { randomId } from '../../engine/random-id';

/**
 * Device name, language, pairing service and STUN/TURN servers; on the desktop also launch at
 * login, start hidden and the receive folder. Saved through the host. Audio devices for calls
 * apply at once.
 */
export function SettingsPanel({ onClose }: { onClose: (saved: boolean) => void }) {
  const t = useT();
  const host = useHost();
  const settings = useFerry((state) => state.settings);
  const setSettings = useFerry((state) => state.setSettings);
  const announce = useFerry((state) => state.announce);
  const [deviceName, setDeviceName] = useState(settings.deviceName);
  const [language, setLanguage] = useState<LanguageChoice>(settings.language);
  const [signalingUrl, setSignalingUrl] = useState(settings.signalingUrl);
  const [error, setError] = useState<string | null>(null);
  // A service this page's policy does not let it reach (browser client only): where to open Ferry instead.
  const [serviceElsewhere, setServiceElsewhere] = useState<string | null>(null);
  const desktop = host.kind === 'desktop';
  const [launchAtLogin, setLaunchAtLogin] = useState(settings.launchAtLogin);
  const [startHidden, setStartHidden] = useState(settings.startHidden);
  const [receiveFolder, setReceiveFolder] = useState(settings.receiveFolder);
  const [iceRows, setIceRows] = useState<IceServerRow[]>(() =>
    rowsFromServers(settings.iceServers, () => randomId(6)),
  );
  // After a Save attempt, every row's problems show, even in rows nothing was typed into.
  const [iceChecked, setIceChecked] = useState(false);
  const [iceProblem, setIceProblem] = useState(false);
  const startHiddenHintId = useId();
  const folderId = useId();
  const folderHintId = useId();
  const nameId = useId();
  const nameHintId = useId();
  const languageId = useId();
  const urlId = useId();
  const urlHintId = useId();

  // Escape closes Settings without saving, as it closes a dialog.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || event.isComposing) return;
      event.preventDefault();
      onClose(false);
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onClose]);

  const showFailure = (failure: unknown) =>
    setError(failure instanceof HostError ? (failure.message ?? failure.code) : String(failure));
  const chooseReceiveFolder = host.chooseReceiveFolder;
  const chooseFolder = async () => {
    try {
      const chosen = await chooseReceiveFolder?.();
      // Shown in the field; saved with the rest on Save.
      if (chosen) setReceiveFolder(chosen);
    } catch (failure) {
      showFailure(failure);
    }
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const iceServers = serversFromRows(iceRows);
    if (iceServers === null) {
      setIceChecked(true);
      setError(null);
      setIceProblem(true);
      // To the first field that says what is wrong.
      focusSoon(() => document.querySelector<HTMLElement>('.ice-servers [aria-invalid="true"]'));
      return;
    }
    setIceProblem(false);
    const wantedService = signalingUrl.trim();
    if (host.kind === 'web' && wantedService !== '' && wantedService !== settings.signalingUrl) {
      if (await refusedByPagePolicy(wantedService)) {
        setError(null);
        setServiceElsewhere(new URL(wantedService).origin);
        focusSoon(() => document.getElementById(urlId));
        return;
      }
    }
    setServiceElsewhere(null);
    try {
      const next = await host.updateSettings({
        deviceName: deviceName.trim(),
        // A name saved here is a name chosen: the first-run step has nothing left to ask.
        deviceNameChosen: true,
        language,
        signalingUrl: signalingUrl.trim(),
        iceServers,
        ...(desktop ? { launchAtLogin, startHidden, receiveFolder: receiveFolder.trim() } : {}),
      });
      setSettings(next);
      setError(null);
      announce('settings.saved');
      onClose(true);
    } catch (failure) {
      showFailure(failure);
    }
  };

  return (
    <section className="settings" aria-labelledby="settings-heading">
      <h1 id="settings-heading" tabIndex={-1}>
        {t('settings.heading')}
      </h1>
      <form onSubmit={(event) => void save(event)}>
        <label htmlFor={nameId}>{t('settings.deviceName')}</label>
        <input
          id={nameId}
          // Opening Settings puts the cursor in its first field.
          autoFocus
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
          aria-invalid={serviceElsewhere !== null}
          onChange={(event) => {
            setSignalingUrl(event.target.value);
            setServiceElsewhere(null);
          }}
        />
        <p id={urlHintId} className="hint">
          {t('settings.signalingUrlHint')}
        </p>
        {serviceElsewhere !== null && (
          <p role="alert" className="error">
            {t('settings.signalingUrl.elsewhere', { origin: serviceElsewhere })}{' '}
            <a href={serviceElsewhere}>
              {t('settings.signalingUrl.openThere', { origin: serviceElsewhere })}
            </a>
          </p>
        )}
        <IceServersFields rows={iceRows} onChange={setIceRows} showAllProblems={iceChecked} />
        {iceProblem && (
          <p role="alert" className="error">
            {t('settings.iceServers.fix')}
          </p>
        )}
        {desktop && (
          <fieldset>
            <legend>{t('settings.section.desktop')}</legend>
            <label>
              <input
                type="checkbox"
                checked={launchAtLogin}
                onChange={(event) => setLaunchAtLogin(event.target.checked)}
              />
              {t('settings.launchAtLogin')}
            </label>
            <label>
              <input
                type="checkbox"
                checked={startHidden}
                aria-describedby={startHiddenHintId}
                onChange={(event) => setStartHidden(event.target.checked)}
              />
              {t('settings.startHidden')}
            </label>
            <p id={startHiddenHintId} className="hint">
              {t('settings.startHiddenHint')}
            </p>
            <label htmlFor={folderId}>{t('settings.receiveFolder')}</label>
            <div className="row folder-row">
              {/* Where the desktop has the system's folder picker, it is the only way to a new
                  folder: main saves no typed path (a script in the page could otherwise send
                  received files anywhere, e.g. where the OS runs what lands at login). */}
              <input
                id={folderId}
                value={receiveFolder}
                spellCheck={false}
                aria-describedby={folderHintId}
                readOnly={chooseReceiveFolder !== undefined}
                onChange={(event) => setReceiveFolder(event.target.value)}
              />
              {chooseReceiveFolder && (
                <button
                  type="button"
                  aria-label={t('settings.receiveFolderChooseLabel')}
                  onClick={() => void chooseFolder()}
                >
                  {t('settings.receiveFolderChoose')}
                </button>
              )}
            </div>
            <p id={folderHintId} className="hint">
              {t('settings.receiveFolderHint')}
            </p>
          </fieldset>
        )}
        <fieldset>
          <legend>{t('settings.section.calls')}</legend>
          <AudioDeviceFields />
        </fieldset>
        {error && (
          <p role="alert" className="error">
            {t('settings.invalid', { field: error })}
          </p>
        )}
        {/* Sticks to the bottom of the page while it scrolls: Save is always in reach. */}
        <div className="row settings-actions">
          <button type="submit" className="primary">
            {t('settings.save')}
          </button>
          <button type="button" onClick={() => onClose(false)}>
            {t('settings.close')}
          </button>
        </div>
      </form>
    </section>
  );
}
