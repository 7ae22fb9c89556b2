/**
 * `npm run bench:chat-flood`: how the receiving page copes with a burst of long chat lines. A peer
 * pairs normally, then writes 500 chat lines of 9 KB straight onto the control channel; the
 * figures are the time until the last line shows on the receiver, and the receiver's long tasks
 * (main-thread work over 50 ms) meanwhile: their total and the longest one. Printed, not asserted.
 */
import { chromium } from '@playwright/test';
import { startSignalingService } from '../../signaling/src/service';
import { chromiumArgs, systemChromium } from '../support/chromium';
import { conversation, expect, openPeer, pair, test, WEB_CLIENT_DIR } from '../support/fixtures';
import { openHostilePeer, sendRawControlFrames } from '../support/raw-frames';

const LINES = Number(process.env['FERRY_BENCH_CHAT_LINES'] ?? 500);
const LINE_BYTES = Number(process.env['FERRY_BENCH_CHAT_LINE_BYTES'] ?? 9 * 1024);
const executablePath = systemChromium();
const print = (line: string) => process.stdout.write(`${line}\n`);

test('a burst of long chat lines: time until the last shows, and the receiver’s long tasks', async () => {
  const signaling = await startSignalingService({
    host: '127.0.0.1',
    port: 0,
    staticDir: WEB_CLIENT_DIR,
    iceServers: [],
  });
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: chromiumArgs,
  });
  try {
    const ada = await openHostilePeer(browser, signaling.url, 'Ada laptop');
    const bob = await openPeer(browser, signaling.url, 'Bob desktop');
    await pair(ada, bob);

    await bob.page.evaluate(() => {
      const tasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    const filler = 'x'.repeat(LINE_BYTES - 16);
    const now = Date.now();
    const frames = Array.from({ length: LINES }, (_, i) =>
      JSON.stringify({ v: 1, type: 'chat', id: `flood-${i}`, text: `${filler} line#${i}`, sentAt: now + i }),
    );
    const started = Date.now();
    await sendRawControlFrames(ada, frames);
    const sent = Date.now();
    // Counted in the page, cheaply: a text locator polled meanwhile would itself search megabytes
    // of text on the receiver's main thread every time, and show up in its long tasks.
    await bob.page.waitForFunction(
      (lines) => (document.querySelector('[role="log"]')?.children.length ?? 0) > lines,
      LINES,
      { timeout: 10 * 60_000, polling: 100 },
    );
    const shown = Date.now();
    await expect(conversation(bob, ada).getByText(`line#${LINES - 1}`, { exact: false })).toBeVisible();
    const tasks = await bob.page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    const total = tasks.reduce((sum, ms) => sum + ms, 0);
    print(`chat flood: ${LINES} lines of ${(LINE_BYTES / 1024).toFixed(0)} KiB`);
    print(`  written by the sender in ${sent - started} ms`);
    print(`  last line shown on the receiver after ${shown - started} ms`);
    print(
      `  receiver long tasks: ${tasks.length}, total ${total.toFixed(0)} ms, longest ${Math.max(0, ...tasks).toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    await signaling.close();
  }
});
