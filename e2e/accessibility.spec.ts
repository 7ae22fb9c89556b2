/**
 * axe-core on every main screen — pairing, a shown code, a conversation with messages and
 * transfer cards, a ringing and a running call, Settings — in English and Chinese, light and
 * dark: no serious or critical violations.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, openAdaAndBob, pair, sendChat, showMyCode, test, type Peer } from './support/fixtures';

/**
 * The serious and critical findings on the page as it is (or in the part `include` selects), one
 * line each, for a readable failure.
 */
async function seriousFindings(page: Page, include?: string): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const results = await (include ? builder.include(include) : builder).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.id} (${violation.impact}): ${node.target.join(' ')} — ${node.failureSummary ?? ''}`,
      ),
    );
}

async function expectClean(peer: Peer, screen: string, include?: string): Promise<void> {
  expect(await seriousFindings(peer.page, include), `${screen} on ${peer.name}`).toEqual([]);
}

/** Switches the interface language in Settings, as a person would. */
async function chooseChinese(peer: Peer): Promise<void> {
  await peer.page.getByRole('button', { name: 'Settings' }).click();
  await peer.page.getByLabel('Language').selectOption({ label: '简体中文' });
  await peer.page.getByRole('button', { name: 'Save' }).click();
  await expect(peer.page.locator('html')).toHaveAttribute('lang', 'zh-CN');
}

for (const colorScheme of ['light', 'dark'] as const) {
  for (const language of ['en', 'zh-CN'] as const) {
    test(`no serious axe findings on any screen: ${language}, ${colorScheme}`, async ({
      browser,
      signaling,
    }) => {
      test.setTimeout(480_000);
      const { ada, bob } = await openAdaAndBob(browser, signaling.url, { colorScheme });
      const chinese = language === 'zh-CN';
      if (chinese) {
        await chooseChinese(ada);
        await chooseChinese(bob);
      }
      const say = (en: string, zh: string) => (chinese ? zh : en);

      await expect(
        ada.page.getByRole('heading', { level: 1, name: say('Pair a device', '配对设备') }),
      ).toBeVisible();
      await expectClean(ada, 'pairing');

      if (chinese) {
        await ada.page.getByRole('button', { name: '显示我的配对码' }).click();
        const code = ada.page.getByLabel('你的配对码');
        await expect(code).toHaveText(/^[A-Z2-9]{1,6}-[A-Z2-9]{4}$/);
        await expectClean(ada, 'show code');
        await bob.page.getByLabel('配对码', { exact: true }).fill((await code.textContent()) ?? '');
        await bob.page.getByRole('button', { name: '连接' }).click();
        await expect(ada.page.getByRole('heading', { level: 1, name: bob.name })).toBeVisible();
        await expect(bob.page.getByRole('heading', { level: 1, name: ada.name })).toBeVisible();
      } else {
        const code = showMyCode(ada);
        await expect(ada.page.getByLabel('Your code')).toBeVisible();
        await code;
        await expectClean(ada, 'show code');
        await ada.page.getByRole('button', { name: 'Cancel' }).click();
        await pair(ada, bob);
      }

      // A conversation with messages both ways and transfer cards (an offer, then a finished one).
      const write = async (from: Peer, to: Peer, text: string) => {
        if (!chinese) return sendChat(from, to, text);
        const box = from.page.getByRole('textbox', { name: `发给 ${to.name} 的消息` });
        await box.fill(text);
        await from.page.getByRole('button', { name: '发送', exact: true }).click();
        await expect(box).toHaveValue('');
      };
      await write(ada, bob, 'hello https://example.org');
      await write(bob, ada, 'hi Ada');
      await ada.page
        .getByLabel(say(`Files to send to ${bob.name}`, `要发送给 ${bob.name} 的文件`), { exact: true })
        .setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('some notes\n') }]);
      await expect(bob.page.getByRole('article').first()).toBeVisible();
      await expectClean(bob, 'conversation with an offer');
      await ada.page
        .getByLabel(say(`Files to send to ${bob.name}`, `要发送给 ${bob.name} 的文件`), { exact: true })
        .setInputFiles([
          { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') },
        ]);
      await expect(bob.page.getByRole('article')).toHaveCount(2);
      await bob.page
        .getByRole('article')
        .first()
        .getByRole('button', { name: say('Accept', '接收') })
        .click();
      await expectClean(bob, 'conversation with transfer cards');
      await expectClean(ada, 'conversation, sender side');

      // A call, answered at once and checked while it runs.
      const callBob = ada.page.getByRole('button', { name: say(`Call ${bob.name}`, `呼叫 ${bob.name}`) });
      const ring = bob.page.getByRole('alertdialog');
      await callBob.click();
      await ring.getByRole('button', { name: say('Accept', '接听') }).click();
      await expect(bob.page.getByRole('button', { name: say('Hang up', '挂断') })).toBeVisible();
      await expectClean(bob, 'call in progress');
      await bob.page.getByRole('button', { name: say('Hang up', '挂断') }).click();
      await expect(callBob).toBeEnabled();
      // Another call, checked while it rings; then Ada gives up, which Bob sees as a missed call
      // with its "Call back" (ringing out is call.spec.ts's business, and waiting 30 s for it in
      // each of the four runs cost two minutes of the suite). An analysis on a loaded machine can
      // outlast the ring, so Ada hangs up only if the call is still ringing.
      await callBob.click();
      await expect(ring).toBeVisible();
      await expectClean(bob, 'incoming call', '.call-surface');
      const giveUp = ada.page.getByRole('button', { name: say('Hang up', '挂断') });
      if (await giveUp.isVisible()) await giveUp.click();
      await expect(ring).toHaveCount(0, { timeout: 60_000 });
      await expect(
        bob.page.getByRole('button', { name: say(`Call back ${ada.name}`, `回拨给 ${ada.name}`) }),
      ).toBeVisible();
      await expectClean(bob, 'missed call');

      await ada.page.getByRole('button', { name: say('Settings', '设置') }).click();
      await expect(ada.page.getByRole('heading', { level: 1, name: say('Settings', '设置') })).toBeVisible();
      await expectClean(ada, 'settings');
    });
  }
}
