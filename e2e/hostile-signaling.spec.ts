/**
 * Two browsers pairing through a hostile signaling service: a proxy in front of the real one that
 * serves the same web client but puts its own DTLS fingerprint into every SDP it relays, as a
 * service that wants to sit in the middle of the connection must. Both people must be told the
 * connection may be intercepted, and neither may end up connected. (The full machine in the middle,
 * with WebRTC peers of its own, runs 20 times in the Node tier: renderer/src/engine/hostile-signaling.test.ts.)
 */
import {
  rewriteFingerprints,
  startHostileSignaling,
  type RunningHostileSignaling,
} from '../signaling/src/testing/hostile-signaling';
import { enterCode, expect, openAdaAndBob, showMyCode, test } from './support/fixtures';

const ATTACKER_FINGERPRINT = `sha-256 ${Array.from({ length: 32 }, () => 'EE').join(':')}`;
const INTERCEPTED = 'This connection may be intercepted; pair again on a network you trust';

let hostile: RunningHostileSignaling | null = null;

test.afterEach(async () => {
  await hostile?.close();
  hostile = null;
});

for (const run of [1, 2]) {
  test(`a service that rewrites DTLS fingerprints is caught on both devices (run ${run})`, async ({
    browser,
    signaling,
  }) => {
    const relayed: string[] = [];
    hostile = await startHostileSignaling(signaling.url, {
      relay: (_from, data) => {
        relayed.push(JSON.stringify(data));
        if (typeof data === 'object' && data !== null && 'sdp' in data && typeof data.sdp === 'string') {
          return { ...data, sdp: rewriteFingerprints(data.sdp, ATTACKER_FINGERPRINT) };
        }
        return data;
      },
    });
    const { ada, bob } = await openAdaAndBob(browser, hostile.url);
    const code = await showMyCode(ada);
    await enterCode(bob, code);
    await expect(ada.page.getByRole('alert')).toContainText(INTERCEPTED);
    await expect(bob.page.getByRole('alert')).toContainText(INTERCEPTED);
    // Neither device connected: no conversation opened on either side.
    await expect(ada.page.getByRole('heading', { level: 1, name: bob.name })).toHaveCount(0);
    await expect(bob.page.getByRole('heading', { level: 1, name: ada.name })).toHaveCount(0);
    // The service saw the PAKE go by, but never the secret half of the code.
    const secret = code.split('-')[1] ?? '';
    expect(relayed.some((line) => line.includes('pake:share'))).toBe(true);
    expect(relayed.join('\n')).not.toContain(`"${secret}"`);
  });
}
