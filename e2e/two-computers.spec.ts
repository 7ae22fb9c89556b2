/**
 * Two computers on one network, with nothing configured. Each computer is a network namespace
 * on a shared bridge (e2e/support/lan.ts) with its own host name, running the README's command
 * (`npm start`; without the Electron binary that is the desktop's own services, headless) and a
 * Chromium that opens that computer's own http://127.0.0.1:47100, as its person would.
 *
 * Ada's code is held by Ada's embedded service, which Bob's computer finds only through DNS-SD:
 * so Bob typing the code and connecting proves the nearby lookup end to end. Then the pair chats,
 * moves a 32 MiB file (SHA-256 of the bytes in Bob's OPFS) and calls (audio packets counted).
 * The join link from Ada's screen, opened by a browser on Bob's computer, pairs too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { callFigures, installCallSeams } from './support/desktop-fake';
import {
  conversation,
  enterCode,
  expect,
  expectConnected,
  nameThisDevice,
  openPeer,
  sendChat,
  showMyCode,
  test,
  type Peer,
} from './support/fixtures';
import { createLan, lanUnavailableReason, type LanHost, type RunningProgram } from './support/lan';
import { opfsDigests, sha256OfFile, transferCard, writePatternFile } from './transfer-support';

const REPO = resolve(import.meta.dirname, '..');
/** Where each computer's browser opens Ferry: its own machine, a secure context. */
const ON_THIS_COMPUTER = 'http://127.0.0.1:47100';
const MiB = 1024 * 1024;
const RECEIVED = 'Received. Every file was checked.';

interface Computer {
  readonly ferry: RunningProgram;
  readonly browser: Browser;
}

/** One computer: its host name, the README's run command (built once by the suite), a Chromium. */
async function bootComputer(host: LanHost, hostName: string, home: string): Promise<Computer> {
  // A UTS namespace of its own, so each computer has its own host name (and so its device name).
  const ferry = host.start('unshare', ['--uts', 'sh', '-c', 'hostname "$0" && exec npm start', hostName], {
    cwd: REPO,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      // The suite built out/ already; both computers run that build.
      FERRY_START_SKIP_BUILD: '1',
    },
  });
  await ferry.waitForLine(/Open http:\/\/127\.0\.0\.1:47100 in a browser/, 120_000);
  return { ferry, browser: await host.launchChromium() };
}

interface TwoComputers {
  readonly ada: Computer;
  readonly bob: Computer;
  /** A scratch folder for files to send. */
  readonly scratch: string;
}

/**
 * Runs `story` on a fresh LAN of two computers (Ada's and Bob's) and removes everything after,
 * whatever happens; each computer's Ferry output is attached to the test for a failure's sake.
 */
async function onTwoComputers(story: (computers: TwoComputers) => Promise<void>): Promise<void> {
  const lan = await createLan(['ada', 'bob']);
  const scratch = await mkdtemp(join(tmpdir(), 'ferry-lan-test-'));
  const booted: Computer[] = [];
  try {
    const [adaHost, bobHost] = lan.hosts;
    if (adaHost === undefined || bobHost === undefined) throw new Error('the LAN has two computers');
    const [ada, bob] = await Promise.all([
      bootComputer(adaHost, 'ada-laptop', await mkdtemp(join(scratch, 'ada-home-'))),
      bootComputer(bobHost, 'bob-desktop', await mkdtemp(join(scratch, 'bob-home-'))),
    ]);
    booted.push(ada, bob);
    await story({ ada, bob, scratch });
  } finally {
    for (const [index, computer] of booted.entries()) {
      await test.info().attach(`${index === 0 ? 'ada' : 'bob'}-ferry-output.txt`, {
        body: computer.ferry.output(),
        contentType: 'text/plain',
      });
    }
    await lan.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

function nearbyEntry(peer: Peer, name: string) {
  return peer.page.getByRole('list', { name: 'Nearby' }).getByRole('button', { name: `Nearby: ${name}` });
}

test.describe('two computers on one network, nothing configured', () => {
  test.beforeEach(() => {
    const reason = lanUnavailableReason();
    test.skip(reason !== undefined, `two computers need network namespaces: ${reason}`);
  });

  test('Ada shows a code, Bob (who sees Ada nearby) types it; they chat, move 32 MiB and call', async () => {
    test.setTimeout(480_000);
    await onTwoComputers(async ({ ada: adaComputer, bob: bobComputer, scratch }) => {
      const ada = await openPeer(adaComputer.browser, ON_THIS_COMPUTER, 'Ada laptop');
      const bob = await openPeer(bobComputer.browser, ON_THIS_COMPUTER, 'Bob desktop');
      await installCallSeams(ada);
      await installCallSeams(bob);

      // Found with DNS-SD: each computer lists the other by its device name (its host name here).
      await expect(nearbyEntry(bob, 'ada-laptop')).toBeVisible({ timeout: 60_000 });
      await expect(nearbyEntry(ada, 'bob-desktop')).toBeVisible({ timeout: 60_000 });

      const code = await showMyCode(ada);
      const typedAt = Date.now();
      await enterCode(bob, code.toLowerCase().replace('-', ' '));
      await expectConnected(bob, ada);
      const connectedMs = Date.now() - typedAt;
      await expectConnected(ada, bob);

      await sendChat(ada, bob, 'Hello from the other computer');
      await expect(conversation(bob, ada).getByText('Hello from the other computer')).toBeVisible();
      await sendChat(bob, ada, 'Hello back over the LAN');
      await expect(conversation(ada, bob).getByText('Hello back over the LAN')).toBeVisible();

      const file = join(scratch, 'holiday.mkv');
      await writePatternFile(file, 32 * MiB, 12);
      await ada.page.getByLabel('Files to send to Bob desktop').setInputFiles([file]);
      await transferCard(bob.page, 'in', 'Ada laptop').last().getByRole('button', { name: 'Accept' }).click();
      const status = transferCard(bob.page, 'in', 'Ada laptop').last().getByTestId('transfer-status');
      await expect(status).toHaveText(RECEIVED, { timeout: 180_000 });
      expect(await opfsDigests(bob, ['holiday.mkv'])).toEqual({ 'holiday.mkv': await sha256OfFile(file) });

      await bob.page.getByRole('button', { name: 'Call Ada laptop' }).click();
      await ada.page
        .getByRole('alertdialog', { name: 'Incoming call' })
        .getByRole('button', { name: 'Accept' })
        .click();
      // Audio both ways: each side keeps receiving packets.
      for (const peer of [ada, bob]) {
        await expect
          .poll(async () => (await callFigures(peer))?.packetsReceived ?? 0, { timeout: 60_000 })
          .toBeGreaterThan(50);
      }
      await bob.page
        .getByRole('region', { name: 'Call with Ada laptop' })
        .getByRole('button', { name: 'Hang up' })
        .click();

      const figure = `entering the code → "Connected" across two network namespaces: ${connectedMs} ms`;
      test.info().annotations.push({ type: 'figures', description: figure });
      process.stdout.write(`${figure}\n`);
    });
  });

  test("the join link on Ada's screen, opened in a browser on Bob's computer, pairs", async () => {
    test.setTimeout(300_000);
    await onTwoComputers(async ({ ada: adaComputer, bob: bobComputer }) => {
      const ada = await openPeer(adaComputer.browser, ON_THIS_COMPUTER, 'Ada laptop');
      const code = await showMyCode(ada);
      // The link names Ada's LAN address, never loopback (which on Bob's computer is Bob's own).
      const adaAddress = 'http://10.77.0.1:47100';
      await expect(ada.page.getByText(`Open ${adaAddress} on the other device`)).toBeVisible();

      const context = await bobComputer.browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      // The link the QR code carries (renderer/src/features/pairing/join-link.ts): the code in the
      // fragment, which browsers never send to a server.
      await page.goto(`${adaAddress}/#pair=${encodeURIComponent(code)}`);
      // A new browser names itself first; the code from the link waits for it.
      await nameThisDevice(page, 'Bob browser');
      const guest: Peer = { name: 'Bob browser', context, page };
      await expect(page.getByLabel('Pairing code')).toHaveValue(code);
      await page.getByRole('button', { name: 'Connect' }).click();
      await expectConnected(guest, ada);
      await expectConnected(ada, guest);
      await sendChat(guest, ada, 'Scanned your code');
      await expect(conversation(ada, guest).getByText('Scanned your code')).toBeVisible();
    });
  });
});
