/**
 * Ada at home A and Bob at home B of a NAT lab (e2e/support/nat-lab.ts): each a Chromium on their
 * home computer with Ferry open from the lab's service, first run done, peer connections recorded
 * for getStats. The lab is closed after `story`, whatever happens.
 */
import { test } from '@playwright/test';
import { recordPeerConnections } from '../transfer-support';
import { openPeer, type Peer } from './fixtures';
import { createNatLab, type NatLab, type NatLabOptions } from './nat-lab';

export async function withNatLab(
  options: NatLabOptions,
  story: (lab: NatLab, ada: Peer, bob: Peer) => Promise<void>,
): Promise<void> {
  const lab = await createNatLab(options);
  try {
    const [homeA, homeB] = lab.homes;
    const [browserA, browserB] = await Promise.all([homeA.launchChromium(), homeB.launchChromium()]);
    const ada = await openPeer(browserA, lab.serviceUrl, 'Ada laptop');
    const bob = await openPeer(browserB, lab.serviceUrl, 'Bob desktop');
    await recordPeerConnections(ada);
    await recordPeerConnections(bob);
    await story(lab, ada, bob);
  } finally {
    try {
      await test.info().attach('nat-lab-output.txt', { body: lab.output(), contentType: 'text/plain' });
    } catch {
      // The run was stopped (Ctrl-C): nothing to attach to any more; the lab still goes.
    }
    await lab.close();
  }
}
