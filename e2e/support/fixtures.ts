/**
 * Fixtures for end-to-end tests: a real signaling service on an ephemeral loopback port serving the
 * built web client, and helpers that act as a person would — by role and label.
 */
import { resolve } from 'node:path';
import {
  test as base,
  expect,
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  type Page,
} from '@playwright/test';
import { startSignalingService, type RunningSignalingService } from '../../signaling/src/service';

/**
 * The built web client; FERRY_WEB_CLIENT_DIR points at a copy instead, so that a long run (the
 * benchmarks) is not changed under it by a rebuild of out/ in the same checkout.
 */
export const WEB_CLIENT_DIR =
  process.env['FERRY_WEB_CLIENT_DIR'] ?? resolve(import.meta.dirname, '../../out/renderer');

export interface Peer {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
}

/** The first-run step of a new browser, answered as a person would: the name, then Continue. */
export async function nameThisDevice(page: Page, name: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Name this device' })).toBeVisible();
  await page.getByLabel('Device name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByText(`This device: ${name}`)).toBeVisible();
}

/**
 * A browser peer: its own context (own storage, own device id), named in the first-run step.
 * `options` adds to the context's (a color scheme, say).
 */
export async function openPeer(
  browser: Browser,
  url: string,
  name: string,
  options: BrowserContextOptions = {},
): Promise<Peer> {
  const context = await browser.newContext({ permissions: ['microphone'], locale: 'en-US', ...options });
  const page = await context.newPage();
  await page.goto(url);
  await nameThisDevice(page, name);
  return { name, context, page };
}

/** The two people of most tests: Ada's laptop and Bob's desktop, each a browser peer. */
export async function openAdaAndBob(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<{ ada: Peer; bob: Peer }> {
  const ada = await openPeer(browser, url, 'Ada laptop', options);
  const bob = await openPeer(browser, url, 'Bob desktop', options);
  return { ada, bob };
}

/** "Show my code" and read it off the screen, as the person would read it out. */
export async function showMyCode(peer: Peer): Promise<string> {
  await peer.page.getByRole('button', { name: 'Show my code' }).click();
  const code = peer.page.getByLabel('Your code');
  // The secret is four symbols (contracts/pairing-code.ts): what every pairing here reads out.
  await expect(code).toHaveText(/^[A-Z2-9]{1,6}-[A-Z2-9]{4}$/);
  return (await code.textContent()) ?? '';
}

export async function enterCode(peer: Peer, code: string): Promise<void> {
  await peer.page.getByLabel('Pairing code').fill(code);
  await peer.page.getByRole('button', { name: 'Connect' }).click();
}

export async function expectConnected(peer: Peer, other: Peer): Promise<void> {
  await expect(peer.page.getByTestId('announcer')).toHaveText(`Connected to ${other.name}`);
  await expect(peer.page.getByRole('heading', { level: 1, name: other.name })).toBeVisible();
  await expect(peer.page.getByTestId('presence')).toHaveText('Online');
}

/** Pairs two peers through the UI: `opener` shows a code, `joiner` types it. */
export async function pair(opener: Peer, joiner: Peer): Promise<void> {
  const code = await showMyCode(opener);
  // People type codes loosely: lower case, a space instead of the dash.
  await enterCode(joiner, code.toLowerCase().replace('-', ' '));
  await expectConnected(opener, joiner);
  await expectConnected(joiner, opener);
}

export async function sendChat(from: Peer, to: Peer, text: string): Promise<void> {
  const box = from.page.getByRole('textbox', { name: `Message to ${to.name}` });
  await box.fill(text);
  await from.page.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(box).toHaveValue('');
}

export function conversation(peer: Peer, other: Peer) {
  return peer.page.getByRole('log', { name: `Conversation with ${other.name}` });
}

/** The outgoing line with this text, and its delivery tick. */
export function outgoingLine(peer: Peer, other: Peer, text: string) {
  return conversation(peer, other).getByRole('listitem').filter({ hasText: text });
}

interface Fixtures {
  signaling: RunningSignalingService;
  closesItsContexts: void;
}

export const test = base.extend<Fixtures>({
  // Peers are contexts of the worker's shared browser, which Playwright does not close at the end
  // of a test: left open, every earlier test's pages kept running (reconnecting to services long
  // gone, holding workers and peer connections), and each test ran slower than the one before.
  closesItsContexts: [
    async ({ browser }, use) => {
      const before = new Set(browser.contexts());
      await use();
      const opened = browser.contexts().filter((context) => !before.has(context));
      await Promise.all(opened.map((context) => context.close().catch(() => undefined)));
    },
    { auto: true },
  ],
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument.
  signaling: async ({}, use) => {
    const service = await startSignalingService({
      host: '127.0.0.1',
      port: 0,
      staticDir: WEB_CLIENT_DIR,
      iceServers: [],
    });
    await use(service);
    await service.close();
  },
});

export { expect };
