/**
 * File transfer between two browser peers (Chromium contexts), the receiving one writing through
 * the desktop app's real receive-folder services on a temporary folder (see transfer-support.ts),
 * so every check here is made on files on disk.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { TRANSFER_CHUNK_BYTES, TRANSFER_FRAME_HEADER_BYTES } from '../contracts/transfer';
import { startSignalingService, type RunningSignalingService } from '../signaling/src/service';
import { fireCommand, installCallSeams, trayPeerId } from './support/desktop-fake';
import {
  WEB_CLIENT_DIR,
  conversation,
  expect,
  type openPeer,
  pair,
  sendChat,
  test,
  type Peer,
  openAdaAndBob,
} from './support/fixtures';
import { deviceIdOf } from './support/identity';
import {
  callsCounted,
  connectionCount,
  countCalls,
  cutConnections,
  installReceiveFolder,
  installSendSources,
  listFiles,
  opfsDigests,
  recordPeerConnections,
  sha256OfFile,
  tempDir,
  transferCard,
  withInitScript,
  writePatternFile,
  RECEIVED,
  SENT,
  accept,
  receivedAtLeast,
  sendFiles,
  status,
  type ReceiveFolderFaults,
  type ReceiveFolderSeam,
} from './transfer-support';

const MiB = 1024 * 1024;

let base: string;

test.beforeEach(async () => {
  base = await tempDir('ferry-e2e-transfer-');
});

/** Services a test started again after closing its fixture's (closed after the test). */
const restartedServices: RunningSignalingService[] = [];

test.afterEach(async () => {
  for (const service of restartedServices.splice(0)) await service.close();
  await fs.rm(base, { recursive: true, force: true });
});

/** Ada sends, Bob receives into a real folder on disk. */
async function adaSendsToBob(
  browser: Parameters<typeof openPeer>[0],
  url: string,
  beforePairing?: (ada: Peer, bob: Peer) => Promise<void>,
  faults?: ReceiveFolderFaults,
): Promise<{ ada: Peer; bob: Peer; seam: ReceiveFolderSeam }> {
  const { ada, bob } = await openAdaAndBob(browser, url);
  await beforePairing?.(ada, bob);
  const seam = await installReceiveFolder(bob, join(base, 'bob'), faults);
  await pair(ada, bob);
  return { ada, bob, seam };
}

/**
 * Ada sends Bob a 48 MiB file (her peer connections recorded, so a test can cut them) and Bob
 * accepts; returns once the first 6 MiB are on Bob's disk.
 */
async function longTransferUnderWay(
  browser: Parameters<typeof openPeer>[0],
  url: string,
  name: string,
  seed: number,
) {
  const sides = await adaSendsToBob(browser, url, (ada) => recordPeerConnections(ada));
  const file = join(base, name);
  const size = 48 * MiB;
  await writePatternFile(file, size, seed);
  await sendFiles(sides.ada, [file]);
  await accept(sides.bob);
  await receivedAtLeast(sides.bob, 6 * MiB);
  return { ...sides, file, size };
}

test.describe('file transfer', () => {
  test('files of 0 B, 1 B, one chunk, one chunk + 1 B, 64 MiB and a nested folder arrive with identical SHA-256', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(150_000);
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
    const sizes: [string, number][] = [
      ['empty.bin', 0],
      ['one-byte.bin', 1],
      ['one-chunk.bin', TRANSFER_CHUNK_BYTES],
      ['chunk-plus-one.bin', TRANSFER_CHUNK_BYTES + 1],
      ['big-64MiB.bin', 64 * MiB],
    ];
    const sources = join(base, 'ada');
    await fs.mkdir(sources, { recursive: true });
    for (const [index, [name, size]] of sizes.entries())
      await writePatternFile(join(sources, name), size, index + 1);

    await sendFiles(
      ada,
      sizes.map(([name]) => join(sources, name)),
    );
    const offer = transferCard(bob.page, 'in', 'Ada laptop');
    await expect(offer).toContainText('Ada laptop wants to send you 5 files, 67.6 MB.');
    await accept(bob);
    // Progress is shown while the big file moves.
    await receivedAtLeast(bob, 8 * MiB);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 120_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);

    expect(await listFiles(seam.folder)).toEqual(sizes.map(([name]) => name).sort());
    for (const [name] of sizes) {
      expect(await sha256OfFile(join(seam.folder, name)), name).toBe(await sha256OfFile(join(sources, name)));
    }

    // A nested folder keeps its structure and lands under one folder.
    const album = join(base, 'Album');
    const tree = ['a.txt', 'sub/b.bin', 'sub/deeper/c.bin', 'sub/deeper/empty.txt'];
    for (const [index, path] of tree.entries()) {
      await fs.mkdir(join(album, path, '..'), { recursive: true });
      await writePatternFile(
        join(album, path),
        path.includes('empty') ? 0 : 1000 * (index + 1) + 7,
        50 + index,
      );
    }
    await fs.mkdir(join(seam.folder, 'Album'), { recursive: true }); // Bob already has an "Album"
    await ada.page.getByLabel('Folder to send to Bob desktop').setInputFiles(album);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    const received = (await listFiles(seam.folder)).filter((path) => path.startsWith('Album (1)/'));
    expect(received).toEqual(tree.map((path) => `Album (1)/${path}`).sort());
    for (const path of tree) {
      expect(await sha256OfFile(join(seam.folder, 'Album (1)', path)), path).toBe(
        await sha256OfFile(join(album, path)),
      );
    }
  });

  test('declined: both sides say so and nothing is written', async ({ browser, signaling }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
    const file = join(base, 'offer.txt');
    await writePatternFile(file, 5000, 9);
    await sendFiles(ada, [file]);
    await expect(bob.page.getByTestId('announcer')).toContainText(
      'Ada laptop wants to send you 1 file, 5 kB.',
    );
    await transferCard(bob.page, 'in', 'Ada laptop').getByRole('button', { name: 'Decline' }).click();
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText('You declined these files.');
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText('Bob desktop declined these files.');
    expect(await listFiles(seam.folder)).toEqual([]);
  });

  for (const who of ['sender', 'receiver'] as const) {
    test(`cancelled by the ${who} mid-transfer: both sides show it, no .part is presented as done`, async ({
      browser,
      signaling,
    }) => {
      const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
      const file = join(base, 'movie.bin');
      await writePatternFile(file, 48 * MiB, 3);
      await sendFiles(ada, [file]);
      await accept(bob);
      await receivedAtLeast(bob, 2 * MiB);
      const canceller = who === 'sender' ? ada : bob;
      await transferCard(
        canceller.page,
        who === 'sender' ? 'out' : 'in',
        who === 'sender' ? 'Bob desktop' : 'Ada laptop',
      )
        .getByRole('button', { name: 'Cancel transfer' })
        .click();
      await expect(status(ada, 'out', 'Bob desktop')).toHaveText(
        who === 'sender' ? 'You cancelled this transfer.' : 'Bob desktop cancelled this transfer.',
      );
      await expect(status(bob, 'in', 'Ada laptop')).toHaveText(
        who === 'receiver' ? 'You cancelled this transfer.' : 'Ada laptop cancelled this transfer.',
      );
      // The partial is removed, and nothing was presented as a finished file.
      await expect.poll(() => listFiles(seam.folder)).toEqual([]);
      await expect(
        transferCard(bob.page, 'in', 'Ada laptop').getByRole('button', { name: 'Open' }),
      ).toHaveCount(0);
    });
  }

  test('resume: the connection is cut mid-file, the devices reconnect, the rest arrives and the hash matches', async ({
    browser,
    signaling,
  }) => {
    // Cut, wait out the service's restart, reconnect by presence, resume: slow on a loaded machine.
    test.setTimeout(240_000);
    const { ada, bob, seam, file, size } = await longTransferUnderWay(
      browser,
      signaling.url,
      'backup.tar',
      4,
    );

    // The service is down while the cut is looked at, so the devices (which remember each other)
    // cannot meet again before the checks below; they do once it is back.
    const port = signaling.port;
    await signaling.close();
    await cutConnections(ada.page);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(
      'Connection lost. The transfer continues when you are connected to Ada laptop again.',
    );
    // What reached Bob's disk before the cut stays as a .part.
    expect(await listFiles(seam.folder)).toEqual(['backup.tar.part']);
    const keptBeforeReconnect = (await fs.stat(join(seam.folder, 'backup.tar.part'))).size;
    const writtenBeforeReconnect = seam.bytesWritten();
    expect(keptBeforeReconnect).toBe(writtenBeforeReconnect);
    expect(keptBeforeReconnect).toBeGreaterThan(0);
    expect(keptBeforeReconnect).toBeLessThan(size);

    // The service comes back: the devices find each other without a code (the `online` event
    // skips the presence back-off), and the transfer resumes by itself.
    const restarted = await startSignalingService({
      host: '127.0.0.1',
      port,
      staticDir: WEB_CLIENT_DIR,
      iceServers: [],
    });
    restartedServices.push(restarted);
    for (const peer of [ada, bob]) await peer.page.evaluate(() => window.dispatchEvent(new Event('online')));

    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 120_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await listFiles(seam.folder)).toEqual(['backup.tar']);
    expect(await sha256OfFile(join(seam.folder, 'backup.tar'))).toBe(await sha256OfFile(file));
    // After reconnecting, exactly the missing bytes were written: none twice, none skipped.
    expect(seam.bytesWritten() - writtenBeforeReconnect).toBe(size - keptBeforeReconnect);
  });

  test('the bulk connection alone fails mid-file: chat goes on, the transfer resumes over a new one without re-pairing or the service', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(150_000);
    const { ada, bob, seam, file, size } = await longTransferUnderWay(browser, signaling.url, 'video.mkv', 6);
    await signaling.close();

    // Ada's second connection (the first is the control connection) goes away on its own.
    expect(await connectionCount(ada.page)).toBe(2);
    await cutConnections(ada.page, 1);

    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 120_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await listFiles(seam.folder)).toEqual(['video.mkv']);
    expect(await sha256OfFile(join(seam.folder, 'video.mkv'))).toBe(await sha256OfFile(file));
    // Every byte reached the disk once: what was written before the loss was not written again.
    expect(seam.bytesWritten()).toBe(size);
    // A new bulk connection was made, and the devices never went offline.
    expect(await connectionCount(ada.page)).toBe(3);
    await expect(bob.page.getByTestId('presence')).toHaveText('Online');
    await sendChat(bob, ada, 'got it all');
    await expect(conversation(ada, bob).getByText('got it all')).toBeVisible();
  });

  test('hostile names from a peer land safely inside the receive folder', async ({ browser, signaling }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
    const hostile = ['../../x', '/etc/x', 'C:\\x', 'con.txt', 'bad\u0001name\u202e.txt', 'a/../../../b.txt'];
    // A synthetic drop with File objects made in the page: names no real file system would allow.
    await ada.page.evaluate((names) => {
      const data = new DataTransfer();
      for (const name of names) data.items.add(new File([`content of ${name}`], name));
      const drag = (type: string) =>
        new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true });
      window.dispatchEvent(drag('dragenter'));
      window.dispatchEvent(drag('drop'));
    }, hostile);
    const offer = transferCard(bob.page, 'in', 'Ada laptop');
    await expect(offer).toContainText('6 files');
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    const landed = await listFiles(seam.folder);
    // Climbing, absolute and drive paths are cut down, reserved and control characters replaced,
    // and "x" sent twice becomes "x (1)".
    expect(landed).toEqual(['_con.txt', 'a/b.txt', 'bad_name_.txt', 'etc/x', 'x', 'x (1)']);
    expect(await listFiles(join(base, 'bob'))).toEqual(
      [...landed.map((path) => `Ferry/${path}`), 'receive-resume.log'].sort(),
    );
  });

  test('a chunk corrupted on the way is caught by the digest check on both sides', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url, async (ada) => {
      // Flips one byte of the third bulk frame Ada sends: damage the checksum must catch.
      await withInitScript(
        ada,
        (headerBytes: number) => {
          const send = RTCDataChannel.prototype.send;
          let frames = 0;
          RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
            if (this.label === 'ferry-bulk' && ++frames === 3) {
              const bytes = data as Uint8Array;
              bytes[headerBytes + 1000] = (bytes[headerBytes + 1000] ?? 0) ^ 0x5a;
            }
            return send.call(this, data);
          };
        },
        TRANSFER_FRAME_HEADER_BYTES,
      );
    });
    const file = join(base, 'photo.raw');
    await writePatternFile(file, 6 * TRANSFER_CHUNK_BYTES, 7);
    await sendFiles(ada, [file]);
    await accept(bob);
    const damaged =
      'The transfer stopped: a file arrived damaged (its checksum didn’t match) and was not kept.';
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(damaged);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(damaged);
    expect(await listFiles(seam.folder)).toEqual([]);
  });

  test('the browser client without desktop services saves into OPFS and offers a download', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);
    const file = join(base, 'notes.bin');
    await writePatternFile(file, 3 * TRANSFER_CHUNK_BYTES + 5, 8);
    await sendFiles(ada, [file]);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(
      transferCard(bob.page, 'in', 'Ada laptop').getByRole('button', { name: 'Download notes.bin' }),
    ).toBeVisible();
    expect(await opfsDigests(bob, ['notes.bin'])).toEqual({ 'notes.bin': await sha256OfFile(file) });
  });

  test('browser clients read and receive file bytes in workers, not on the page; the bulk connection fails mid-file and the file resumes into OPFS intact', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(150_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await recordPeerConnections(ada);
    // Ada's page cuts no slice from the file it sends (it is read in a worker), and Bob's page
    // listens to no bulk channel (each incoming one is handed to the storage worker as it is made).
    const slices = { className: 'Blob', method: 'slice' } as const;
    const bulkListeners = {
      className: 'RTCDataChannel',
      method: 'addEventListener',
      label: 'ferry-bulk',
      firstArg: 'message',
    } as const;
    await countCalls(ada, slices);
    await countCalls(bob, bulkListeners);
    await pair(ada, bob);
    const file = join(base, 'film.mkv');
    await writePatternFile(file, 48 * MiB + 123, 71);
    await sendFiles(ada, [file]);
    await accept(bob);
    await receivedAtLeast(bob, 4 * MiB);
    // Ada's second connection (the first is the control connection) goes away on its own.
    await cutConnections(ada.page, 1);

    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 120_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await callsCounted(bob, bulkListeners)).toBe(0);
    expect(await callsCounted(ada, slices)).toBe(0);
    expect(await connectionCount(ada.page)).toBe(3);
    expect(await opfsDigests(bob, ['film.mkv'])).toEqual({ 'film.mkv': await sha256OfFile(file) });
  });

  test('a 128 MiB transfer, the receiver’s page closed at one third and opened again: it resumes by itself and the SHA-256 on disk matches', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(240_000);
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    // Frames Ada puts on the bulk channel: a transfer started over would send the first third again.
    const bulkSends = { className: 'RTCDataChannel', method: 'send', label: 'ferry-bulk' } as const;
    await countCalls(ada, bulkSends);
    await pair(ada, bob);
    const file = join(base, 'archive.bin');
    const size = 128 * MiB;
    await writePatternFile(file, size, 97);
    await sendFiles(ada, [file]);
    await accept(bob);
    await receivedAtLeast(bob, size / 3);

    await bob.page.close();
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(
      'Connection lost. The transfer continues when you are connected to Bob desktop again.',
    );
    const page = await bob.context.newPage();
    await page.goto(signaling.url);
    const bobAgain: Peer = { ...bob, page };
    await expect(page.getByText(`This device: ${bob.name}`)).toBeVisible();
    await page.getByRole('button', { name: /^Ada laptop, / }).click();
    // Nobody answers anything: no code, no Accept.
    await expect(status(bobAgain, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 180_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await opfsDigests(bobAgain, ['archive.bin'])).toEqual({ 'archive.bin': await sha256OfFile(file) });
    // Went on from Bob's disk: at most the credit window (16 MiB) in flight at the close went twice.
    const frames = await callsCounted(ada, bulkSends);
    expect(frames).toBeLessThan(Math.ceil((size + 20 * MiB) / TRANSFER_CHUNK_BYTES));
    // One transfer, one card on each side (the history has one line for it, not two).
    await expect(transferCard(page, 'in', 'Ada laptop')).toHaveCount(1);
    await expect(transferCard(ada.page, 'out', 'Bob desktop')).toHaveCount(1);
    // Nothing is left to resume on Bob's side: the journal of the bytes on disk is empty again.
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const handle = await (await navigator.storage.getDirectory()).getFileHandle('ferry-resume.log');
          return (await handle.getFile()).text();
        }),
      )
      .toBe('{"ferryResumeJournal":1}\n');
  });

  test('the browser client saves a folder into OPFS, also after what it received was removed, and keeps no resume records once done', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await pair(ada, bob);
    /** Writes the same tree under `name`; returns where its files land and their SHA-256 by that path. */
    const folderNamed = async (name: string) => {
      const root = join(base, name);
      const sent: Record<string, string> = {};
      for (const [index, path] of ['a.txt', 'sub/b.bin', 'sub/deeper/c.bin'].entries()) {
        await fs.mkdir(join(root, path, '..'), { recursive: true });
        await writePatternFile(join(root, path), 70_000 * (index + 1) + 3, 60 + index);
        sent[`${name}/${path}`] = await sha256OfFile(join(root, path));
      }
      return { root, sent };
    };
    const album = await folderNamed('Album');
    await ada.page.getByLabel('Folder to send to Bob desktop').setInputFiles(album.root);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    expect(await opfsDigests(bob, Object.keys(album.sent))).toEqual(album.sent);

    // Everything received is removed behind the store's back (as clearing site data would). The
    // next folder, under a name the store has not seen, still lands: looked up through the removed
    // folder's handle, it fails once and is found again through fresh handles.
    await bob.page.evaluate(async () => {
      await (await navigator.storage.getDirectory()).removeEntry('received', { recursive: true });
    });
    const trip = await folderNamed('Trip');
    await ada.page.getByLabel('Folder to send to Bob desktop').setInputFiles(trip.root);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    expect(await opfsDigests(bob, Object.keys(trip.sent))).toEqual(trip.sent);

    // Nothing is left to resume: the journal of resume records holds only its header line.
    const journal = await bob.page.evaluate(async () => {
      const handle = await (await navigator.storage.getDirectory()).getFileHandle('ferry-resume.log');
      return (await handle.getFile()).text();
    });
    expect(journal.trim().split('\n')).toEqual(['{"ferryResumeJournal":1}']);
  });
});

test.describe('file transfer: trust, drop targets, retry, the tray', () => {
  test('an offer from a trusted device starts without the Accept click, and the choice is kept', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
    const trust = bob.page.getByLabel('Accept files from Ada laptop automatically');
    await expect(trust).not.toBeChecked();
    await trust.check();
    await expect(trust).toBeChecked();

    const file = join(base, 'trusted.bin');
    await writePatternFile(file, 3 * TRANSFER_CHUNK_BYTES + 11, 21);
    await sendFiles(ada, [file]);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    // It never asked.
    await expect(
      transferCard(bob.page, 'in', 'Ada laptop').getByRole('button', { name: 'Accept' }),
    ).toHaveCount(0);
    expect(await sha256OfFile(join(seam.folder, 'trusted.bin'))).toBe(await sha256OfFile(file));

    // Saved with the settings, under Ada's device id, so it outlives a reload.
    const adaId = await deviceIdOf(ada.page);
    const saved = await bob.page.evaluate(
      () => JSON.parse(localStorage.getItem('ferry.settings.v1') ?? '{}') as Record<string, unknown>,
    );
    expect(saved['pairedDevices']).toEqual({ [adaId]: { autoAccept: true } });
  });

  test('files dropped on a device in the sidebar light it up and go to that device', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url);
    // No conversation open: the sidebar entry is the only drop target.
    await ada.page.getByRole('button', { name: 'Pair a device' }).click();
    const entry = ada.page.getByTestId('device-entry').filter({ hasText: 'Bob desktop' });
    const contents = { 'dropped-a.txt': 'first dropped file', 'dropped-b.txt': 'x'.repeat(300_000) };
    await entry.evaluate((target, files) => {
      const data = new DataTransfer();
      for (const [name, text] of Object.entries(files)) data.items.add(new File([text], name));
      (window as unknown as { __ferryDrop: DataTransfer }).__ferryDrop = data;
      target
        .querySelector('button')
        ?.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, contents);
    await expect(entry).toHaveClass(/drop-over/);
    await expect(entry.getByRole('status')).toHaveText('Drop to send to Bob desktop');
    await entry.evaluate((target) => {
      const data = (window as unknown as { __ferryDrop: DataTransfer }).__ferryDrop;
      target
        .querySelector('button')
        ?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await expect(entry).not.toHaveClass(/drop-over/);

    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    for (const [name, text] of Object.entries(contents)) {
      expect(await sha256OfFile(join(seam.folder, name)), name).toBe(
        createHash('sha256').update(text).digest('hex'),
      );
    }
  });

  test('disk full on the receiver: both sides say so, the partial stays, and Retry finishes it with a matching hash', async ({
    browser,
    signaling,
  }) => {
    test.setTimeout(90_000);
    const size = 12 * MiB;
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url, undefined, {
      failOnce: { afterBytes: 4 * MiB, errno: 'ENOSPC' },
    });
    const file = join(base, 'archive.zip');
    await writePatternFile(file, size, 31);
    await sendFiles(ada, [file]);
    await accept(bob);

    const reason = 'The transfer stopped: the receiving disk is full. What arrived so far is kept.';
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(reason);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(reason);
    const bobCard = transferCard(bob.page, 'in', 'Ada laptop');
    await expect(bobCard).toContainText('When that is fixed, press Retry: it continues from what arrived.');
    await expect(transferCard(ada.page, 'out', 'Bob desktop')).toContainText(
      'It continues from what arrived when Bob desktop fixes this and retries.',
    );
    await expect(
      transferCard(ada.page, 'out', 'Bob desktop').getByRole('button', { name: 'Retry' }),
    ).toHaveCount(0);
    expect(await listFiles(seam.folder)).toEqual(['archive.zip.part']);
    const kept = (await fs.stat(join(seam.folder, 'archive.zip.part'))).size;
    expect(kept).toBe(seam.bytesWritten());
    expect(kept).toBeGreaterThan(0);

    // Space was freed (the injected failure happens once).
    await bobCard.getByRole('button', { name: 'Retry' }).click();
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 60_000 });
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await listFiles(seam.folder)).toEqual(['archive.zip']);
    expect(await sha256OfFile(join(seam.folder, 'archive.zip'))).toBe(await sha256OfFile(file));
    // It went on from the kept bytes: nothing was written twice.
    expect(seam.bytesWritten()).toBe(size);
  });

  test('the history of transfers survives a reload on both sides', async ({ browser, signaling }) => {
    const { ada, bob } = await adaSendsToBob(browser, signaling.url);
    const file = join(base, 'minutes.txt');
    await writePatternFile(file, 4321, 51);
    await sendFiles(ada, [file]);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);

    for (const peer of [ada, bob]) {
      await peer.page.reload();
      await expect(peer.page.getByText(`This device: ${peer.name}`)).toBeVisible();
    }
    // The devices remember each other: each opens the conversation from its sidebar, no code.
    await ada.page.getByRole('button', { name: /^Bob desktop, / }).click();
    await bob.page.getByRole('button', { name: /^Ada laptop, / }).click();
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(transferCard(bob.page, 'in', 'Ada laptop')).toContainText('saved as minutes.txt');
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    await expect(transferCard(ada.page, 'out', 'Bob desktop')).toContainText('minutes.txt');
  });

  test('the tray’s “Send files…”: the paths main’s dialog chose are offered, read by path, and arrive intact', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob, seam } = await adaSendsToBob(browser, signaling.url, async (ada) => {
      await installSendSources(ada);
      await installCallSeams(ada, { desktop: true });
    });
    const sources = join(base, 'chosen');
    await fs.mkdir(join(sources, 'Trip'), { recursive: true });
    const chosen = [join(sources, 'report.pdf'), join(sources, 'Trip')];
    await writePatternFile(chosen[0] ?? '', 2 * TRANSFER_CHUNK_BYTES + 3, 41);
    await writePatternFile(join(sources, 'Trip', 'day1.jpg'), 700_000, 42);

    // What main sends after the dialog closes with these paths (electron/main/services/send-files-dialog.ts).
    await ada.page.getByRole('button', { name: 'Pair a device' }).click();
    const bobId = await trayPeerId(ada, 'Bob desktop');
    await fireCommand(ada, { type: 'send-paths', peerId: bobId, paths: chosen });
    await expect(ada.page.getByRole('heading', { level: 1, name: 'Bob desktop' })).toBeVisible();
    await expect(transferCard(bob.page, 'in', 'Ada laptop')).toContainText('2 files');
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED);
    await expect(status(ada, 'out', 'Bob desktop')).toHaveText(SENT);
    expect(await listFiles(seam.folder)).toEqual(['Trip/day1.jpg', 'report.pdf']);
    expect(await sha256OfFile(join(seam.folder, 'report.pdf'))).toBe(await sha256OfFile(chosen[0] ?? ''));
    expect(await sha256OfFile(join(seam.folder, 'Trip', 'day1.jpg'))).toBe(
      await sha256OfFile(join(sources, 'Trip', 'day1.jpg')),
    );
  });
});
