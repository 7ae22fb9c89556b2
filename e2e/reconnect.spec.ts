/**
 * Connections survive network outages: the path between two browser peers is cut (every UDP
 * packet dropped by nftables inside the test's own loopback-only namespace, so the signaling
 * service's TCP stays up, as a home network's uplink going away would not) for 30 s, then restored.
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  conversation,
  expect,
  openAdaAndBob,
  outgoingLine,
  pair,
  sendChat,
  test,
  type Peer,
} from './support/fixtures';
import {
  RECEIVED,
  SENT,
  accept,
  opfsDigests,
  sendFiles,
  sha256OfFile,
  status,
  tempDir,
  transferCard,
  writePatternFile,
} from './transfer-support';

const MiB = 1024 * 1024;
const OUTAGE_MS = 30_000;

/** Bytes the receiver's overall progress bar shows for its newest incoming transfer. */
async function progressOf(bob: Peer): Promise<number> {
  const bar = transferCard(bob.page, 'in', 'Ada laptop')
    .last()
    .getByRole('progressbar', { name: 'Overall progress' });
  return Number(await bar.getAttribute('value'));
}

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
    await ada.page.waitForTimeout(OUTAGE_MS);
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

  test('a 64 MiB transfer running across the outage completes with a matching SHA-256, and chat sent meanwhile arrives once, in order', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(300_000);
    const folder = await tempDir('ferry-e2e-outage-');
    try {
      const { ada, bob } = await openAdaAndBob(browser, signaling.url);
      await pair(ada, bob);
      const file = join(folder, 'holiday.mov');
      const size = 64 * MiB + 17;
      await writePatternFile(file, size, 64);
      await sendFiles(ada, [file]);
      await accept(bob);
      // Cut early and at once (polled every 50 ms): on a fast machine 64 MiB takes only seconds.
      await expect
        .poll(() => progressOf(bob), { intervals: [50], timeout: 60_000 })
        .toBeGreaterThanOrEqual(2 * MiB);

      cutUdp();
      await expect(bob.page.getByTestId('presence')).toHaveText('Reconnecting…', { timeout: 30_000 });
      // The outage must catch the file half-way, or this test would prove nothing about it.
      const receivedAtCut = await progressOf(bob);
      expect(receivedAtCut).toBeLessThan(size);
      await expect(status(bob, 'in', 'Ada laptop')).not.toHaveText(RECEIVED);
      for (const text of ['one', 'two', 'three']) await sendChat(ada, bob, `while cut: ${text}`);
      await ada.page.waitForTimeout(OUTAGE_MS);
      const restoredAt = Date.now();
      restoreUdp();
      await expect(bob.page.getByTestId('presence')).toHaveText('Online', { timeout: 30_000 });
      await expect(ada.page.getByTestId('presence')).toHaveText('Online');
      // The figure the issue asks for (back within 5 s of the network): reported, not asserted,
      // since a timed assertion flakes on a shared machine.
      const figure = `${Date.now() - restoredAt} ms (${(receivedAtCut / MiB).toFixed(1)} MiB of 64 had arrived at the cut)`;
      test.info().annotations.push({ type: 'online again after the network returned', description: figure });

      await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 180_000 });
      await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
      expect(await opfsDigests(bob, ['holiday.mov'])).toEqual({ 'holiday.mov': await sha256OfFile(file) });
      await expect(conversation(bob, ada).getByRole('listitem').filter({ hasText: 'while cut' })).toHaveText([
        /while cut: one/,
        /while cut: two/,
        /while cut: three/,
      ]);
      await expect(
        outgoingLine(ada, bob, 'while cut: three').getByRole('img', { name: 'Delivered' }),
      ).toBeVisible();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
