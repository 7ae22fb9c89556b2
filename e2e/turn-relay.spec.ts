/**
 * TURN with credentials issued by the signaling service, against a real coturn on 127.0.0.1: two
 * browser peers forced to relay-only ICE pair and chat through the relay, and getStats shows a
 * relay candidate pair; wrong or expired credentials are refused by coturn (401).
 */
import { startSignalingService, type RunningSignalingService } from '../signaling/src/service';
import { turnRestCredential } from '../signaling/src/ice-servers';
import { coturnMissing, startCoturn, type RunningCoturn } from './support/coturn';
import { selectedPairTypes } from './support/selected-pair';
import { conversation, expect, outgoingLine, pair, sendChat, test, WEB_CLIENT_DIR } from './support/fixtures';
import { gatherRelayCandidates, openRelayOnlyPeer } from './support/relay-only';

const SECRET = 'ferry-e2e-turn-shared-secret';

const skipReason = coturnMissing();
test.skip(skipReason !== undefined, skipReason);

let coturn: RunningCoturn;
let service: RunningSignalingService;

test.beforeAll(async () => {
  coturn = await startCoturn(SECRET);
  service = await startSignalingService({
    host: '127.0.0.1',
    port: 0,
    staticDir: WEB_CLIENT_DIR,
    turn: {
      urls: [`turn:127.0.0.1:${coturn.port}?transport=udp`, `turn:127.0.0.1:${coturn.port}?transport=tcp`],
      secret: SECRET,
      ttlSeconds: 600,
    },
  });
});

test.afterAll(async () => {
  await service?.close();
  await coturn?.stop();
});

test('two relay-only browsers pair and chat through TURN with credentials issued by the service', async ({
  browser,
}) => {
  const ada = await openRelayOnlyPeer(browser, service.url, 'Ada laptop');
  const bob = await openRelayOnlyPeer(browser, service.url, 'Bob desktop');

  await pair(ada, bob);
  await sendChat(ada, bob, 'through the relay');
  await expect(conversation(bob, ada).getByText('through the relay')).toBeVisible();
  await expect(
    outgoingLine(ada, bob, 'through the relay').getByRole('img', { name: 'Delivered' }),
  ).toBeVisible();

  for (const peer of [ada, bob]) {
    const pairs = await selectedPairTypes(peer.page);
    expect(pairs.length).toBeGreaterThan(0);
    for (const selected of pairs) expect(selected).toMatchObject({ local: 'relay', remote: 'relay' });
  }
});

test('coturn refuses wrong and expired credentials (401), and the browser gets no relay candidate', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(service.url);
  const url = `turn:127.0.0.1:${coturn.port}?transport=udp`;
  const now = Math.floor(Date.now() / 1000);
  const good = turnRestCredential(SECRET, now + 600, 'good');
  const wrong = turnRestCredential('not-the-secret-at-all', now + 600, 'wrong');
  const expired = turnRestCredential(SECRET, now - 60, 'expired');

  const gather = (username: string, credential: string) =>
    gatherRelayCandidates(page, { url, username, credential });

  const accepted = await gather(good.username, good.credential);
  expect(accepted.types.length).toBeGreaterThan(0);
  expect(accepted.types.every((type) => type === 'relay')).toBe(true);
  expect(accepted.errors).toEqual([]);
  const refusedWrong = await gather(wrong.username, wrong.credential);
  expect(refusedWrong.types).toEqual([]);
  expect(refusedWrong.errors).toContain(401);
  const refusedExpired = await gather(expired.username, expired.credential);
  expect(refusedExpired.types).toEqual([]);
  expect(refusedExpired.errors).toContain(401);
  expect(coturn.log()).toMatch(/401/);
  await context.close();
});
