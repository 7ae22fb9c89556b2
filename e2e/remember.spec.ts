/**
 * Pair once: remembered devices come back by themselves after a reload or a restart of the
 * signaling service, lines written to a closed device wait and go out once, in order, and a
 * forgotten device stays out until it is paired again with a new code.
 */
import type { Page } from '@playwright/test';
import { startSignalingService } from '../signaling/src/service';
import {
  WEB_CLIENT_DIR,
  conversation,
  expect,
  openAdaAndBob,
  outgoingLine,
  pair,
  sendChat,
  test,
  type Peer,
} from './support/fixtures';

/** Opens the conversation with `other` from the sidebar once it is online again (no code typed). */
async function expectReconnected(peer: Peer, other: Peer): Promise<void> {
  const entry = peer.page.getByRole('button', { name: new RegExp(`^${other.name}, online`) });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
  await expect(peer.page.getByRole('heading', { level: 1, name: other.name })).toBeVisible();
  await expect(peer.page.getByTestId('presence')).toHaveText('Online');
}

async function loaded(page: Page, name: string): Promise<void> {
  await expect(page.getByText(`This device: ${name}`)).toBeVisible();
}

test.describe('remembered devices', () => {
  test('reconnect with no code after both pages reload and after the signaling service restarts', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(180_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);
    await sendChat(ada, bob, 'Said before the reload');
    await expect(
      outgoingLine(ada, bob, 'Said before the reload').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await sendChat(bob, ada, 'Answered before the reload');
    await expect(conversation(ada, bob).getByText('Answered before the reload')).toBeVisible();

    for (const peer of [ada, bob]) {
      await peer.page.reload();
      await loaded(peer.page, peer.name);
    }
    // Listed at once from what was kept, before any connection.
    await expect(ada.page.getByRole('button', { name: /^Bob desktop, / })).toBeVisible();
    await expectReconnected(ada, bob);
    await expectReconnected(bob, ada);
    // The history is there on both sides, in order, the tick kept.
    for (const [peer, other] of [
      [ada, bob],
      [bob, ada],
    ] as const)
      await expect(
        conversation(peer, other)
          .getByRole('listitem')
          .filter({ hasText: /before the reload/ }),
      ).toHaveText([/Said before the reload/, /Answered before the reload/]);
    await expect(
      outgoingLine(ada, bob, 'Said before the reload').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await sendChat(ada, bob, 'Back without a code');
    await expect(conversation(bob, ada).getByText('Back without a code')).toBeVisible();
    await expect(
      outgoingLine(ada, bob, 'Back without a code').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();

    // The service goes away while both are open: the connected pair is not disturbed.
    const port = signaling.port;
    await signaling.close();
    await sendChat(ada, bob, 'With the service gone');
    await expect(conversation(bob, ada).getByText('With the service gone')).toBeVisible();
    await expect(ada.page.getByTestId('presence')).toHaveText('Online');
    // It comes back on the same address; Bob reloads after it is back, so the two can only meet
    // through presence on the restarted service.
    const restarted = await startSignalingService({
      host: '127.0.0.1',
      port,
      staticDir: WEB_CLIENT_DIR,
      iceServers: [],
    });
    try {
      await bob.page.reload();
      await loaded(bob.page, bob.name);
      await expectReconnected(bob, ada);
      await expect(ada.page.getByTestId('presence')).toHaveText('Online');
      await sendChat(bob, ada, 'Still here after the restart');
      await expect(conversation(ada, bob).getByText('Still here after the restart')).toBeVisible();
    } finally {
      await restarted.close();
    }
  });

  test('lines written while the other page is closed arrive once, in order; a forgotten device stays out', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(180_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);

    await bob.page.close();
    await expect(ada.page.getByTestId('presence')).toHaveText(/^Offline/);
    await expect(ada.page.getByRole('button', { name: /^Bob desktop, offline, last seen / })).toBeVisible();
    const lines = ['First while you were away', 'Second while you were away', 'Third while you were away'];
    for (const text of lines) await sendChat(ada, bob, text);
    for (const text of lines)
      await expect(
        outgoingLine(ada, bob, text).getByRole('img', { name: 'Waiting for the device to come online' }),
      ).toBeVisible();

    const page = await bob.context.newPage();
    await page.goto(signaling.url);
    const bobAgain: Peer = { ...bob, page };
    await loaded(page, bob.name);
    await expectReconnected(bobAgain, ada);
    const received = conversation(bobAgain, ada)
      .getByRole('listitem')
      .filter({ hasText: 'while you were away' });
    await expect(received).toHaveText(lines.map((text) => new RegExp(text)));
    for (const text of lines)
      await expect(outgoingLine(ada, bob, text).getByRole('img', { name: 'Delivered' })).toBeVisible();
    // Exactly once each, even after a further round trip.
    await sendChat(bobAgain, ada, 'Got all three');
    await expect(conversation(ada, bob).getByText('Got all three')).toBeVisible();
    await expect(received).toHaveCount(3);

    // Ada forgets Bob (after a confirmation): Bob is disconnected and cannot come back by itself.
    await ada.page.getByRole('button', { name: 'Forget Bob desktop' }).click();
    const dialog = ada.page.getByRole('alertdialog', { name: 'Forget Bob desktop?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Forget' }).click();
    await expect(ada.page.getByRole('button', { name: /^Bob desktop, / })).toHaveCount(0);
    await expect(bobAgain.page.getByTestId('presence')).toHaveText(/^Offline/);
    await bobAgain.page.reload();
    await loaded(bobAgain.page, bob.name);
    await bobAgain.page.getByRole('button', { name: /^Ada laptop, offline/ }).click();
    // Bob keeps looking, but Ada no longer meets it: still offline well past a reconnection's time.
    await bobAgain.page.waitForTimeout(5_000);
    await expect(bobAgain.page.getByTestId('presence')).toHaveText(/^Offline/);
    await expect(ada.page.getByRole('button', { name: /^Bob desktop, / })).toHaveCount(0);

    // A new code brings them together again.
    await bobAgain.page.getByRole('button', { name: 'Pair a device' }).click();
    await pair(ada, bobAgain);
  });
});
