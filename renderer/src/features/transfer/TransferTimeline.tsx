import { Fragment, useMemo, type ReactNode } from 'react';
import type { TransferView } from '../../engine/transfer/transfer-types';
import { transfersOf } from '../../state/transfer-slice';
import { useFerry } from '../../ui/ferry-context';
import { TransferCard } from './TransferCard';

/** A device's transfers, oldest first; re-computed only when transfers change. */
export function useDeviceTransfers(deviceId: string): TransferView[] {
  const transfers = useFerry((state) => state.transfers);
  return useMemo(() => transfersOf(transfers, deviceId), [transfers, deviceId]);
}

/**
 * Merges chat lines and transfer cards into one timeline by time, as a chat app shows them.
 * `renderLine` draws a chat line; transfer cards are list items of their own. `before`, when
 * given, may put something ahead of each item (a date separator where the day changes).
 */
export function withTransfers<T extends { readonly id: string; readonly sentAt: number }>(
  lines: readonly T[],
  transfers: readonly TransferView[],
  peerName: string,
  renderLine: (line: T) => ReactNode,
  before: (time: number) => ReactNode = () => null,
): ReactNode[] {
  const out: ReactNode[] = [];
  let next = 0;
  const card = (view: TransferView) => (
    <Fragment key={view.key}>
      {before(view.createdAt)}
      <li className={`transfer-item ${view.direction}`}>
        <TransferCard view={view} peerName={peerName} />
      </li>
    </Fragment>
  );
  for (const line of lines) {
    while (next < transfers.length && (transfers[next]?.createdAt ?? 0) <= line.sentAt) {
      const view = transfers[next++];
      if (view) out.push(card(view));
    }
    out.push(
      <Fragment key={line.id}>
        {before(line.sentAt)}
        {renderLine(line)}
      </Fragment>,
    );
  }
  for (; next < transfers.length; next++) {
    const view = transfers[next];
    if (view) out.push(card(view));
  }
  return out;
}
