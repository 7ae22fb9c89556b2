/**
 * Helpers for tests and benchmarks of the kept history (renderer/src/history).
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { rolldown } from 'rolldown';
import { conversation, expect, pair, sendChat, type Peer } from './fixtures';

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

/** What one step back through the history showed. */
export interface ScrollBackStep {
  readonly how: 'scroll' | 'button';
  /** The text of the line at the top of the pane before the step, and of the top one after it. */
  readonly before: string;
  readonly after: string;
  /** How far that line moved on screen (CSS px), once the page settled. */
  readonly drift: number;
  /** That line is still the same element (not drawn anew) in the page. */
  readonly sameElement: boolean;
}

/**
 * Goes back through `page`'s open conversation to its first line as a reader would: mostly by
 * scrolling to the top of the pane (the app brings earlier lines, from memory or from disk), and
 * every fifth step with the "Show earlier messages" button as a keyboard user would (focused, which
 * brings it on screen, then pressed). At every step the line that was on top of the pane is recorded
 * with where it was, and again once the page has settled (no layout change for two frames: lines
 * drawn near the screen get their real height a frame after they are put in the page). Returns the
 * steps and every chat line's text in the order the page held them, each once.
 */
export async function scrollBackToFirstLine(page: Page, firstText: string) {
  return page.evaluate(async (firstText) => {
    const log = document.querySelector('[role="log"][aria-label^="Conversation with"]');
    if (!(log instanceof HTMLElement)) throw new Error('no conversation on screen');
    const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const lines = () => [...log.querySelectorAll('li.message')];
    const text = (line: Element | undefined) => line?.querySelector('.text')?.textContent ?? '';
    const paneTop = () => log.getBoundingClientRect().top;
    const topLine = () => {
      const top = paneTop();
      return lines().find((line) => line.getBoundingClientRect().bottom > top + 0.5);
    };
    const where = (line: Element) => line.getBoundingClientRect().top - paneTop();
    const settle = async () => {
      let last = NaN;
      let same = 0;
      for (let tries = 0; tries < 100 && same < 2; tries++) {
        await frame();
        const now = `${log.scrollTop}|${log.scrollHeight}|${topLine() ? where(topLine()!) : ''}`;
        same = String(last) === now ? same + 1 : 0;
        last = now as unknown as number;
      }
    };
    await settle();
    let seen = lines().map(text);
    const steps: {
      how: 'scroll' | 'button';
      before: string;
      after: string;
      drift: number;
      sameElement: boolean;
    }[] = [];
    while (text(lines()[0]) !== firstText) {
      if (steps.length > 1_000) throw new Error(`still not at the first line: ${text(lines()[0])}`);
      const how = steps.length % 5 === 4 ? 'button' : 'scroll';
      const firstBefore = text(lines()[0]);
      const button = [...log.querySelectorAll('button')].find(
        (candidate) => candidate.textContent === 'Show earlier messages',
      );
      // A keyboard user's focus brings the button on screen, as the scrolling reader's top does.
      if (how === 'button' && button) button.focus();
      else log.scrollTop = 0;
      // Measured in the same task as the scroll, before the app can answer it.
      const anchor = topLine();
      if (!anchor) throw new Error('no line on screen');
      const at = where(anchor);
      if (how === 'button') {
        if (!button) throw new Error(`no "Show earlier messages" button above ${firstBefore}`);
        button.click();
      }
      const started = performance.now();
      while (text(lines()[0]) === firstBefore) {
        if (performance.now() - started > 30_000)
          throw new Error(
            `no earlier lines came above ${firstBefore} (step ${steps.length + 1}, ${how}; ` +
              `top: ${log.querySelector('.history-edge')?.textContent ?? 'none'}; scrollTop ${log.scrollTop} ` +
              `of ${log.scrollHeight}; ${lines().length} lines in the page, the last ${text(lines().at(-1))})`,
          );
        await frame();
      }
      await settle();
      // The reader's line, found again by its text: the same element, still in the page.
      const now = lines().find((line) => text(line) === text(anchor));
      steps.push({
        how,
        before: text(anchor),
        after: text(topLine()),
        drift: anchor.isConnected ? Math.abs(where(anchor) - at) : Infinity,
        sameElement: now === anchor,
      });
      // The page's lines now: those above what it held before are new, and come right before it.
      const held = lines().map(text);
      const joint = held.indexOf(seen[0] ?? '');
      if (joint <= 0)
        throw new Error(
          `the page lost its place at step ${steps.length} (${how}): ${seen[0]} is not below the new lines ` +
            `(the page holds ${held[0]} … ${held.at(-1)}, ${held.length} lines)`,
        );
      seen = [...held.slice(0, joint), ...seen];
    }
    return { steps, seen, inPage: log.querySelectorAll('li').length };
  }, firstText);
}

/** The line Bob writes last, after the seeded ones: the newest of the kept conversation. */
export const NEWEST_LINE = 'The newest line';

/**
 * Ada and Bob pair, Bob writes one line, `count` older lines are seeded into Ada's kept
 * conversation, and Ada's page reloads: the two find each other again and Ada's conversation shows
 * its newest line, read back from disk.
 */
export async function adaWithKeptConversation(ada: Peer, bob: Peer, count: number): Promise<void> {
  await pair(ada, bob);
  await sendChat(bob, ada, NEWEST_LINE);
  await expect(conversation(ada, bob).getByText(NEWEST_LINE)).toBeVisible();
  await seedHistory(ada.page, count);
  await ada.page.reload();
  await reconnectAfterReload(ada, bob);
  await expect(conversation(ada, bob).getByText(NEWEST_LINE)).toBeVisible();
}
