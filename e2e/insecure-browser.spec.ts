/**
 * The browser peer a phone or laptop opens from the desktop's QR code: a page served over plain
 * http from a LAN address, which is not a secure context (no crypto.subtle, no microphone, no
 * OPFS, no clipboard writes). Pairing and chat must work there; files arrive in blob storage up to
 * the stated limit and are offered as downloads; calls say why they cannot happen.
 *
 * To be really not a secure context, the page must come from a non-loopback address (127.0.0.0/8
 * counts as secure). Inside the loopback-only network namespace the suite runs in
 * (scripts/in-loopback-netns.sh), the test adds an interface (a veth pair) with a private address, serves
 * the client on it, and removes the interface afterwards. Needs root in that namespace (CI is).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { startSignalingService, type RunningSignalingService } from '../signaling/src/service';
import { chromiumArgs, systemChromium } from './support/chromium';
import {
  WEB_CLIENT_DIR,
  conversation,
  expect,
  openPeer,
  pair,
  sendChat,
  test,
  type Peer,
} from './support/fixtures';
import { tempDir, transferCard, writePatternFile } from './transfer-support';

const LAN_INTERFACE = 'ferrylan0';
const LAN_ADDRESS = '10.77.0.1';
const MiB = 1024 * 1024;

const inPrivateNamespace = process.env['FERRY_LOOPBACK_NETNS'] === '1' && process.getuid?.() === 0;

test.skip(
  !inPrivateNamespace,
  'needs root inside the private network namespace of scripts/in-loopback-netns.sh, to add a LAN address the page can be served from without touching the machine’s network',
);

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

let service: RunningSignalingService;
let lanBrowser: Browser;
let base: string;
/** Contexts a test opened, closed after it so no page of it lives on into the next test. */
const opened: Peer[] = [];

test.beforeAll(async () => {
  // A veth pair rather than a dummy interface: it needs no extra kernel module (CI containers
  // often lack `dummy`), and with both ends up it is an ordinary LAN interface to Chromium.
  ip('link', 'add', LAN_INTERFACE, 'type', 'veth', 'peer', 'name', `${LAN_INTERFACE}p`);
  ip('addr', 'add', `${LAN_ADDRESS}/24`, 'dev', LAN_INTERFACE);
  // No multicast, as on many guest and office networks: nothing here can resolve the mDNS names a
  // page without microphone permission offers as host candidates, so ICE has to (and does) get by
  // on peer-reflexive candidates every time. With multicast on, Chromium sometimes resolves them
  // and sometimes not, and the test would take a different path from run to run.
  ip('link', 'set', `${LAN_INTERFACE}p`, 'up');
  ip('link', 'set', LAN_INTERFACE, 'up');
  // Every address of this private namespace: loopback for the secure peer, the LAN one for the other.
  service = await startSignalingService({
    host: '0.0.0.0',
    port: 0,
    staticDir: WEB_CLIENT_DIR,
    iceServers: [],
  });
  // A browser of its own, started after the interface exists, so that it gathers candidates on it.
  const executablePath = systemChromium();
  // As a phone's browser would be: without the fake media flags, which make Chromium act as if the
  // page had been allowed the microphone and so offer real host addresses (a page on plain http
  // has no such permission and offers mDNS names, `<uuid>.local`, instead), and without loopback
  // candidates (a phone has no loopback path to the desktop).
  const args = chromiumArgs.filter(
    (arg) => !arg.startsWith('--use-fake-') && arg !== '--allow-loopback-in-peer-connection',
  );
  lanBrowser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args });
});

test.afterAll(async () => {
  await lanBrowser?.close();
  await service?.close();
  // Deleting one end of a veth pair deletes both.
  ip('link', 'del', LAN_INTERFACE);
});

test.beforeEach(async () => {
  base = await tempDir('ferry-e2e-insecure-');
});

test.afterEach(async () => {
  for (const peer of opened.splice(0)) await peer.context.close();
  await fs.rm(base, { recursive: true, force: true });
});

/** Keeps the page's peer connections and the candidates it offers where the test can read them. */
function recordConnections() {
  const Original = window.RTCPeerConnection;
  const made: RTCPeerConnection[] = [];
  const candidates: string[] = [];
  const seen = window as unknown as { __ferryTestConnections: unknown; __ferryTestCandidates: unknown };
  seen.__ferryTestConnections = made;
  seen.__ferryTestCandidates = candidates;
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      made.push(this);
      // The candidates this page offers the other device, as they go into signaling.
      this.addEventListener('icecandidate', (event) => {
        if (event.candidate?.candidate) candidates.push(event.candidate.candidate);
      });
    }
  };
}

/** Bob's browser on the LAN address: no permissions can be granted to it (not a secure context). */
async function openLanPeer(name: string): Promise<Peer> {
  const context = await lanBrowser.newContext({ locale: 'en-US', acceptDownloads: true });
  await context.addInitScript(recordConnections);
  const page = await context.newPage();
  await page.goto(`http://${LAN_ADDRESS}:${service.port}/`);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Device name').fill(name);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`This device: ${name}`)).toBeVisible();
  return { name, context, page };
}

/** The types of the candidates the page's first peer connection (the control one) is using. */
function selectedCandidates(peer: Peer) {
  return peer.page.evaluate(async () => {
    const [pc] = (window as unknown as { __ferryTestConnections: RTCPeerConnection[] })
      .__ferryTestConnections;
    if (!pc) return null;
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const transport = stats.find((entry) => entry['type'] === 'transport');
    const pairStats = stats.find((entry) => entry['id'] === transport?.['selectedCandidatePairId']);
    const find = (id: unknown) => stats.find((entry) => entry['id'] === id);
    const local = find(pairStats?.['localCandidateId']);
    const remote = find(pairStats?.['remoteCandidateId']);
    return {
      local: { type: local?.['candidateType'], address: local?.['address'] },
      remote: { type: remote?.['candidateType'], address: remote?.['address'] },
    };
  });
}

async function sha256OfPath(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sharedSetup(browser: Browser): Promise<{ ada: Peer; bob: Peer }> {
  const ada = await openPeer(browser, `http://127.0.0.1:${service.port}/`, 'Ada laptop');
  await ada.context.addInitScript(recordConnections);
  await ada.page.reload();
  await expect(ada.page.getByText('This device: Ada laptop')).toBeVisible();
  const bob = await openLanPeer('Bob phone');
  opened.push(ada, bob);
  return { ada, bob };
}

test.describe('the browser peer opened over plain http from a LAN address', () => {
  test('is not a secure context, yet pairs, chats both ways, receives a file as a download, and says why it cannot call', async ({
    browser,
  }) => {
    // Bob hashes in JavaScript (no WebCrypto on plain http): slower than elsewhere on a busy machine.
    test.setTimeout(240_000);
    const { ada, bob } = await sharedSetup(browser);
    const contexts = {
      ada: await ada.page.evaluate(() => ({
        secure: isSecureContext,
        subtle: typeof crypto.subtle,
        media: typeof navigator.mediaDevices,
      })),
      bob: await bob.page.evaluate(() => ({
        secure: isSecureContext,
        subtle: typeof crypto.subtle,
        media: typeof navigator.mediaDevices,
        storage: typeof navigator.storage,
        clipboard: typeof navigator.clipboard,
        notifications: typeof Notification === 'undefined' ? 'none' : Notification.permission,
      })),
    };
    expect(contexts.ada).toEqual({ secure: true, subtle: 'object', media: 'object' });
    expect(contexts.bob).toEqual({
      secure: false,
      subtle: 'undefined',
      media: 'undefined',
      storage: 'undefined',
      clipboard: 'undefined',
      notifications: 'denied',
    });
    await expect(bob.page.getByRole('complementary', { name: /opened Ferry over plain http/ })).toContainText(
      'Files: up to 1 GB at a time',
    );
    await expect(ada.page.getByRole('complementary')).toHaveCount(0);

    // What the QR code leads to: the desktop shows a code, the phone types it.
    await pair(ada, bob);

    // ICE with no microphone permission on Bob's side. Chromium may then offer his host candidates
    // as mDNS names (`<uuid>.local`), which a network without multicast cannot resolve; Ada's page
    // may use the microphone, so hers are real addresses, and Bob's checks to them make the pair
    // (Ada learns Bob's address as a peer-reflexive candidate). Which label each side gives the
    // other's candidate depends on what arrives first, so the test holds to what is always true:
    // the pair runs over the LAN address, on Ada's real host candidate.
    const adaSees = await selectedCandidates(ada);
    expect(adaSees?.local).toEqual({ type: 'host', address: LAN_ADDRESS });
    expect(['host', 'prflx']).toContain(adaSees?.remote.type);
    const offered = await bob.page.evaluate(
      () => (window as unknown as { __ferryTestCandidates: string[] }).__ferryTestCandidates,
    );
    // Bob offers nothing on loopback (a phone has no loopback path to the desktop).
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.join('\n')).not.toContain('127.0.0.1');

    await sendChat(ada, bob, 'Hello Bob, from the desktop');
    await expect(conversation(bob, ada).getByText('Hello Bob, from the desktop')).toBeVisible();
    await sendChat(bob, ada, '你好 Ada — from the phone');
    await expect(conversation(ada, bob).getByText('你好 Ada — from the phone')).toBeVisible();

    // Calls: Bob's button is off and says why; a call from Ada is answered with the reason.
    const bobCall = bob.page.getByRole('button', { name: 'Call Ada laptop' });
    await expect(bobCall).toBeDisabled();
    await expect(bobCall).toHaveAccessibleDescription(
      /browsers allow the microphone only on secure \(https\) pages\. To talk, install the Ferry app or open Ferry over https\./,
    );
    await ada.page.getByRole('button', { name: 'Call Bob phone' }).click();
    await expect(conversation(ada, bob)).toContainText(
      'Bob phone’s browser can’t take calls over this address (plain http gives it no microphone).',
    );
    await expect(conversation(bob, ada)).toContainText(
      'Ada laptop called, but this browser can’t take calls over this address',
    );
    await expect(bob.page.getByRole('alertdialog', { name: 'Incoming call' })).toHaveCount(0);
    await expect(ada.page.getByRole('button', { name: 'Call Bob phone' })).toBeEnabled();

    // A file within the limit: the offer states the limit, the file arrives, and the download is
    // byte for byte what Ada sent.
    const file = join(base, 'holiday.mov');
    await writePatternFile(file, 12 * MiB + 12_345, 21);
    await ada.page.getByLabel('Files to send to Bob phone').setInputFiles([file]);
    const offer = transferCard(bob.page, 'in', 'Ada laptop').last();
    await expect(offer).toContainText(
      'This browser can receive up to 1 GB at a time here; for larger files, open Ferry over https or install the Ferry app.',
    );
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(offer.getByTestId('transfer-status')).toHaveText('Received. Every file was checked.', {
      timeout: 150_000,
    });
    await expect(transferCard(ada.page, 'out', 'Bob phone').last().getByTestId('transfer-status')).toHaveText(
      'Sent. Bob phone has every file, checked.',
    );
    const downloading = bob.page.waitForEvent('download');
    await offer.getByRole('button', { name: 'Download holiday.mov' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('holiday.mov');
    const saved = join(base, 'downloaded.mov');
    await download.saveAs(saved);
    expect(await sha256OfPath(saved)).toBe(await sha256OfPath(file));
  });

  test('a file over the limit is declined before anyone is asked, and both sides see the sentence', async ({
    browser,
  }) => {
    const { ada, bob } = await sharedSetup(browser);
    await pair(ada, bob);
    // Sparse: nothing is read, since the offer is declined before any byte moves.
    const big = join(base, 'disk-image.iso');
    await (await fs.open(big, 'w')).close();
    await fs.truncate(big, 1_200_000_000);
    await ada.page.getByLabel('Files to send to Bob phone').setInputFiles([big]);

    await expect(transferCard(ada.page, 'out', 'Bob phone').last().getByTestId('transfer-status')).toHaveText(
      'Not sent: Bob phone’s browser can receive up to 1 GB at a time over this address. For larger files, Bob phone can open Ferry over https or install the Ferry app.',
    );
    const card = transferCard(bob.page, 'in', 'Ada laptop').last();
    await expect(card.getByTestId('transfer-status')).toHaveText(
      'Not received: this browser can receive up to 1 GB at a time here. For larger files, open Ferry over https or install the Ferry app.',
    );
    await expect(card.getByRole('button', { name: 'Accept' })).toHaveCount(0);
  });
});
