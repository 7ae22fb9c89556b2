import {
  conversation,
  enterCode,
  expect,
  expectConnected,
  openPeer,
  outgoingLine,
  pair,
  sendChat,
  showMyCode,
  test,
  openAdaAndBob,
} from './support/fixtures';

test.describe('pair by code and chat', () => {
  test('two browsers pair by code, chat both ways with delivery ticks, and see each other go offline', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);

    await pair(ada, bob);

    // Both derived the same verification phrase from the PAKE key, and show it for comparison.
    const phrase = (page: typeof ada.page) => page.getByRole('note', { name: 'Verification phrase' });
    await expect(phrase(ada.page)).toContainText(/\d{4} \d{4}/);
    const shownByAda = (await phrase(ada.page).locator('strong').textContent()) ?? '';
    await expect(phrase(bob.page).locator('strong')).toHaveText(shownByAda);

    await sendChat(ada, bob, 'Hello Bob, this is Ada');
    await expect(conversation(bob, ada).getByText('Hello Bob, this is Ada')).toBeVisible();
    await expect(
      outgoingLine(ada, bob, 'Hello Bob, this is Ada').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();

    await sendChat(bob, ada, '你好 Ada — got it');
    await expect(conversation(ada, bob).getByText('你好 Ada — got it')).toBeVisible();
    await expect(
      outgoingLine(bob, ada, '你好 Ada — got it').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();

    // Each line arrived exactly once.
    await expect(conversation(bob, ada).getByText('Hello Bob, this is Ada')).toHaveCount(1);
    await expect(conversation(ada, bob).getByText('你好 Ada — got it')).toHaveCount(1);

    await ada.page.close();
    await expect(bob.page.getByTestId('presence')).toHaveText(/^Offline/);
    await expect(bob.page.getByRole('button', { name: /Ada laptop, offline, last seen/ })).toBeVisible();
    // Ada is remembered: what Bob writes now waits for her (remember.spec.ts).
    await expect(bob.page.getByRole('textbox', { name: 'Message to Ada laptop' })).toBeEnabled();
  });

  test('a join link (the QR code) fills in the code; nothing joins until the person presses Connect', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    const code = await showMyCode(ada);
    // What scanning Ada's QR code opens, typed loosely as a shared link might be.
    await bob.page.goto('about:blank');
    await bob.page.goto(`${signaling.url}/#pair=${code.toLowerCase().replace('-', '')}`);
    const field = bob.page.getByLabel('Pairing code');
    await expect(field).toHaveValue(code);
    await expect(field).toBeFocused();
    await expect(bob.page.getByText('This code came from a link.', { exact: false })).toBeVisible();
    // The code stays out of the address bar (and out of history) once read.
    expect(new URL(bob.page.url()).hash).toBe('');
    // Still waiting: the link alone joined nothing.
    await bob.page.waitForTimeout(500);
    await expect(ada.page.getByLabel('Your code')).toHaveText(code);
    await expect(bob.page.getByTestId('announcer')).not.toHaveText('Connected to Ada laptop');

    await bob.page.getByRole('button', { name: 'Connect' }).click();
    await expectConnected(bob, ada);
    await expectConnected(ada, bob);
  });

  test('chat keeps flowing both ways after the signaling service is stopped', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);

    await signaling.close();
    const health = await fetch(`${signaling.url}/healthz`).then(
      () => 'up',
      () => 'down',
    );
    expect(health).toBe('down');

    await sendChat(ada, bob, 'still here without the service?');
    await expect(conversation(bob, ada).getByText('still here without the service?')).toBeVisible();
    await sendChat(bob, ada, 'yes, peer to peer');
    await expect(conversation(ada, bob).getByText('yes, peer to peer')).toBeVisible();
    await expect(
      outgoingLine(ada, bob, 'still here without the service?').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
    await expect(
      outgoingLine(bob, ada, 'yes, peer to peer').getByRole('img', { name: 'Delivered' }),
    ).toBeVisible();
  });

  test('wrong, malformed and reused codes are explained in words', async ({ browser, signaling }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    const eve = await openPeer(browser, signaling.url, 'Eve tablet');

    await enterCode(bob, 'hello!');
    await expect(bob.page.getByRole('alert')).toContainText('doesn’t look like a Ferry code');
    await bob.page.getByRole('button', { name: 'Try again' }).click();

    const code = await showMyCode(ada);
    // A nameplate nobody opened: pick one that differs from Ada's in its first symbol.
    const unknown = `${code.startsWith('2') ? '3' : '2'}${code.slice(1)}`;
    await enterCode(bob, unknown);
    await expect(bob.page.getByRole('alert')).toContainText('No device is waiting with that code');
    await bob.page.getByRole('button', { name: 'Try again' }).click();

    await enterCode(bob, code);
    await expect(bob.page.getByTestId('announcer')).toHaveText('Connected to Ada laptop');

    // Codes are single use.
    await enterCode(eve, code);
    await expect(eve.page.getByRole('alert')).toContainText(/already (used|joined)/);
  });

  test('a wrong secret half of the code is caught between the devices, every time', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    // Two runs in the browser (the second on a fresh code after the first failed); the engine's
    // service test repeats it 50 times with real WebRTC. Kept short: three runs with a fixed wait
    // each took 19-29 s on a quiet machine, too close to the 90 s test timeout on a loaded one.
    for (let run = 0; run < 2; run++) {
      const code = await showMyCode(ada);
      // Right nameplate (the service lets Bob in), wrong secret (only the devices can tell).
      // The secret is what follows the dash; the nameplate before it may be of any length.
      const [nameplate = '', secret = ''] = code.split('-');
      const wrongSecret = `${nameplate}-${secret.startsWith('2') ? '3' : '2'}${secret.slice(1)}`;
      await enterCode(bob, wrongSecret);
      await expect(bob.page.getByRole('alert')).toContainText('The code didn’t match');
      await expect(ada.page.getByRole('alert')).toContainText('The code didn’t match');
      if (run === 0) {
        // Both stay on the true reason: no "the other device left" replaces it once the grace for
        // a late reason (TOLD_REASON_GRACE_MS, 2.5 s) has passed.
        await ada.page.waitForTimeout(3_000);
        await expect(bob.page.getByRole('alert')).toContainText('The code didn’t match');
        await expect(ada.page.getByRole('alert')).toContainText('The code didn’t match');
      }
      await ada.page.getByRole('button', { name: 'Try again' }).click();
      await bob.page.getByRole('button', { name: 'Try again' }).click();
    }
  });
});

test('the interface switches to Simplified Chinese and back, and follows a Chinese system by default', async ({
  browser,
  signaling,
}) => {
  const ada = await openPeer(browser, signaling.url, 'Ada laptop');
  await ada.page.getByRole('button', { name: 'Settings' }).click();
  await ada.page.getByLabel('Language').selectOption({ label: '简体中文' });
  await ada.page.getByRole('button', { name: 'Save' }).click();
  await expect(ada.page.getByRole('button', { name: '显示我的配对码' })).toBeVisible();
  await expect(ada.page.locator('html')).toHaveAttribute('lang', 'zh-CN');

  await ada.page.getByRole('button', { name: '设置' }).click();
  await ada.page.getByLabel('语言').selectOption({ label: 'English' });
  await ada.page.getByRole('button', { name: '保存' }).click();
  await expect(ada.page.getByRole('button', { name: 'Show my code' })).toBeVisible();

  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(signaling.url);
  // A new browser first asks for its name, in the browser's language.
  await expect(page.getByRole('heading', { level: 1, name: '为这台设备命名' })).toBeVisible();
  await page.getByLabel('设备名称').fill('小王的笔记本');
  await page.getByRole('button', { name: '继续' }).click();
  await expect(page.getByRole('heading', { name: '输入配对码' })).toBeVisible();
  await expect(page.getByLabel('配对码', { exact: true })).toBeVisible();
  await context.close();
});
