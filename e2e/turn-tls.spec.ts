/**
 * TURN over TLS, the fallback for networks that let only TLS out (Ferry's service lists a `turns:`
 * URL on 443 for that): a real coturn with a TLS listener on 127.0.0.1, a service that hands out
 * only that `turns:` URL with its short-lived credentials, and two relay-only Chromium peers.
 *
 * Chromium checks a TURN server's certificate as it checks a web server's: the test's certificate
 * is self-signed, so the browsers that use it run with `--ignore-certificate-errors`, and the last
 * test shows that a browser without it refuses the relay (a deployment needs a certificate from a
 * public CA, docs/deploy.md).
 */
import { chromium, type Browser } from '@playwright/test';
import { startSignalingService, type RunningSignalingService } from '../signaling/src/service';
import { turnRestCredential } from '../signaling/src/ice-servers';
import { chromiumArgs, systemChromium } from './support/chromium';
import {
  coturnMissing,
  opensslMissing,
  selfSignedCertificate,
  startCoturn,
  type RunningCoturn,
} from './support/coturn';
import { conversation, expect, outgoingLine, pair, sendChat, test, WEB_CLIENT_DIR } from './support/fixtures';
import { gatherRelayCandidates, openRelayOnlyPeer } from './support/relay-only';
import { selectedPairTypes } from './support/selected-pair';

const SECRET = 'ferry-e2e-turn-tls-shared-secret';

const skipReason = coturnMissing() ?? opensslMissing();
test.skip(skipReason !== undefined, skipReason);

let coturn: RunningCoturn;
let service: RunningSignalingService;
let turnsUrl: string;
/** A Chromium that accepts the test's self-signed certificate (for the relay's TLS). */
let trusting: Browser;

test.beforeAll(async () => {
  coturn = await startCoturn(SECRET, await selfSignedCertificate());
  turnsUrl = `turns:127.0.0.1:${String(coturn.tlsPort)}?transport=tcp`;
  service = await startSignalingService({
    host: '127.0.0.1',
    port: 0,
    staticDir: WEB_CLIENT_DIR,
    turn: { urls: [turnsUrl], secret: SECRET, ttlSeconds: 600 },
  });
  const executablePath = systemChromium();
  trusting = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: [...chromiumArgs, '--ignore-certificate-errors'],
  });
});

test.afterAll(async () => {
  await trusting?.close();
  await service?.close();
  await coturn?.stop();
});

test('two relay-only browsers pair and chat through TURN over TLS, with the only relay the service lists', async () => {
  const ada = await openRelayOnlyPeer(trusting, service.url, 'Ada laptop');
  const bob = await openRelayOnlyPeer(trusting, service.url, 'Bob desktop');
  try {
    await pair(ada, bob);
    await sendChat(ada, bob, 'through TLS to the relay');
    await expect(conversation(bob, ada).getByText('through TLS to the relay')).toBeVisible();
    await expect(
      outgoingLine(ada, bob, 'through TLS to the relay').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    for (const peer of [ada, bob]) {
      const pairs = await selectedPairTypes(peer.page);
      expect(pairs.length).toBeGreaterThan(0);
      for (const selected of pairs) {
        expect(selected).toMatchObject({ local: 'relay', remote: 'relay', relayProtocol: 'tls' });
      }
    }
  } finally {
    await ada.context.close();
    await bob.context.close();
  }
});

test('a browser that does not trust the relay’s certificate gets no relay candidate from it', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(service.url);
  const { username, credential } = turnRestCredential(SECRET, Math.floor(Date.now() / 1000) + 600, 'probe');
  const gathered = await gatherRelayCandidates(page, { url: turnsUrl, username, credential });
  expect(gathered.types).toEqual([]);
  // 701: the relay could not be reached (its TLS handshake was refused by the browser).
  expect(gathered.errors).toContain(701);
  await context.close();
});
