/**
 * History kept: a conversation survives a reload of the page, and Delete conversation removes it
 * for good.
 *
 * After a reload the two remembered devices find each other again by themselves (no code); the
 * conversation on screen is the one read back from disk.
 */
import { conversation, expect, openAdaAndBob, outgoingLine, pair, sendChat, test } from './support/fixtures';
import { reconnectAfterReload } from './support/history';

test.describe('history kept', () => {
  test('a reloaded page shows its conversation again, with ticks, and Delete conversation removes it for good', async ({
    browser,
    signaling,
  }) => {
    // A pairing and two reloads, each followed by a reconnection: slow on a busy machine.
    test.setTimeout(180_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);
    await sendChat(ada, bob, 'Kept across a reload');
    await expect(
      outgoingLine(ada, bob, 'Kept across a reload').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await sendChat(bob, ada, '我也记得');
    await expect(conversation(ada, bob).getByText('我也记得')).toBeVisible();

    await ada.page.reload();
    await reconnectAfterReload(ada, bob);
    const log = conversation(ada, bob);
    await expect(log.getByText('Kept across a reload')).toHaveCount(1);
    await expect(log.getByText('我也记得')).toHaveCount(1);
    await expect(
      outgoingLine(ada, bob, 'Kept across a reload').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await expect(log.getByText('This is the beginning of your conversation with Bob desktop.')).toBeVisible();
    // Lines from before the reload come first, new ones after.
    await sendChat(ada, bob, 'After the reload');
    await expect(
      log.getByRole('listitem').filter({ hasText: /Kept across|我也记得|After the reload/ }),
    ).toHaveText([/Kept across a reload/, /我也记得/, /After the reload/]);

    // Delete: asked first; Cancel keeps it.
    await ada.page.getByRole('button', { name: 'Delete the conversation with Bob desktop' }).click();
    const dialog = ada.page.getByRole('alertdialog', { name: 'Delete this conversation?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(log.getByText('Kept across a reload')).toBeVisible();
    await ada.page.getByRole('button', { name: 'Delete the conversation with Bob desktop' }).click();
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(log.getByText('Kept across a reload')).toHaveCount(0);
    await expect(log.getByText('No messages yet. Say hello!')).toBeVisible();

    // Gone from disk too: after another reload nothing comes back.
    await ada.page.reload();
    await reconnectAfterReload(ada, bob);
    await expect(conversation(ada, bob).getByText('No messages yet. Say hello!')).toBeVisible();
    await expect(conversation(ada, bob).getByText('After the reload')).toHaveCount(0);
    // Bob's copy is Bob's.
    await expect(conversation(bob, ada).getByText('Kept across a reload')).toBeVisible();
  });
});
