import { Plus, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { randomId } from '../../engine/random-id';
import { useT } from '../../ui/ferry-context';
import { focusSoon } from '../../ui/focus';
import { checkIceServerRow, MAX_ICE_SERVERS, type IceServerRow } from './ice-servers';

export const newIceServerRow = (): IceServerRow => ({
  key: randomId(6),
  url: '',
  username: '',
  credential: '',
});

/**
 * The STUN/TURN servers as a form: a row per server (address, username, credential), added and
 * removed with buttons, each checked as it is typed with the reason in words at its field.
 * A row's problems show once something is typed in it, or for every row after a Save attempt
 * (`showAllProblems`), so that a row just added is not already red.
 */
export function IceServersFields({
  rows,
  onChange,
  showAllProblems,
}: {
  rows: readonly IceServerRow[];
  onChange: (rows: IceServerRow[]) => void;
  showAllProblems: boolean;
}) {
  const t = useT();
  const base = useId();
  const hintId = `${base}-hint`;
  const fieldId = (row: IceServerRow, field: string) => `${base}-${row.key}-${field}`;

  const update = (key: string, patch: Partial<IceServerRow>) =>
    onChange(rows.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const add = () => {
    const row = newIceServerRow();
    onChange([...rows, row]);
    focusSoon(() => document.getElementById(fieldId(row, 'url')));
  };
  const remove = (index: number) => {
    onChange(rows.filter((_, at) => at !== index));
    // To the row that took its place, else the one before, else "Add a server".
    const next = rows[index + 1] ?? rows[index - 1];
    focusSoon(() =>
      next ? document.getElementById(fieldId(next, 'url')) : document.getElementById(`${base}-add`),
    );
  };

  return (
    <fieldset className="ice-servers" aria-describedby={hintId}>
      <legend>{t('settings.iceServers')}</legend>
      <p id={hintId} className="hint">
        {t('settings.iceServersHint')}
      </p>
      {rows.length === 0 && <p className="hint">{t('settings.iceServers.none')}</p>}
      {rows.map((row, index) => {
        const n = String(index + 1);
        const problems = checkIceServerRow(row);
        const typed = row.url !== '' || row.username !== '' || row.credential !== '';
        const urlProblem = showAllProblems || row.url !== '' ? problems.url : undefined;
        const credentialsProblem =
          showAllProblems || (typed && problems.url === undefined) ? problems.credentials : undefined;
        const urlProblemId = fieldId(row, 'url-problem');
        const credentialsProblemId = fieldId(row, 'credentials-problem');
        return (
          <div
            key={row.key}
            role="group"
            aria-label={t('settings.iceServers.server', { n })}
            className="ice-row"
          >
            <div className="ice-field ice-url">
              <label htmlFor={fieldId(row, 'url')}>{t('settings.iceServers.url')}</label>
              <input
                id={fieldId(row, 'url')}
                value={row.url}
                spellCheck={false}
                autoComplete="off"
                placeholder="turn:turn.example.org:3478"
                aria-invalid={urlProblem !== undefined}
                {...(urlProblem === undefined ? {} : { 'aria-describedby': urlProblemId })}
                onChange={(event) => update(row.key, { url: event.target.value })}
              />
              {urlProblem !== undefined && (
                <p id={urlProblemId} className="error field-problem">
                  {t(urlProblem)}
                </p>
              )}
            </div>
            <div className="ice-field">
              <label htmlFor={fieldId(row, 'username')}>{t('settings.iceServers.username')}</label>
              <input
                id={fieldId(row, 'username')}
                value={row.username}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={credentialsProblem !== undefined && row.username.trim() === ''}
                {...(credentialsProblem === undefined ? {} : { 'aria-describedby': credentialsProblemId })}
                onChange={(event) => update(row.key, { username: event.target.value })}
              />
            </div>
            <div className="ice-field">
              <label htmlFor={fieldId(row, 'credential')}>{t('settings.iceServers.credential')}</label>
              <input
                id={fieldId(row, 'credential')}
                type="password"
                value={row.credential}
                autoComplete="off"
                aria-invalid={credentialsProblem !== undefined && row.credential === ''}
                {...(credentialsProblem === undefined ? {} : { 'aria-describedby': credentialsProblemId })}
                onChange={(event) => update(row.key, { credential: event.target.value })}
              />
            </div>
            <button
              type="button"
              className="ice-remove"
              aria-label={t('settings.iceServers.removeLabel', { n })}
              onClick={() => remove(index)}
            >
              <Trash2 aria-hidden="true" size={16} />
              <span>{t('settings.iceServers.remove')}</span>
            </button>
            {credentialsProblem !== undefined && (
              <p id={credentialsProblemId} className="error field-problem ice-row-problem">
                {t(credentialsProblem)}
              </p>
            )}
          </div>
        );
      })}
      {rows.length < MAX_ICE_SERVERS ? (
        <button type="button" id={`${base}-add`} onClick={add}>
          <Plus aria-hidden="true" size={16} />
          {t('settings.iceServers.add')}
        </button>
      ) : (
        <p className="hint">{t('settings.iceServers.tooMany', { max: String(MAX_ICE_SERVERS) })}</p>
      )}
    </fieldset>
  );
}
