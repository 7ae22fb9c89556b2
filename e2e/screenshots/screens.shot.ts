/**
 * Photographs every main screen at a laptop size and a phone size (and the conversation in dark
 * mode too) into docs/screenshots/, overwriting what is there: the first-run name step, pairing, a
 * shown code, a conversation with messages and transfer cards (a received folder of photos with
 * thumbnails among them), a ringing call, a running call, Settings.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { expect, openAdaAndBob, pair, sendChat, test, type Peer } from '../support/fixtures';

const OUT_DIR = resolve(import.meta.dirname, '../../docs/screenshots');

const SIZES = [
  { label: '1280', viewport: { width: 1280, height: 800 } },
  { label: '420', viewport: { width: 420, height: 800 } },
] as const;

/** A small PNG: a diagonal blend between two colours, for a photo's thumbnail on a card. */
function gradientPng(width: number, height: number, from: number[], to: number[]): Buffer {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) {
      const mix = (x / width + y / height) / 2;
      for (let c = 0; c < 3; c++) rows.push(Math.round((from[c] ?? 0) * (1 - mix) + (to[c] ?? 0) * mix));
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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
      if (colorScheme === 'light') {
        // The first-run step, in a browser that has no name yet.
        const fresh = await browser.newContext({ viewport, colorScheme, locale: 'en-US' });
        const page = await fresh.newPage();
        await page.goto(signaling.url);
        await expect(page.getByRole('heading', { level: 1, name: 'Name this device' })).toBeVisible();
        await shoot(page, `first-run-${label}`);
        await fresh.close();
      }
      const { ada, bob } = await openAdaAndBob(browser, signaling.url, { viewport, colorScheme });

      await expect(ada.page.getByRole('heading', { level: 1, name: 'Pair a device' })).toBeVisible();
      if (colorScheme === 'light') await shoot(ada.page, `pairing-${suffix}`);

      await ada.page.getByRole('button', { name: 'Show my code' }).click();
      await expect(ada.page.getByLabel('Your code')).toHaveText(/^[A-Z2-9]+-[A-Z2-9]+$/);
      if (colorScheme === 'light') await shoot(ada.page, `code-${suffix}`);
      await ada.page.getByRole('button', { name: 'Cancel' }).click();

      await pair(ada, bob);
      await sendChat(bob, ada, 'Here are the photos from Saturday 📷');
      // A folder of photos: one card, with thumbnails, Save all and a download per file.
      const photos = await mkdtemp(join(tmpdir(), 'ferry-shots-'));
      await mkdir(join(photos, 'Saturday'));
      await writeFile(
        join(photos, 'Saturday', 'lake.png'),
        gradientPng(160, 120, [40, 110, 190], [150, 210, 230]),
      );
      await writeFile(
        join(photos, 'Saturday', 'sunset.png'),
        gradientPng(160, 120, [250, 150, 60], [120, 40, 110]),
      );
      await bob.page
        .getByLabel(`Folder to send to ${ada.name}`, { exact: true })
        .setInputFiles(join(photos, 'Saturday'));
      await ada.page.getByRole('article').last().getByRole('button', { name: 'Accept' }).click();
      await expect(ada.page.locator('img.thumbnail')).toHaveCount(2);
      await rm(photos, { recursive: true, force: true });
      await sendChat(ada, bob, 'Thanks! The trip notes are on https://example.org/trip');
      await sendChat(bob, ada, 'Sending the notes too.');
      const files = bob.page.getByLabel(`Files to send to ${ada.name}`, { exact: true });
      await files.setInputFiles([
        { name: 'trip-notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Day 1: the lake.\n') },
      ]);
      await expect(ada.page.getByRole('article')).toHaveCount(2);
      await ada.page.getByRole('article').last().getByRole('button', { name: 'Accept' }).click();
      await files.setInputFiles([
        { name: 'budget.csv', mimeType: 'text/csv', buffer: Buffer.from('item,cost\nfuel,40\n') },
      ]);
      await expect(ada.page.getByRole('article')).toHaveCount(3);
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
