/**
 * Pairing across home routers (the NAT lab, e2e/support/nat-lab.ts): the service and coturn in an
 * emulated internet, each browser behind a router with one of RFC 4787's NAT behaviours. Which path
 * ICE took is read from getStats on each page; every case also chats, so the path carries data.
 * Needs root (network namespaces, nftables): CI runs as root; elsewhere it skips.
 */
import {
  conversation,
  enterCode,
  expect,
  outgoingLine,
  pair,
  sendChat,
  showMyCode,
  test,
  type Peer,
} from './support/fixtures';
import { natLabUnavailableReason } from './support/nat-lab';
import { withNatLab } from './support/nat-lab-peers';
import { selectedPairTypes, type SelectedPair } from './support/selected-pair';

/** What each side reads when no path exists and the service offers no relay (en, pair.fail.no-path). */
const NO_PATH = 'No network path to the other device: your networks block a direct connection.';
/** What a side must never read instead (pair.fail.peer-left, pair.fail.peer-closed-app). */
const PEER_LEFT = /stopped answering before pairing finished|closed Ferry before pairing finished/;

const skipReason = natLabUnavailableReason();
test.skip(skipReason !== undefined, `the NAT lab ${skipReason}`);

async function chatsBothWays(ada: Peer, bob: Peer): Promise<void> {
  await sendChat(ada, bob, 'Hello from home A');
  await expect(conversation(bob, ada).getByText('Hello from home A')).toBeVisible();
  await sendChat(bob, ada, 'Hello from home B');
  await expect(conversation(ada, bob).getByText('Hello from home B')).toBeVisible();
}

/** The selected candidate pair of every connected peer connection on each side. */
async function selectedPairs(peers: readonly Peer[]): Promise<SelectedPair[]> {
  const all: SelectedPair[] = [];
  for (const peer of peers) {
    const pairs = await selectedPairTypes(peer.page);
    expect(pairs.length, `${peer.name} has a connected peer connection`).toBeGreaterThan(0);
    all.push(...pairs);
  }
  return all;
}

test.describe('pairing across home routers', () => {
  test.describe.configure({ timeout: 120_000 });

  test('port-restricted cone ↔ port-restricted cone connects directly (srflx ↔ srflx)', async () => {
    await withNatLab(
      { routers: ['port-restricted-cone', 'port-restricted-cone'] },
      async (_lab, ada, bob) => {
        await pair(ada, bob);
        await chatsBothWays(ada, bob);
        for (const selected of await selectedPairs([ada, bob])) {
          expect(selected).toMatchObject({ local: 'srflx', remote: 'srflx' });
        }
      },
    );
  });

  test('symmetric ↔ symmetric connects through the relay, with TURN credentials the service issues', async () => {
    await withNatLab({ routers: ['symmetric', 'symmetric'] }, async (_lab, ada, bob) => {
      await pair(ada, bob);
      await chatsBothWays(ada, bob);
      // Through the relay: one side's relay candidate, reached by the other either from its own
      // relay or straight from its router (a TURN permission is per address, so a symmetric NAT's
      // new port for the relay is let in: that side sees a peer-reflexive local candidate).
      for (const selected of await selectedPairs([ada, bob])) {
        expect([selected.local, selected.remote]).toContain('relay');
      }
    });
  });

  test('symmetric ↔ symmetric without TURN: both sides are told there is no network path', async () => {
    await withNatLab(
      { routers: ['symmetric', 'symmetric'], iceServers: 'stun-only' },
      async (_lab, ada, bob) => {
        const code = await showMyCode(ada);
        await enterCode(bob, code);
        // Never "the other device left": the side that fails first says why before leaving.
        for (const peer of [ada, bob]) {
          await expect(peer.page.getByRole('alert')).toContainText(NO_PATH, {
            timeout: 60_000,
          });
        }
        for (const peer of [ada, bob]) {
          await expect(peer.page.getByRole('alert')).not.toContainText(PEER_LEFT);
        }
      },
    );
  });

  test('a router that changes its public address: reconnected without a new code, chat sent meanwhile arrives once, in order', async () => {
    test.setTimeout(180_000);
    await withNatLab({ routers: ['port-restricted-cone', 'port-restricted-cone'] }, async (lab, ada, bob) => {
      await pair(ada, bob);
      await chatsBothWays(ada, bob);
      const [homeA] = lab.homes;
      const before = homeA.publicAddress();
      homeA.renumber();
      expect(homeA.publicAddress()).not.toBe(before);
      for (const text of ['one', 'two', 'three']) await sendChat(ada, bob, `during the change: ${text}`);
      const lines = conversation(bob, ada).getByRole('listitem').filter({ hasText: 'during the change' });
      await expect(lines).toHaveText(
        [/during the change: one/, /during the change: two/, /during the change: three/],
        { timeout: 90_000 },
      );
      await expect(
        outgoingLine(ada, bob, 'during the change: three').getByRole('img', { name: 'Delivered' }),
      ).toBeVisible();
      await expect(ada.page.getByTestId('presence')).toHaveText('Online', { timeout: 60_000 });
      await expect(bob.page.getByTestId('presence')).toHaveText('Online', { timeout: 60_000 });
      // The connection is on a new path: Ada's side of it is no longer the old public address (it
      // is the new one, or her relay's when the restarted ICE settled there first).
      const adaPairs = await selectedPairTypes(ada.page);
      expect(adaPairs.length).toBeGreaterThan(0);
      expect(adaPairs.map((selected) => selected.localAddress)).not.toContain(before);
      await sendChat(bob, ada, 'after the change');
      await expect(conversation(ada, bob).getByText('after the change')).toHaveCount(1);
    });
  });
});
