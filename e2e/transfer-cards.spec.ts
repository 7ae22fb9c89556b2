/**
 * Transfer cards as a person reads them, in the browser client (OPFS): a received folder is one
 * card with its name and per-file downloads, and "Save all" downloads one zip whose entries match
 * what was sent byte for byte; a received image shows a thumbnail, a file that only calls itself
 * an image does not; each outcome has its own badge, found by role and label. One pairing for all
 * of it: the checks take seconds, pairing takes most of the time.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { expect, openAdaAndBob, pair, test } from './support/fixtures';
import { sha256OfFile, tempDir, transferCard, writePatternFile } from './transfer-support';

/** A 2×2 PNG (red, green, blue, white), made by hand: a real image for the thumbnail. */
const PNG_2X2 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC',
  'base64',
);
/** Active content wearing an image's name. */
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.__svgRan=1"/>';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Serious or critical axe findings in the transfer cards on a page, one line each. */
async function cardFindings(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('.transfer-card').analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

let base: string;

test.beforeEach(async () => {
  base = await tempDir('ferry-e2e-cards-');
});

test.afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** The newest card with `other`: its state is its accessible description (the badge's word). */
const newestCard = (page: Page, direction: 'in' | 'out', other: string) =>
  transferCard(page, direction, other).last();

test('a received folder: one card, per-file downloads, and “Save all” gives a zip whose entries match the originals; declined and cancelled have badges of their own', async ({
  browser,
  signaling,
}) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await pair(ada, bob);

  const root = join(base, 'Holiday');
  const sent: Record<string, string> = {};
  const put = async (path: string, bytes: Uint8Array | null, size = 0, seed = 0) => {
    await fs.mkdir(join(root, path, '..'), { recursive: true });
    if (bytes) await fs.writeFile(join(root, path), bytes);
    else await writePatternFile(join(root, path), size, seed);
    sent[`Holiday/${path}`] = await sha256OfFile(join(root, path));
  };
  await put('photo.png', PNG_2X2);
  await put('not-a-photo.png', Buffer.from(SVG));
  await put('notes/day1.txt', null, 70_003, 3);
  await put('notes/empty.bin', Buffer.alloc(0));
  await ada.page.getByLabel('Folder to send to Bob desktop').setInputFiles(root);

  const offer = transferCard(bob.page, 'in', 'Ada laptop').last();
  // An offer: a question, no bar yet.
  await expect(offer.getByRole('button', { name: 'Accept' })).toBeVisible();
  await expect(offer.getByRole('progressbar')).toHaveCount(0);
  await expect(newestCard(bob.page, 'in', 'Ada laptop')).toHaveAccessibleDescription('Waiting');
  await offer.getByRole('button', { name: 'Accept' }).click();

  await expect(newestCard(bob.page, 'in', 'Ada laptop')).toHaveAccessibleDescription('Received');
  await expect(newestCard(ada.page, 'out', 'Bob desktop')).toHaveAccessibleDescription('Sent');
  const card = transferCard(bob.page, 'in', 'Ada laptop').last();
  await expect(card.getByText('Holiday', { exact: true })).toBeVisible();
  await expect(card.getByText(/^Folder · 4 files, /)).toBeVisible();
  await expect(card.getByRole('progressbar')).toHaveCount(0);

  // The real image gets a thumbnail (a PNG the worker drew); the SVG called .png does not, and never ran.
  const thumbnails = card.locator('img.thumbnail');
  await expect(thumbnails).toHaveCount(1);
  await expect(thumbnails).toHaveAttribute('src', /^data:image\/png;base64,/);
  expect(await bob.page.evaluate(() => (window as { __svgRan?: number }).__svgRan)).toBeUndefined();

  // One file on its own.
  const [single] = await Promise.all([
    bob.page.waitForEvent('download'),
    card.getByRole('button', { name: 'Download day1.txt' }).click(),
  ]);
  expect(single.suggestedFilename()).toBe('day1.txt');
  expect(await sha256OfFile(await single.path())).toBe(sent['Holiday/notes/day1.txt']);

  // Everything, as one zip.
  const [zip] = await Promise.all([
    bob.page.waitForEvent('download'),
    card.getByRole('button', { name: 'Save all as zip' }).click(),
  ]);
  expect(zip.suggestedFilename()).toBe('Holiday.zip');
  const entries = unzipSync(new Uint8Array(await fs.readFile(await zip.path())));
  expect(Object.fromEntries(Object.entries(entries).map(([path, bytes]) => [path, sha256(bytes)]))).toEqual(
    sent,
  );

  // Each outcome has its own badge, on both sides: declined, then cancelled while still an offer.
  const file = join(base, 'slides.pptx');
  await writePatternFile(file, 1000, 5);
  const files = ada.page.getByLabel('Files to send to Bob desktop');

  await files.setInputFiles([file]);
  await transferCard(bob.page, 'in', 'Ada laptop').last().getByRole('button', { name: 'Decline' }).click();
  await expect(newestCard(bob.page, 'in', 'Ada laptop')).toHaveAccessibleDescription('Declined');
  await expect(newestCard(ada.page, 'out', 'Bob desktop')).toHaveAccessibleDescription('Declined');

  await files.setInputFiles([file]);
  await expect(newestCard(ada.page, 'out', 'Bob desktop')).toHaveAccessibleDescription('Waiting');
  await transferCard(ada.page, 'out', 'Bob desktop')
    .last()
    .getByRole('button', { name: 'Cancel transfer' })
    .click();
  await expect(newestCard(ada.page, 'out', 'Bob desktop')).toHaveAccessibleDescription('Cancelled');
  await expect(newestCard(bob.page, 'in', 'Ada laptop')).toHaveAccessibleDescription('Cancelled');
  await expect(transferCard(bob.page, 'in', 'Ada laptop').last().getByRole('progressbar')).toHaveCount(0);

  // Every state shown here (received folder, sent, declined, cancelled), light and dark: axe-clean.
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const peer of [ada, bob]) {
      await peer.page.emulateMedia({ colorScheme });
      expect(await cardFindings(peer.page), `${peer.name}, ${colorScheme}`).toEqual([]);
    }
  }
});
