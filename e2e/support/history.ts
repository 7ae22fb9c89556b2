/**
 * Helpers for tests and benchmarks of the kept history (renderer/src/history).
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { rolldown } from 'rolldown';
import { expect, type Peer } from './fixtures';

/**
 * After `reloaded`'s page reloaded: the two remembered devices find each other again by
 * themselves (no code), and `reloaded` opens its conversation with `other` from the sidebar.
 */
export async function reconnectAfterReload(reloaded: Peer, other: Peer): Promise<void> {
  await expect(reloaded.page.getByText(`This device: ${reloaded.name}`)).toBeVisible();
  const entry = reloaded.page.getByRole('button', { name: new RegExp(`^${other.name}, online`) });
  await expect(entry).toBeVisible({ timeout: 30_000 });
  await entry.click();
  await expect(reloaded.page.getByRole('heading', { level: 1, name: other.name })).toBeVisible();
  await expect(reloaded.page.getByTestId('presence')).toHaveText('Online');
}

/**
 * The app's own history store (renderer/src/history/history-store.ts, with idb and the record
 * checks it uses), bundled for the page as a script that defines `ferryHistoryStore`. Seeding goes
 * through it rather than through hand-written IndexedDB records, so a change of the record format
 * or the schema is exercised rather than bypassed.
 */
let storeScript: Promise<string> | null = null;
function historyStoreScript(): Promise<string> {
  storeScript ??= (async () => {
    const bundle = await rolldown({
      input: fileURLToPath(new URL('../../renderer/src/history/history-store.ts', import.meta.url)),
      platform: 'browser',
      logLevel: 'warn',
    });
    const { output } = await bundle.generate({ format: 'iife', name: 'ferryHistoryStore' });
    await bundle.close();
    return output[0].code;
  })();
  return storeScript;
}

/**
 * Writes `count` incoming lines ("message 0" … oldest first, a second apart, all older than
 * anything said in the test) into the kept conversation of the page's only device with a
 * conversation, through the app's history store, a thousand lines per transaction.
 */
export async function seedHistory(page: Page, count: number): Promise<void> {
  const script = await historyStoreScript();
  await page.evaluate(
    `(async (count) => {
      ${script};
      const history = ferryHistoryStore.openConversationHistory();
      const ids = await history.deviceIds();
      if (ids.length !== 1) throw new Error('expected one conversation on disk, found ' + ids.length);
      const deviceId = ids[0];
      const start = Date.now() - 86400000 - count * 1000;
      for (let from = 0; from < count; from += 1000) {
        const lines = [];
        for (let index = from; index < Math.min(count, from + 1000); index++)
          lines.push({
            kind: 'chat',
            deviceId,
            value: { id: 'seed-' + index, text: 'message ' + index, sentAt: start + index * 1000, direction: 'in' },
          });
        await history.save(lines);
      }
      history.close();
    })(${JSON.stringify(count)})`,
  );
}

/**
 * Starts writing `count` lines ("cut 0" …, just older than anything said in the test) into the
 * page's only kept conversation through the app's history store, in one save, and returns without
 * waiting for it: a reload or a closed page right after this cuts the write off mid-way.
 */
export async function startSaveWithoutWaiting(page: Page, count: number): Promise<void> {
  const script = await historyStoreScript();
  await page.evaluate(
    `(async (count) => {
      ${script};
      const history = ferryHistoryStore.openConversationHistory();
      const [deviceId] = await history.deviceIds();
      const start = Date.now() - 3600000 - count;
      const lines = [];
      for (let index = 0; index < count; index++)
        lines.push({
          kind: 'chat',
          deviceId,
          value: { id: 'cut-' + index, text: 'cut ' + index, sentAt: start + index, direction: 'in' },
        });
      void history.save(lines);
    })(${JSON.stringify(count)})`,
  );
}

/**
 * How many kept chat lines have a text starting with `prefix`, counted in the database itself
 * (not through the store's reading, whose record checks use zod: code evaluated through the
 * devtools protocol passes zod's eval probe, then trips over the page's CSP).
 */
export async function countKeptLines(page: Page, prefix: string): Promise<number> {
  return page.evaluate(async (prefix) => {
    const request = <T>(req: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const db = await request(indexedDB.open('ferry-history'));
    const all = (await request(db.transaction('lines').objectStore('lines').getAll())) as {
      value: { text?: unknown };
    }[];
    db.close();
    return all.filter((line) => typeof line.value.text === 'string' && line.value.text.startsWith(prefix))
      .length;
  }, prefix);
}

/**
 * Scrolls `peer`'s conversation to its top again and again, as a reader dragging the scrollbar up
 * would, until its first line is on screen. At every step the line that was at the top of the
 * pane must stay where it was while earlier lines are put above it. Returns how many steps it took
 * and the most lines the page held at once.
 */
export async function scrollToFirstLine(page: Page, firstText: string) {
  return page.evaluate(async (firstText) => {
    const log = document.querySelector('[role="log"][aria-label^="Conversation with"]');
    if (!(log instanceof HTMLElement)) throw new Error('no conversation on screen');
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const topLine = () => {
      const top = log.getBoundingClientRect().top;
      return [...log.querySelectorAll('li.message')].find(
        (line) => line.getBoundingClientRect().bottom > top,
      );
    };
    const firstShown = () => log.querySelector('li.message .text')?.textContent ?? '';
    let steps = 0;
    let most = 0;
    const moved: string[] = [];
    while (firstShown() !== firstText) {
      if (++steps > 1_000) throw new Error(`still not at the first line: ${firstShown()}`);
      log.scrollTop = 0;
      // Measured in the same task as the scroll, before the app can answer it.
      const anchor = topLine();
      const before = firstShown();
      const at = anchor?.getBoundingClientRect().top ?? 0;
      const started = performance.now();
      while (firstShown() === before) {
        if (performance.now() - started > 30_000) {
          const lines = log.querySelectorAll('li.message');
          throw new Error(
            `no earlier lines came above ${before} (step ${steps}; scrollTop ${log.scrollTop} of ${log.scrollHeight}; ` +
              `top: ${log.querySelector('.history-edge')?.textContent ?? 'none'}; ${lines.length} lines in the page, ` +
              `the last ${lines[lines.length - 1]?.textContent ?? 'none'})`,
          );
        }
        await frame();
      }
      // The place is restored in the same commit that drew the lines; let its scroll event settle.
      await frame();
      const drift = anchor && anchor.isConnected ? Math.abs(anchor.getBoundingClientRect().top - at) : NaN;
      if (!(drift <= 2)) moved.push(`${anchor?.textContent ?? '?'} moved ${drift}px`);
      most = Math.max(most, log.querySelectorAll('li').length);
    }
    return { steps, most, moved };
  }, firstText);
}
