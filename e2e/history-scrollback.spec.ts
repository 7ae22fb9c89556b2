/**
 * Scrolling back through a long kept conversation in Chromium, with the built app: 10,000 lines on
 * disk, read back page by page as the reader goes up, only a window of them in the page.
 *
 * At every step the line that was on top of the pane stays there — the same element, within 1 px —
 * once the page has settled (not only in the commit that drew the earlier lines: lines drawn near
 * the screen get their real height a frame later). The first line is reached, and every line was in
 * the page once, in order.
 */
import { conversation, expect, openAdaAndBob, test } from './support/fixtures';
import { NEWEST_LINE, adaWithKeptConversation, scrollBackToFirstLine } from './support/history';

const MESSAGES = 10_000;

test('10,000 kept lines: back to the first, the line on top staying exactly there at every step', async ({
  browser,
  signaling,
}) => {
  test.setTimeout(150_000);
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  await adaWithKeptConversation(ada, bob, MESSAGES);

  const { steps, seen, inPage } = await scrollBackToFirstLine(ada.page, 'message 0');

  const moved = steps
    .map((step, index) => ({ ...step, index }))
    .filter((step) => !step.sameElement || !(step.drift <= 1))
    .map(
      (step) =>
        `step ${step.index + 1} (${step.how}): ${step.before} moved ${step.drift.toFixed(1)} px` +
        (step.sameElement ? '' : ', not the same element'),
    );
  expect(moved, `${moved.length} of ${steps.length} steps moved the reader's line`).toEqual([]);
  expect(steps.some((step) => step.how === 'button')).toBe(true);
  expect(seen).toEqual([...Array.from({ length: MESSAGES }, (_, index) => `message ${index}`), NEWEST_LINE]);
  await expect(
    conversation(ada, bob).getByText('This is the beginning of your conversation with Bob desktop.'),
  ).toBeVisible();
  // Windowed all the way: the page never holds the whole conversation.
  expect(inPage).toBeLessThan(200);
  test.info().annotations.push({ type: 'steps', description: `${steps.length} steps back` });
});
