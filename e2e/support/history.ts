/**
 * Helpers for tests and benchmarks of the kept history (renderer/src/history).
 */
import type { Page } from '@playwright/test';
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
 * Writes `count` older incoming lines for the device that `newestText` came from straight into
 * the page's history database, in its current (version 2) record format, in one transaction.
 */
export async function seedHistory(page: Page, newestText: string, count: number): Promise<void> {
  await page.evaluate(
    async ({ newestText, count }) => {
      const request = <T>(req: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      const db = await request(indexedDB.open('ferry-history'));
      type Line = { deviceId: string; at: number; value: { text?: string } };
      const all = (await request(db.transaction('lines').objectStore('lines').getAll())) as Line[];
      const newest = all.find((line) => line.value.text === newestText);
      if (!newest) throw new Error('the newest line is not in the history');
      const tx = db.transaction(['lines', 'meta'], 'readwrite');
      const lines = tx.objectStore('lines');
      const meta = tx.objectStore('meta');
      const first = ((await request(meta.get('nextSeq'))) as number | undefined) ?? 0;
      const start = newest.at - count * 1000;
      for (let index = 0; index < count; index++) {
        const id = `seed-${index}`;
        lines.put({
          deviceId: newest.deviceId,
          kind: 'chat',
          id: `in:${id}`,
          at: start + index * 1000,
          seq: first + index,
          value: { id, text: `message ${index}`, sentAt: start + index * 1000, direction: 'in' },
        });
      }
      meta.put(first + count, 'nextSeq');
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { newestText, count },
  );
}
