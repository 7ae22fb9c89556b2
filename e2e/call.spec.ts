/**
 * Voice calls between two Chromium contexts with fake microphones (Chromium's fake capture device
 * beeps), over the pair's own peer connection.
 *
 * Ada's page runs with a fake `window.ferry`, so her calls start through the same renderer action
 * the tray menu invokes (an AppCommand from main), not a window button. Audio is checked in
 * getStats figures: packets received on each side, and the energy of what Bob hears while Ada is
 * muted and unmuted.
 */
import * as fs from 'node:fs/promises';
import { join } from 'node:path';
import { TRANSFER_CHUNK_BYTES } from '../contracts/transfer';
import { conversation, expect, pair, sendChat, test, type Peer, openAdaAndBob } from './support/fixtures';
import {
  audioLines,
  audioOver,
  callFigures,
  fireCommand,
  installCallSeams,
  lastTrayState,
  microphoneRequests,
  notifications,
  trayPeerId,
  withdrawnNotifications,
} from './support/desktop-fake';
import {
  installReceiveFolder,
  sha256OfFile,
  tempDir,
  transferCard,
  writePatternFile,
} from './transfer-support';

/** Energy per second of audio above which Bob hears the beeps, and below which it is silence. */
const AUDIBLE = 1e-4;
const SILENT = 1e-6;

function callBar(peer: Peer, other: Peer) {
  return peer.page.getByRole('region', { name: `Call with ${other.name}` });
}

function ring(peer: Peer) {
  return peer.page.getByRole('alertdialog', { name: 'Incoming call' });
}

async function expectInCall(peer: Peer, other: Peer): Promise<void> {
  await expect(callBar(peer, other).getByRole('status')).toHaveText(`In a call with ${other.name}`);
}

/** Back to idle: no ring, no call bar, and the call button usable again. */
async function expectIdle(peer: Peer, other: Peer): Promise<void> {
  await expect(callBar(peer, other)).toHaveCount(0);
  await expect(ring(peer)).toHaveCount(0);
  await expect(peer.page.getByRole('button', { name: `Call ${other.name}`, exact: true })).toBeEnabled();
}

/** Waits until `peer` has received at least `more` audio packets beyond what it had. */
async function expectPacketsGrow(peer: Peer, more: number): Promise<number> {
  const before = (await callFigures(peer))?.packetsReceived ?? 0;
  await expect
    .poll(async () => (await callFigures(peer))?.packetsReceived ?? 0)
    .toBeGreaterThan(before + more);
  return before;
}

test.describe('voice calls', () => {
  test('a call from the tray rings, connects audio both ways, mutes to silence and back, hangs up; a declined call ends on both sides', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await installCallSeams(ada, { desktop: true });
    await installCallSeams(bob);
    await pair(ada, bob);

    // What main does after "Call Bob desktop" in the tray menu.
    const bobId = await trayPeerId(ada, bob.name);
    expect((await lastTrayState(ada))?.peers).toEqual([{ id: bobId, name: bob.name, online: true }]);
    await fireCommand(ada, { type: 'call', peerId: bobId });

    await expect(callBar(ada, bob).getByRole('status')).toHaveText(`Calling ${bob.name}…`);
    await expect(ring(bob)).toBeVisible();
    await expect(ring(bob)).toContainText(`${ada.name} is calling you.`);
    // The caller's microphone opens with the call; the callee's only once they accept.
    expect(await microphoneRequests(ada)).toBe(1);
    expect(await microphoneRequests(bob)).toBe(0);
    await expect.poll(async () => (await lastTrayState(ada))?.call).toEqual({ peerId: bobId, muted: false });
    await ring(bob).getByRole('button', { name: 'Accept' }).click();

    await expectInCall(ada, bob);
    await expectInCall(bob, ada);
    expect(await microphoneRequests(bob)).toBe(1);
    const adaFrom = await expectPacketsGrow(ada, 50);
    const bobFrom = await expectPacketsGrow(bob, 50);
    // Messages go on beside the call.
    await sendChat(bob, ada, 'can you hear me?');
    await expect(conversation(ada, bob).getByText('can you hear me?')).toBeVisible();
    await expect(callBar(bob, ada).getByRole('meter', { name: 'Your microphone level' })).toBeVisible();
    await expect(callBar(bob, ada).getByRole('meter', { name: `${ada.name}’s audio level` })).toBeVisible();
    await expect(callBar(ada, bob)).toContainText(/Connection: (good|fair|poor)/);

    await expect.poll(async () => (await audioOver(ada, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);
    const beforeMute = await audioOver(bob, 1500);
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);

    // Mute from the tray, as main sends it; the window's toggle follows.
    await fireCommand(ada, { type: 'toggle-mute' });
    await expect(callBar(ada, bob).getByRole('button', { name: 'Unmute', exact: true })).toBeVisible();
    await expect.poll(async () => (await lastTrayState(ada))?.call?.muted).toBe(true);
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeLessThan(SILENT);
    const muted = await audioOver(bob, 1500);
    // Muted is silence, not a stopped stream: packets keep coming.
    expect(muted.packets).toBeGreaterThan(10);

    await callBar(ada, bob).getByRole('button', { name: 'Unmute', exact: true }).click();
    await expect(callBar(ada, bob).getByRole('button', { name: 'Mute', exact: true })).toBeVisible();
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);

    const adaTotal = (await callFigures(ada))?.packetsReceived ?? 0;
    const bobTotal = (await callFigures(bob))?.packetsReceived ?? 0;
    test.info().annotations.push({
      type: 'figures',
      description:
        `packets received: Ada ${adaFrom}→${adaTotal}, Bob ${bobFrom}→${bobTotal}; ` +
        `Bob hears energy/s ${beforeMute.energyPerSecond.toExponential(2)} unmuted, ` +
        `${muted.energyPerSecond.toExponential(2)} muted (${muted.packets} packets in 1.5 s)`,
    });

    await callBar(ada, bob).getByRole('button', { name: 'Hang up' }).click();
    await expectIdle(ada, bob);
    await expectIdle(bob, ada);
    await expect(
      conversation(ada, bob).getByText(new RegExp(`^Call with ${bob.name}, \\d+:\\d\\d$`)),
    ).toBeVisible();
    await expect(
      conversation(bob, ada).getByText(new RegExp(`^Call with ${ada.name}, \\d+:\\d\\d$`)),
    ).toBeVisible();
    await expect.poll(async () => (await lastTrayState(ada))?.call).toBeNull();
    // Bob's message during the call raised a notification (main shows it if Ada is not looking).
    expect(await notifications(ada)).toEqual([
      { kind: 'message', peerId: bobId, title: bob.name, body: 'can you hear me?' },
    ]);

    // A new call can follow, this time from Bob's window; Ada declines it.
    await bob.page.getByRole('button', { name: `Call ${ada.name}`, exact: true }).click();
    await expect(ring(ada)).toBeVisible();
    await expect
      .poll(() => notifications(ada))
      .toContainEqual({
        kind: 'call',
        peerId: expect.any(String),
        title: 'Incoming call',
        body: `${bob.name} is calling you.`,
      });
    await ring(ada).getByRole('button', { name: 'Decline' }).click();
    // The ringing is over: its notification is taken back (main closes it if it still shows).
    await expect
      .poll(() => withdrawnNotifications(ada))
      .toEqual([{ kind: 'call', peerId: expect.any(String) }]);
    await expectIdle(ada, bob);
    await expectIdle(bob, ada);
    await expect(conversation(bob, ada).getByText(`${ada.name} declined the call`)).toBeVisible();
    await expect(conversation(ada, bob).getByText(`You declined a call from ${bob.name}`)).toBeVisible();
  });

  test('an unanswered call stops ringing on both sides: no answer for the caller, a missed call for the callee', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await installCallSeams(ada, { desktop: true, ringTimeoutMs: 3_000 });
    await installCallSeams(bob, { desktop: true });
    await pair(ada, bob);

    await fireCommand(ada, { type: 'call', peerId: await trayPeerId(ada, bob.name) });
    await expect(ring(bob)).toBeVisible();
    await expect(conversation(ada, bob).getByText(`${bob.name} didn’t answer`)).toBeVisible();
    await expect(conversation(bob, ada).getByText(`Missed call from ${ada.name}`)).toBeVisible();
    await expectIdle(ada, bob);
    await expectIdle(bob, ada);
    expect(await microphoneRequests(bob)).toBe(0);
    // Bob, away from his window, was told of the ringing; when it rang out, that notification was
    // taken back and one for the missed call took its place.
    const adaId = await trayPeerId(bob, ada.name);
    await expect
      .poll(() => notifications(bob))
      .toEqual([
        { kind: 'call', peerId: adaId, title: 'Incoming call', body: `${ada.name} is calling you.` },
        { kind: 'missed-call', peerId: adaId, title: `Missed call from ${ada.name}`, body: '' },
      ]);
    expect(await withdrawnNotifications(bob)).toEqual([{ kind: 'call', peerId: adaId }]);

    // A ferry://pair link: "Enter a code" shows the code (Settings, open at the time, gives way),
    // and nothing joins until the person confirms.
    await ada.page.getByRole('button', { name: 'Settings' }).click();
    await expect(ada.page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
    await fireCommand(ada, { type: 'pair', code: 'K7M-Q2XW' });
    await expect(ada.page.getByRole('heading', { name: 'Settings', level: 1 })).toHaveCount(0);
    await expect(ada.page.getByLabel('Pairing code')).toHaveValue('K7M-Q2XW');
    await expect(ada.page.getByLabel('Pairing code')).toBeFocused();
    await expect(ada.page.getByText('This code came from a link.', { exact: false })).toBeVisible();
    await expect(ada.page.getByRole('button', { name: 'Connect' })).toBeEnabled();
  });

  test('with the signaling service stopped, a call from the other side still connects; closing a page ends it on both sides', async ({
    browser,
    signaling,
  }) => {
    const { ada, bob } = await openAdaAndBob(browser, signaling.url);
    await installCallSeams(ada, { desktop: true });
    await installCallSeams(bob);
    await pair(ada, bob);
    await signaling.close();

    // Bob did not start the connection: his track needs the other side to renegotiate. Ada
    // accepts as the Accept button of the call notification does.
    await bob.page.getByRole('button', { name: `Call ${ada.name}`, exact: true }).click();
    await expect(ring(ada)).toBeVisible();
    // The tray offers Accept and Decline while it rings (Linux notifications have no buttons).
    const bobId = await trayPeerId(ada, bob.name);
    await expect.poll(async () => (await lastTrayState(ada))?.ringing).toEqual({ peerId: bobId });
    await fireCommand(ada, { type: 'accept-call' });
    await expectInCall(ada, bob);
    await expectInCall(bob, ada);
    await expectPacketsGrow(ada, 50);
    await expectPacketsGrow(bob, 50);
    // Each hears the other (renegotiation from this side can leave a second, silent audio line).
    await expect.poll(async () => (await audioOver(ada, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);

    // Another microphone mid-call: its track replaces the old one, and Bob still hears Ada.
    const bar = callBar(ada, bob);
    await bar.getByText('Audio devices').click();
    const microphones = bar.getByRole('combobox', { name: 'Microphone' });
    const choices = await microphones
      .locator('option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value));
    const other = choices.at(-1) ?? '';
    expect(other).not.toBe('');
    await microphones.selectOption(other);
    await expect.poll(() => microphoneRequests(ada)).toBe(2);
    await expectPacketsGrow(bob, 50);
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);

    // Ada's tray offers Hang up; it ends the call for both.
    await fireCommand(ada, { type: 'hang-up' });
    await expectIdle(ada, bob);
    await expectIdle(bob, ada);
    const linesAfterFirstCall = await audioLines(ada, bobId);
    expect(linesAfterFirstCall).toBeGreaterThanOrEqual(1);

    // A new call, from the tray this time, on the audio lines the first call made (none added);
    // audio flows both ways again. Then Bob closes Ferry mid-call.
    await fireCommand(ada, { type: 'call', peerId: bobId });
    await ring(bob).getByRole('button', { name: 'Accept' }).click();
    await expectInCall(ada, bob);
    await expectInCall(bob, ada);
    await expectPacketsGrow(ada, 50);
    await expectPacketsGrow(bob, 50);
    await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);
    await expect.poll(async () => (await audioOver(ada, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);
    expect(await audioLines(ada, bobId)).toBe(linesAfterFirstCall);
    await bob.page.close({ runBeforeUnload: true });
    await expect(callBar(ada, bob)).toHaveCount(0);
    // Bob said goodbye on his way out (pagehide): a call that ended normally, not a lost one.
    await expect(
      conversation(ada, bob).getByText(new RegExp(`^Call with ${bob.name}, \\d+:\\d\\d$`)),
    ).toHaveCount(2);
    await expect.poll(async () => (await lastTrayState(ada))?.call).toBeNull();
  });

  test('calls, messages and transfers at the same time: chat both ways and a file arrive during a call, and the call carries on', async ({
    browser,
    signaling,
  }) => {
    const base = await tempDir('ferry-e2e-call-transfer-');
    try {
      const { ada, bob } = await openAdaAndBob(browser, signaling.url);
      await installCallSeams(ada, { desktop: true });
      await installCallSeams(bob);
      const seam = await installReceiveFolder(bob, join(base, 'bob'));
      await pair(ada, bob);

      await fireCommand(ada, { type: 'call', peerId: await trayPeerId(ada, bob.name) });
      await ring(bob).getByRole('button', { name: 'Accept' }).click();
      await expectInCall(ada, bob);
      await expectInCall(bob, ada);
      await expectPacketsGrow(bob, 50);

      // A file of a few chunks goes Ada → Bob while they talk, and chat goes both ways.
      const file = join(base, 'minutes.bin');
      await writePatternFile(file, 4 * TRANSFER_CHUNK_BYTES + 7, 11);
      await ada.page.getByLabel(`Files to send to ${bob.name}`).setInputFiles([file]);
      await sendChat(ada, bob, 'sending you the minutes');
      await transferCard(bob.page, 'in', ada.name).last().getByRole('button', { name: 'Accept' }).click();
      await sendChat(bob, ada, 'got them, thanks');
      await expect(conversation(bob, ada).getByText('sending you the minutes')).toBeVisible();
      await expect(conversation(ada, bob).getByText('got them, thanks')).toBeVisible();
      await expect(transferCard(bob.page, 'in', ada.name).last().getByTestId('transfer-status')).toHaveText(
        'Received. Every file was checked.',
      );
      expect(await sha256OfFile(join(seam.folder, 'minutes.bin'))).toBe(await sha256OfFile(file));

      // The call never noticed: still in the call on both sides, audio still flowing both ways.
      await expectInCall(ada, bob);
      await expectInCall(bob, ada);
      await expectPacketsGrow(ada, 50);
      await expect.poll(async () => (await audioOver(bob, 1500)).energyPerSecond).toBeGreaterThan(AUDIBLE);

      await callBar(bob, ada).getByRole('button', { name: 'Hang up' }).click();
      await expectIdle(ada, bob);
      await expectIdle(bob, ada);
    } finally {
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});
