/**
 * Photographs every main screen at a laptop size and a phone size (and the conversation in dark
 * mode too) into docs/screenshots/, overwriting what is there: pairing, a shown code, a conversation
 * with messages and transfer cards, a ringing call, a running call, Settings.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, openAdaAndBob, pair, sendChat, test, type Peer } from '../support/fixtures';

const OUT_DIR = resolve(import.meta.dirname, '../../docs/screenshots');

const SIZES = [
  { label: '1280', viewport: { width: 1280, height: 800 } },
  { label: '420', viewport: { width: 420, height: 800 } },
] as const;

async function shoot(page: Page, name: string): Promise<void> {
  // Caret blinks and transitions would make every run's pictures differ for no reason.
  await page.screenshot({ path: resolve(OUT_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** On a narrow screen the device list and the conversation take turns: open the conversation. */
async function openConversation(peer: Peer, other: Peer): Promise<void> {
  const heading = peer.page.getByRole('heading', { level: 1, name: other.name });
  if (await heading.isVisible()) return;
  await peer.page
    .getByRole('button', { name: new RegExp(other.name) })
    .first()
    .click();
  await expect(heading).toBeVisible();
}

for (const { label, viewport } of SIZES) {
  for (const colorScheme of label === '1280' ? (['light', 'dark'] as const) : (['light'] as const)) {
    const suffix = colorScheme === 'dark' ? `${label}-dark` : label;
    test(`screens at ${label} px, ${colorScheme}`, async ({ browser, signaling }) => {
      await mkdir(OUT_DIR, { recursive: true });
      const { ada, bob } = await openAdaAndBob(browser, signaling.url, { viewport, colorScheme });

      await expect(ada.page.getByRole('heading', { level: 1, name: 'Pair a device' })).toBeVisible();
      if (colorScheme === 'light') await shoot(ada.page, `pairing-${suffix}`);

      await ada.page.getByRole('button', { name: 'Show my code' }).click();
      await expect(ada.page.getByLabel('Your code')).toHaveText(/^[A-Z2-9]+-[A-Z2-9]+$/);
      if (colorScheme === 'light') await shoot(ada.page, `code-${suffix}`);
      await ada.page.getByRole('button', { name: 'Cancel' }).click();

      await pair(ada, bob);
      await sendChat(ada, bob, 'Here are the photos from Saturday 📷');
      await sendChat(bob, ada, 'Thanks! The trip notes are on https://example.org/trip');
      await sendChat(ada, bob, 'Sending the notes too.');
      const files = bob.page.getByLabel(`Files to send to ${ada.name}`, { exact: true });
      await files.setInputFiles([
        { name: 'trip-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Day 1: the lake.\n') },
      ]);
      const offer = ada.page.getByRole('article').first();
      await offer.getByRole('button', { name: 'Accept' }).click();
      await files.setInputFiles([
        { name: 'budget.csv', mimeType: 'text/csv', buffer: Buffer.from('item,cost\nfuel,40\n') },
      ]);
      await expect(ada.page.getByRole('article')).toHaveCount(2);
      await openConversation(ada, bob);
      await shoot(ada.page, `conversation-${suffix}`);
      if (colorScheme === 'dark') return;

      await openConversation(bob, ada);
      await ada.page.getByRole('button', { name: `Call ${bob.name}`, exact: true }).click();
      const ring = bob.page.getByRole('alertdialog');
      await expect(ring).toBeVisible();
      await shoot(bob.page, `incoming-call-${suffix}`);
      await ring.getByRole('button', { name: 'Accept' }).click();
      await expect(bob.page.getByRole('button', { name: 'Hang up' })).toBeVisible();
      await shoot(bob.page, `call-${suffix}`);
      await bob.page.getByRole('button', { name: 'Hang up' }).click();

      await ada.page.getByRole('button', { name: 'Settings' }).click();
      await expect(ada.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
      await shoot(ada.page, `settings-${suffix}`);
    });
  }
}
