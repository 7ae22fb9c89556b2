/**
 * `npm run bench:history`: how fast a long kept conversation opens and scrolls back, in Chromium
 * with the built app. Ada and Bob pair; 10,000 older messages from Bob are written into Ada's
 * history database through the app's own history store; Ada's page reloads and the two find each
 * other again by themselves. Then, on Ada's page:
 *
 *   - hydrate: reading the newest page of the conversation from IndexedDB into the store, as the
 *     app does at start (the app's own user-timing measure "ferry history: first page");
 *   - first render: from a click on Bob in the sidebar to the conversation on screen with its
 *     newest line, painted (median of several opens);
 *   - each step back: from scrolling to the top to the earlier lines drawn above (from memory, or
 *     an older page of 200 from disk), until the first message;
 *   - reopen: the same click → painted, once all 10,001 lines are in memory (the conversation is
 *     windowed: only the lines near the reader are in the page, however many are in memory).
 *
 * Figures are printed, never asserted. Target: open (hydrate + first render) under 200 ms.
 */
import { chromium, test } from '@playwright/test';
import { startSignalingService } from '../../signaling/src/service';
import { chromiumArgs, systemChromium } from '../support/chromium';
import { WEB_CLIENT_DIR, conversation, openAdaAndBob, expect } from '../support/fixtures';
import { adaWithKeptConversation } from '../support/history';

const MESSAGES = Number(process.env['FERRY_BENCH_MESSAGES'] ?? 10_000);
const OPENS = 7;
/** The target for opening a 10,000-message conversation. */
const TARGET_MS = 200;
const WINDOW_NOTE = '120 items, steps of 60';

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

test('history: open a 10,000-message conversation and scroll back through it', async () => {
  const executablePath = systemChromium();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: chromiumArgs,
  });
  const signaling = await startSignalingService({
    host: '127.0.0.1',
    port: 0,
    staticDir: WEB_CLIENT_DIR,
    iceServers: [],
  });
  try {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await adaWithKeptConversation(ada, bob, MESSAGES);

    const hydrate = await ada.page.evaluate(
      () =>
        performance.getEntriesByName('ferry history: first page').map((entry) => entry.duration)[0] ?? NaN,
    );

    const opens = async () => {
      const renders: number[] = [];
      for (let open = 0; open < OPENS; open++) {
        await ada.page.getByRole('button', { name: 'Pair a device' }).click();
        await expect(conversation(ada, bob)).toHaveCount(0);
        renders.push(
          await ada.page.evaluate(async () => {
            const device = [...document.querySelectorAll('nav button')].find((button) =>
              button.textContent?.includes('Bob desktop'),
            );
            if (!(device instanceof HTMLElement)) throw new Error('Bob is not in the sidebar');
            const start = performance.now();
            device.click();
            for (;;) {
              // After the next paint.
              await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
              if (document.querySelector('[role="log"]')?.textContent?.includes('The newest line')) break;
            }
            return performance.now() - start;
          }),
        );
      }
      return renders;
    };
    const renders = await opens();

    const pages = await ada.page.evaluate(async () => {
      const log = document.querySelector('[role="log"]');
      if (!(log instanceof HTMLElement)) throw new Error('no conversation');
      const first = () => log.querySelector('li.message')?.textContent ?? '';
      const times: number[] = [];
      while (!log.textContent?.includes('This is the beginning of your conversation')) {
        const before = first();
        const start = performance.now();
        log.scrollTop = 0;
        for (;;) {
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          if (first() !== before) break;
          if (performance.now() - start > 60_000) throw new Error('no older page came');
        }
        times.push(performance.now() - start);
      }
      return { times, lines: log.querySelectorAll('li.message').length };
    });
    const reopens = await opens();

    const render = median(renders);
    process.stdout.write(
      [
        `bench:history — ${MESSAGES.toLocaleString('en')} kept messages, Chromium (${browser.version()}), first page 50, older pages 200, window ${WINDOW_NOTE}`,
        `  hydrate (newest page from IndexedDB into the store, at start): ${ms(hydrate)}`,
        `  first render (click → conversation painted), median of ${OPENS}: ${ms(render)}  [min ${ms(Math.min(...renders))}, max ${ms(Math.max(...renders))}]`,
        `  open = hydrate + first render: ${ms(hydrate + render)}  = ${((hydrate + render) / TARGET_MS).toFixed(2)} × the ${TARGET_MS} ms target (${hydrate + render < TARGET_MS ? 'under' : 'OVER'})`,
        `  steps back to the first message: ${pages.times.length}, lines in the page at the end: ${pages.lines} (of ${(MESSAGES + 1).toLocaleString('en')} in memory)`,
        `  per step back: median ${ms(median(pages.times))}, p95 ${ms(percentile(pages.times, 95))}, max ${ms(Math.max(...pages.times))}`,
        `  reopen with all ${(MESSAGES + 1).toLocaleString('en')} lines in memory (click → painted), median of ${OPENS}: ${ms(median(reopens))}  [min ${ms(Math.min(...reopens))}, max ${ms(Math.max(...reopens))}]`,
      ].join('\n') + '\n',
    );
  } finally {
    await browser.close();
    await signaling.close();
  }
});
