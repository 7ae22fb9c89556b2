import { useId, useRef, useState, type ChangeEvent } from 'react';
import type { RepickOutcome } from '../../engine/transfer/transfer-manager';
import type { TransferView } from '../../engine/transfer/transfer-types';
import { useHost, useT } from '../../ui/ferry-context';
import { outgoingFiles, pickedFromInput } from './pick-files';
import { useTransferManager } from './transfer-context';

/**
 * On an outgoing card after a restart of this side: the files of a transfer that was under way
 * cannot be read any more (a browser's File objects end with the page), so the person picks them
 * again; the same files go on from what the receiver kept. A file that is missing from the pick is
 * named (pick again); one that changed ends the transfer, which the card then says.
 */
export function RepickFiles({ view, peerName }: { view: TransferView; peerName: string }) {
  const t = useT();
  const host = useHost();
  const manager = useTransferManager();
  const input = useRef<HTMLInputElement>(null);
  const problemId = useId();
  const [problem, setProblem] = useState<Extract<RepickOutcome, { path: string }> | null>(null);
  // A folder is picked as a folder again: its files' paths start with its name.
  const folder = view.files.some((file) => file.path.includes('/'));

  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const element = event.currentTarget;
    const files = Array.from(element.files ?? []);
    element.value = '';
    if (files.length === 0) return;
    void outgoingFiles(host, folder ? [] : files, async () => pickedFromInput(files)).then((source) => {
      const outcome = manager.repick(view.key, source);
      setProblem(outcome.outcome === 'missing' || outcome.outcome === 'changed' ? outcome : null);
    });
  };

  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        aria-label={t('transfer.repickLabel', { name: peerName })}
        onChange={picked}
        {...(folder ? { webkitdirectory: '' } : {})}
      />
      <button
        type="button"
        className="primary"
        aria-describedby={problem ? problemId : undefined}
        onClick={() => input.current?.click()}
      >
        {t(folder ? 'transfer.repickFolder' : 'transfer.repick')}
      </button>
      {problem && (
        <p id={problemId} role="alert" className="error">
          {t(problem.outcome === 'missing' ? 'transfer.repick.missing' : 'transfer.repick.changed', {
            path: problem.path,
          })}
        </p>
      )}
    </>
  );
}
