/**
 * Browser peers that may reach each other only through a TURN relay, as on a network that lets
 * nothing but the relay through: every RTCPeerConnection the page makes is relay-only, and kept for
 * getStats (support/selected-pair.ts).
 */
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { expect, openPeer, type Peer } from './fixtures';

export async function forceRelay(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { __ferryTestConnections: RTCPeerConnection[] }).__ferryTestConnections = made;
    class RelayOnly extends Native {
      constructor(configuration?: RTCConfiguration) {
        super({ ...configuration, iceTransportPolicy: 'relay' });
        made.push(this);
      }
    }
    window.RTCPeerConnection = RelayOnly;
  });
}

/** A peer named `name` on the web client of `serviceUrl`, relay-only from its first connection. */
export async function openRelayOnlyPeer(browser: Browser, serviceUrl: string, name: string): Promise<Peer> {
  const peer = await openPeer(browser, serviceUrl, name);
  await forceRelay(peer.context);
  await peer.page.reload();
  await expect(peer.page.getByText(`This device: ${name}`)).toBeVisible();
  return peer;
}

/**
 * What one relay-only RTCPeerConnection in `page` gathers from the TURN server at `url` with these
 * credentials: the types of its candidates and the error codes of `icecandidateerror` (401 for
 * refused credentials, 701 when the relay could not be reached or its certificate was refused).
 */
export function gatherRelayCandidates(
  page: Page,
  server: { url: string; username: string; credential: string },
): Promise<{ types: string[]; errors: number[] }> {
  return page.evaluate(async ({ url, username, credential }) => {
    const connection = new RTCPeerConnection({
      iceServers: [{ urls: url, username, credential }],
      iceTransportPolicy: 'relay',
    });
    const types: string[] = [];
    const errors: number[] = [];
    connection.addEventListener('icecandidateerror', (event) => errors.push(event.errorCode));
    const done = new Promise<void>((resolve) => {
      connection.addEventListener('icegatheringstatechange', () => {
        if (connection.iceGatheringState === 'complete') resolve();
      });
      setTimeout(resolve, 15_000);
    });
    connection.addEventListener('icecandidate', (event) => {
      if (event.candidate !== null) types.push(event.candidate.type ?? 'unknown');
    });
    connection.createDataChannel('probe');
    await connection.setLocalDescription(await connection.createOffer());
    await done;
    connection.close();
    return { types, errors };
  }, server);
}
