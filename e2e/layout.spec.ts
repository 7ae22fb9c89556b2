/**
 * The app as a window, not a page: fixed header and composer around a scrolling history, a
 * reader's place kept, links that leave the app, the tab title, Escape, and a narrow window.
 */
import type { Page } from '@playwright/test';
import { conversation, expect, openAdaAndBob, pair, sendChat, test, type Peer } from './support/fixtures';

/**
 * Sends `count` messages from the composer as a person would press Enter, but without a round
 * trip to Playwright for each (200 of those take minutes on a loaded machine).
 */
async function sendMany(from: Peer, to: Peer, prefix: string, count: number): Promise<void> {
  const box = from.page.getByRole('textbox', { name: `Message to ${to.name}` });
  await box.evaluate(
    async (element, { prefix, count }) => {
      const textarea = element as HTMLTextAreaElement;
      const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      for (let i = 1; i <= count; i++) {
        setValue?.call(textarea, `${prefix} ${i}`);
        textarea.dispatchEvent(new Event('input', { bubbles: true }));
        textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        // Let React render between messages, as between key presses.
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
    { prefix, count },
  );
}

/** Whether the whole element lies inside the viewport. */
async function fullyInView(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
  });
}

test('header and composer stay on screen after 200 messages; a reader who scrolled up keeps their place', async ({
  browser,
  signaling,
}) => {
  // Two hundred messages through two real peers take a while on a loaded machine.
  test.setTimeout(300_000);
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await pair(ada, bob);

  await sendMany(bob, ada, 'line', 200);
  const history = conversation(ada, bob);
  await expect(history.getByText('line 200', { exact: true })).toBeVisible();
  // The page itself never scrolls; the header, Call and the composer are all in view.
  expect(await ada.page.evaluate(() => document.scrollingElement?.scrollTop)).toBe(0);
  expect(await fullyInView(ada.page, '.conversation-header')).toBe(true);
  expect(await fullyInView(ada.page, '.composer')).toBe(true);
  await expect(ada.page.getByRole('button', { name: `Call ${bob.name}` })).toBeInViewport();
  await expect(ada.page.getByRole('textbox', { name: `Message to ${bob.name}` })).toBeInViewport();
  await expect(ada.page.getByRole('heading', { level: 1, name: bob.name })).toBeInViewport();

  // Ada scrolls up to read line 150 (in the window of lines the page holds); Bob writes again.
  await history.getByText('line 150', { exact: true }).scrollIntoViewIfNeeded();
  await history.evaluate((element) => element.scrollBy(0, -100));
  const reading = history.getByText('line 150', { exact: true });
  await expect(reading).toBeInViewport();
  const before = await reading.boundingBox();
  await sendChat(bob, ada, 'are you still there?');
  const newMessages = ada.page.getByRole('button', { name: 'New messages' });
  await expect(newMessages).toBeVisible();
  // Her place did not move.
  expect((await reading.boundingBox())?.y).toBe(before?.y);
  await expect(history.getByText('are you still there?')).not.toBeInViewport();

  await newMessages.click();
  await expect(history.getByText('are you still there?')).toBeInViewport();
  await expect(newMessages).toHaveCount(0);

  // At the end, the history follows new lines by itself.
  await sendChat(bob, ada, 'good');
  await expect(history.getByText('good', { exact: true })).toBeInViewport();
  await expect(newMessages).toHaveCount(0);
});

test('a link in chat is an anchor that opens outside the app, never in its window', async ({
  browser,
  signaling,
}) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await pair(ada, bob);
  const target = `${signaling.url}/healthz`;
  await sendChat(bob, ada, `status page: ${target}.`);

  const link = conversation(ada, bob).getByRole('link', { name: target });
  await expect(link).toHaveAttribute('href', target);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /noopener/);
  const appUrl = ada.page.url();
  const [opened] = await Promise.all([ada.context.waitForEvent('page'), link.click()]);
  await opened.waitForLoadState();
  expect(opened.url()).toBe(target);
  // The app stays where it was, with its conversation.
  expect(ada.page.url()).toBe(appUrl);
  await expect(conversation(ada, bob)).toBeVisible();
  // Text that only looks like a scheme stays text.
  await sendChat(bob, ada, 'javascript:alert(1)');
  await expect(conversation(ada, bob).getByText('javascript:alert(1)')).toBeVisible();
  await expect(conversation(ada, bob).getByRole('link')).toHaveCount(1);
});

test('the tab title counts unread messages, and Escape closes Settings', async ({ browser, signaling }) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await pair(ada, bob);
  await expect(ada.page).toHaveTitle('Ferry');

  // Ada looks at something else; Bob writes twice.
  await ada.page.getByRole('button', { name: 'Pair a device' }).click();
  await sendChat(bob, ada, 'one');
  await sendChat(bob, ada, 'two');
  await expect(ada.page).toHaveTitle('(2) Ferry');
  await ada.page.getByRole('button', { name: `${bob.name}, online, 2 unread` }).click();
  await expect(ada.page).toHaveTitle('Ferry');

  await ada.page.getByRole('button', { name: 'Settings' }).click();
  await expect(ada.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await ada.page.keyboard.press('Escape');
  await expect(ada.page.getByRole('heading', { level: 1, name: 'Settings' })).toHaveCount(0);
  await expect(ada.page.getByRole('heading', { level: 1, name: bob.name })).toBeVisible();
});

test('at 420 px the device list and the conversation take turns, and the name never wraps', async ({
  browser,
  signaling,
}) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await bob.page.setViewportSize({ width: 420, height: 800 });
  await pair(ada, bob);
  // Bob sees the conversation alone, with a way back to the list.
  const nav = bob.page.getByRole('navigation', { name: 'Devices' });
  await expect(nav).toBeHidden();
  const heading = bob.page.getByRole('heading', { level: 1, name: ada.name });
  const lineHeight = await heading.evaluate((element) => parseFloat(getComputedStyle(element).lineHeight));
  expect((await heading.boundingBox())?.height).toBeLessThanOrEqual(lineHeight + 1);
  await expect(bob.page.getByRole('textbox', { name: `Message to ${ada.name}` })).toBeInViewport();

  await bob.page.getByRole('button', { name: 'Back to the device list' }).click();
  await expect(nav).toBeVisible();
  await expect(heading).toBeHidden();
  await nav.getByRole('button', { name: `${ada.name}, online` }).click();
  await expect(heading).toBeVisible();
  await expect(nav).toBeHidden();
  // Nothing sticks out sideways at 360 px either.
  await bob.page.setViewportSize({ width: 360, height: 700 });
  expect(await bob.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
});
