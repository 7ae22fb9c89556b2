import { useCallback, useState } from 'react';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { MessageKey } from '../../i18n/i18n';
import { useHost } from '../../ui/ferry-context';
import { offer } from './offer';
import { useTransferManager } from './transfer-context';

/** Sends what was picked or dropped to one device, and keeps why it could not, if it could not. */
export function useSendFiles(deviceId: string) {
  const manager = useTransferManager();
  const host = useHost();
  const [problem, setProblem] = useState<MessageKey | null>(null);

  const send = useCallback(
    async (prepare: (host: ReturnType<typeof useHost>) => Promise<OutgoingFiles>) => {
      const outcome = await offer(manager, deviceId, () => prepare(host));
      setProblem(outcome === 'offered' ? null : `transfer.notSent.${outcome}`);
    },
    [deviceId, host, manager],
  );

  return { send, problem };
}
