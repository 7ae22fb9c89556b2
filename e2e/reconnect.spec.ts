/**
 * Connections survive network outages: the path between two browser peers is cut (every UDP
 * packet dropped by nftables inside the test's own loopback-only namespace, so the signaling
 * service's TCP stays up, as a home network's uplink going away would not) for 30 s, then restored.
 */
import { execFileSync } from 'node:child_process';
import { conversation, expect, openAdaAndBob, outgoingLine, pair, sendChat, test } from './support/fixtures';

const TABLE = 'ferry_outage';

function cutUdp(): void {
  execFileSync('nft', ['add', 'table', 'inet', TABLE]);
  execFileSync('nft', ['add', 'chain', 'inet', TABLE, 'out', '{ type filter hook output priority 0 ; }']);
  execFileSync('nft', ['add', 'rule', 'inet', TABLE, 'out', 'meta', 'l4proto', 'udp', 'drop']);
}

function restoreUdp(): void {
  execFileSync('nft', ['delete', 'table', 'inet', TABLE], { stdio: 'ignore' });
}

function hasNft(): boolean {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Only where the suite runs in its private namespace as root (CI): never cut the host's network. */
const canCut = process.getuid?.() === 0 && process.env['FERRY_LOOPBACK_NETNS'] === '1' && hasNft();

test.describe('a connection across a network outage', () => {
  test.skip(!canCut, 'needs root inside the loopback-only namespace (scripts/in-loopback-netns.sh)');
  test.afterEach(() => {
    try {
      restoreUdp();
    } catch {
      // Already restored.
    }
  });

  test('comes back without a new code, and messages sent meanwhile arrive once, in order', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(240_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);
    cutUdp();
    await expect(bob.page.getByTestId('presence')).toHaveText('Reconnecting…', { timeout: 30_000 });
    for (const text of ['one', 'two', 'three']) await sendChat(ada, bob, `during the outage: ${text}`);
    await ada.page.waitForTimeout(30_000);
    restoreUdp();
    await expect(bob.page.getByTestId('presence')).toHaveText('Online', { timeout: 30_000 });
    await expect(ada.page.getByTestId('presence')).toHaveText('Online');
    const lines = conversation(bob, ada).getByRole('listitem').filter({ hasText: 'during the outage' });
    await expect(lines).toHaveText([
      /during the outage: one/,
      /during the outage: two/,
      /during the outage: three/,
    ]);
    await expect(
      outgoingLine(ada, bob, 'during the outage: three').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await sendChat(bob, ada, 'back again');
    await expect(conversation(ada, bob).getByText('back again')).toHaveCount(1);
  });
});
