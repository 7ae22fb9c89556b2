import { useId, useRef, type ChangeEvent } from 'react';
import { useFerry, useFerryStore, useHost, useT } from '../../ui/ferry-context';
import { acceptsAutomatically, updatePairedDevice } from '../devices/paired-devices';
import { DropOverlay } from './DropOverlay';
import { outgoingFiles, pickedFromInput } from './pick-files';
import { useSendFiles } from './use-send-files';
import './transfer.css';

/**
 * Above the composer: "Send files…" and "Send a folder…" (file inputs behind ordinary buttons),
 * the per-device auto-accept choice, and the window-wide drop target for this conversation.
 */
export function TransferBar({
  deviceId,
  peerName,
  online,
}: {
  deviceId: string;
  peerName: string;
  online: boolean;
}) {
  const t = useT();
  const { send, problem } = useSendFiles(deviceId);
  const autoAccept = useFerry((state) => acceptsAutomatically(state.settings, deviceId));
  const store = useFerryStore();
  const host = useHost();
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const autoId = useId();
  const problemId = useId();

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const files = Array.from(input.files ?? []);
    // Cleared so that picking the same files again still fires `change`.
    input.value = '';
    if (files.length === 0) return;
    void send((host) =>
      outgoingFiles(
        host,
        // A folder picker gives every file; their paths share the folder, which main cannot use.
        files.some((file) => file.webkitRelativePath) ? [] : files,
        async () => pickedFromInput(files),
      ),
    );
  };

  return (
    <div className="transfer-bar">
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        aria-label={t('transfer.pickFiles', { name: peerName })}
        onChange={picked}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        aria-label={t('transfer.pickFolder', { name: peerName })}
        onChange={picked}
        {...{ webkitdirectory: '' }}
      />
      <button type="button" disabled={!online} onClick={() => filesInput.current?.click()}>
        {t('transfer.send')}
      </button>
      <button type="button" disabled={!online} onClick={() => folderInput.current?.click()}>
        {t('transfer.sendFolder')}
      </button>
      <label className="auto-accept" htmlFor={autoId}>
        <input
          id={autoId}
          type="checkbox"
          checked={autoAccept}
          onChange={(event) =>
            void updatePairedDevice(store, host, deviceId, { autoAccept: event.target.checked }).catch(
              () => undefined,
            )
          }
        />
        {t('transfer.autoAccept', { name: peerName })}
      </label>
      {problem && (
        <p id={problemId} role="alert" className="error">
          {t('transfer.notSent', { reason: t(problem, { name: peerName }) })}
        </p>
      )}
      <DropOverlay peerName={peerName} online={online} onDrop={send} />
    </div>
  );
}
