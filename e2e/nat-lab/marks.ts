/**
 * Moments read in the page itself (performance.now()), so a figure is not off by Playwright's
 * polling interval: when "Connect" or "Accept" was pressed, when the announcer first said
 * "Connected to …", when a transfer card first said the files were received and checked.
 */
import type { Page } from '@playwright/test';

export interface Marks {
  submitted?: number;
  connected?: number;
  accepted?: number;
  received?: number;
}

export async function installMarks(page: Page, receivedText: string): Promise<void> {
  await page.evaluate((received) => {
    const scope = window as unknown as { __ferryMarks: Marks };
    const marks: Marks = (scope.__ferryMarks = {});
    document.addEventListener(
      'click',
      (event) => {
        const label = (event.target as Element | null)?.closest('button')?.textContent?.trim();
        if (label === 'Connect') marks.submitted = performance.now();
        if (label === 'Accept') marks.accepted = performance.now();
      },
      true,
    );
    new MutationObserver(() => {
      const announced = document.querySelector('[data-testid="announcer"]')?.textContent ?? '';
      if (marks.connected === undefined && announced.startsWith('Connected to')) {
        marks.connected = performance.now();
      }
      const statuses = [...document.querySelectorAll('[data-testid="transfer-status"]')];
      if (marks.received === undefined && statuses.some((status) => status.textContent === received)) {
        marks.received = performance.now();
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  }, receivedText);
}

export function readMarks(page: Page): Promise<Marks> {
  return page.evaluate(() => ({ ...(window as unknown as { __ferryMarks: Marks }).__ferryMarks }));
}
