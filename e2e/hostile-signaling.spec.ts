/**
 * Two browsers pairing through a hostile signaling service: a proxy in front of the real one that
 * serves the same web client and (a) puts its own DTLS fingerprint into every SDP it relays, as a
 * service that wants to sit in the middle of the connection must, or (b) sits fully in the middle,
 * answering each browser with a WebRTC peer of its own (Node WebRTC in the test process) and
 * bridging the two. Both people must be told the connection may be intercepted, neither may end up
 * connected, and nothing either types reaches the middle. (Both attacks also run 20 times each in
 * the Node tier: renderer/src/engine/hostile-signaling.test.ts.)
 */
import {
  rewriteFingerprints,
  startHostileSignaling,
  type RunningHostileSignaling,
} from '../signaling/src/testing/hostile-signaling';
import { enterCode, expect, openAdaAndBob, showMyCode, test, type Peer } from './support/fixtures';
import { webRtcMiddle, type WebRtcMiddle } from './support/webrtc-middle';

const ATTACKER_FINGERPRINT = `sha-256 ${Array.from({ length: 32 }, () => 'EE').join(':')}`;
const INTERCEPTED = 'This connection may be intercepted; pair again on a network you trust';

let hostile: RunningHostileSignaling | null = null;
let middle: WebRtcMiddle | null = null;

test.afterEach(async () => {
  middle?.close();
  middle = null;
  await hostile?.close();
  hostile = null;
});

/** No conversation opened: no heading for the other device, no box to type a line to it into. */
async function expectNoConversation(peer: Peer, other: Peer): Promise<void> {
  await expect(peer.page.getByRole('heading', { level: 1, name: other.name })).toHaveCount(0);
  await expect(peer.page.getByRole('textbox', { name: `Message to ${other.name}` })).toHaveCount(0);
}

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

for (const run of [1, 2]) {
  test(`a service that runs its own WebRTC peers towards both devices is caught on both (run ${run})`, async ({
    browser,
    signaling,
  }) => {
    middle = webRtcMiddle();
    hostile = await startHostileSignaling(signaling.url, middle.hooks);
    const { ada, bob } = await openAdaAndBob(browser, hostile.url);
    const code = await showMyCode(ada);
    await enterCode(bob, code);
    await expect(ada.page.getByRole('alert')).toContainText(INTERCEPTED);
    await expect(bob.page.getByRole('alert')).toContainText(INTERCEPTED);
    await expectNoConversation(ada, bob);
    await expectNoConversation(bob, ada);
    // The attack really ran: the middle answered the opener and offered the joiner descriptions
    // naming its own certificates…
    expect(middle.record.sentDescriptions.opener).toBeGreaterThan(0);
    expect(middle.record.sentDescriptions.joiner).toBeGreaterThan(0);
    // …and no byte of either device's data channel (hello, chat) ever reached it.
    expect(middle.record.heard).toEqual([]);
    test.info().annotations.push({
      type: 'middle connection states',
      description: JSON.stringify(middle.record.states),
    });
  });
}
