/**
 * The first-run step (issue 17): a new browser asks for its name before anything else, suggests a
 * unique one, and the name chosen is the one the other device sees after pairing. The screen is
 * axe-checked here, since every other test's peers are named before they open.
 */
import AxeBuilder from '@axe-core/playwright';
import {
  expect,
  expectConnected,
  openPeer,
  showMyCode,
  test,
  enterCode,
  type Peer,
} from './support/fixtures';

test('a fresh browser is asked for its name, names itself, and the other device sees that name', async ({
  browser,
  signaling,
}) => {
  const ada = await openPeer(browser, signaling.url, 'Ada laptop');

  const context = await browser.newContext({ permissions: ['microphone'], locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(signaling.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Name this device' })).toBeVisible();
  const field = page.getByLabel('Device name');
  // A suggestion unique to this browser (a random suffix), ready to be typed over.
  await expect(field).toHaveValue(/^Chromium on Linux [0-9A-F]{4}$/);
  await expect(field).toBeFocused();
  // Like every main screen (accessibility.spec.ts): no serious or critical axe findings.
  const findings = (await new AxeBuilder({ page }).analyze()).violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
  expect(findings.map((violation) => violation.id)).toEqual([]);
  await page.keyboard.type('Cleo phone');
  await page.keyboard.press('Enter');
  await expect(page.getByText('This device: Cleo phone')).toBeVisible();
  // On to pairing, with the keyboard where the next step is.
  await expect(page.getByRole('button', { name: 'Show my code' })).toBeFocused();

  // A reload keeps the name and does not ask again.
  await page.reload();
  await expect(page.getByText('This device: Cleo phone')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Name this device' })).toHaveCount(0);

  const cleo: Peer = { name: 'Cleo phone', context, page };
  const code = await showMyCode(ada);
  await enterCode(cleo, code);
  await expectConnected(ada, cleo);
  await expectConnected(cleo, ada);
  await context.close();
});
