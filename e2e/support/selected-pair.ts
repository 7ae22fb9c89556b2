/**
 * Which path a page's connected peer connections took: the candidate types (host, srflx, prflx,
 * relay) of each transport's selected candidate pair, from getStats. Reads the connections that
 * `recordPeerConnections` (e2e/transfer-support.ts) keeps in the page.
 */
import type { Page } from '@playwright/test';

export interface SelectedPair {
  readonly local: string;
  readonly remote: string;
  /** This side's address on the pair (a remote's is hidden by the browser when peer-reflexive). */
  readonly localAddress: string;
  /** For a local relay candidate, how this side reaches the relay: 'udp', 'tcp' or 'tls'. */
  readonly relayProtocol?: string;
}

export function selectedPairTypes(page: Page): Promise<SelectedPair[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __ferryTestConnections: RTCPeerConnection[] })
      .__ferryTestConnections;
    const found: { local: string; remote: string; localAddress: string; relayProtocol?: string }[] = [];
    for (const connection of connections) {
      if (connection.connectionState !== 'connected') continue;
      const stats = await connection.getStats();
      const reports = [...stats.values()] as Record<string, unknown>[];
      for (const transport of reports.filter((report) => report['type'] === 'transport')) {
        const chosen = stats.get(String(transport['selectedCandidatePairId']));
        if (chosen === undefined) continue;
        const local = stats.get(String(chosen.localCandidateId));
        const remote = stats.get(String(chosen.remoteCandidateId));
        found.push({
          local: String(local?.candidateType),
          remote: String(remote?.candidateType),
          localAddress: String(local?.address),
          ...(local?.relayProtocol === undefined ? {} : { relayProtocol: String(local.relayProtocol) }),
        });
      }
    }
    return found;
  });
}
