/**
 * Device identity (engine/identity): one Ed25519 key and one DTLS certificate per browser
 * profile, kept across reloads, used for every connection the device makes; the device id is the
 * one its key derives to.
 */
import { expect, openAdaAndBob, pair, test } from './support/fixtures';
import { deviceIdOf, storedIdentity } from './support/identity';
import { connectionCount, recordPeerConnections } from './transfer-support';

test('each device keeps one identity across reloads, and every connection it makes (control and bulk) uses its certificate', async ({
  browser,
  signaling,
}) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  const adaId = await deviceIdOf(ada.page);
  const adaCertificate = (await storedIdentity(ada.page))?.fingerprint;
  expect(adaCertificate).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  // Reloads Ada's page: the identity is read back, not made again.
  await recordPeerConnections(ada);
  expect(await deviceIdOf(ada.page)).toBe(adaId);
  expect((await storedIdentity(ada.page))?.fingerprint).toBe(adaCertificate);
  expect(await deviceIdOf(bob.page)).not.toBe(adaId);

  await pair(ada, bob);
  // The control connection, then the bulk connection set up after pairing.
  await expect.poll(() => connectionCount(ada.page)).toBe(2);
  const stated = await ada.page.evaluate(() =>
    (window as unknown as { __ferryTestConnections: RTCPeerConnection[] }).__ferryTestConnections.map(
      (pc) =>
        /^a=fingerprint:sha-256 (\S+)/im.exec(pc.localDescription?.sdp ?? '')?.[1]?.toUpperCase() ?? null,
    ),
  );
  expect(stated).toEqual([adaCertificate, adaCertificate]);
  // The bulk connection passed the check against the control connection's fingerprints (a
  // refused one is closed, and files would go over the control connection instead).
  await expect
    .poll(() =>
      ada.page.evaluate(() =>
        (window as unknown as { __ferryTestConnections: RTCPeerConnection[] }).__ferryTestConnections.map(
          (pc) => pc.connectionState,
        ),
      ),
    )
    .toEqual(['connected', 'connected']);
});
