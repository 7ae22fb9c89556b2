import { useCallback, useState } from 'react';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { MessageKey } from '../../i18n/i18n';
import { useHost } from '../../ui/ferry-context';
import { useTransferManager } from './transfer-context';

/** Sends what was picked or dropped to one device, and keeps why it could not, if it could not. */
export function useSendFiles(deviceId: string) {
  const manager = useTransferManager();
  const host = useHost();
  const [problem, setProblem] = useState<MessageKey | null>(null);

  const send = useCallback(
    async (prepare: (host: ReturnType<typeof useHost>) => Promise<OutgoingFiles>) => {
      let source: OutgoingFiles;
      try {
        source = await prepare(host);
      } catch {
        setProblem('transfer.notSent.unreadable');
        return;
      }
      const result = manager.sendFiles(deviceId, source);
      if (result.outcome === 'offered') {
        setProblem(null);
      } else {
        source.close?.();
        setProblem(`transfer.notSent.${result.outcome}`);
      }
    },
    [deviceId, host, manager],
  );

  return { send, problem };
}
