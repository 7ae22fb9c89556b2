/**
 * TURN with credentials issued by the signaling service, against a real coturn on 127.0.0.1: two
 * browser peers forced to relay-only ICE pair and chat through the relay, and getStats shows a
 * relay candidate pair; wrong or expired credentials are refused by coturn (401).
 */
import type { BrowserContext } from '@playwright/test';
import { startSignalingService, type RunningSignalingService } from '../signaling/src/service';
import { turnRestCredential } from '../signaling/src/ice-servers';
import { coturnMissing, startCoturn, type RunningCoturn } from './support/coturn';
import { selectedPairTypes } from './support/selected-pair';
import {
  conversation,
  expect,
  openPeer,
  outgoingLine,
  pair,
  sendChat,
  test,
  WEB_CLIENT_DIR,
  type Peer,
} from './support/fixtures';

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

/** Every RTCPeerConnection the page makes is relay-only, and kept for getStats (support/selected-pair.ts). */
async function forceRelay(context: BrowserContext): Promise<void> {
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

async function openRelayOnlyPeer(browser: Parameters<typeof openPeer>[0], name: string): Promise<Peer> {
  const peer = await openPeer(browser, service.url, name);
  await forceRelay(peer.context);
  await peer.page.reload();
  await expect(peer.page.getByText(`This device: ${name}`)).toBeVisible();
  return peer;
}

test('two relay-only browsers pair and chat through TURN with credentials issued by the service', async ({
  browser,
}) => {
  const ada = await openRelayOnlyPeer(browser, 'Ada laptop');
  const bob = await openRelayOnlyPeer(browser, 'Bob desktop');

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
    page.evaluate(
      async ({ url, username, credential }) => {
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
      },
      { url, username, credential },
    );

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
