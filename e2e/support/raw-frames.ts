/**
 * A hostile peer for end-to-end tests: a browser peer that pairs through the UI like any other
 * and then writes raw frames on the real control data channel, past its own engine, so that the
 * other peer receives exactly what a modified client could send.
 */
import type { Browser } from '@playwright/test';
import { expect, type Peer } from './fixtures';

/** Runs in the page before Ferry: records every data channel it opens or is given, by label. */
function recordDataChannels(): void {
  const channels: Record<string, RTCDataChannel> = {};
  (window as unknown as { __ferryChannels: typeof channels }).__ferryChannels = channels;
  const Original = window.RTCPeerConnection;
  const create = Original.prototype.createDataChannel;
  Original.prototype.createDataChannel = function (
    this: RTCPeerConnection,
    label: string,
    init?: RTCDataChannelInit,
  ) {
    const channel = create.call(this, label, init);
    channels[label] = channel;
    return channel;
  };
  window.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener('datachannel', (event) => {
        channels[event.channel.label] = event.channel;
      });
    }
  };
}

/** A browser peer (as fixtures' openPeer) whose data channels a test can write to. */
export async function openHostilePeer(browser: Browser, url: string, name: string): Promise<Peer> {
  const context = await browser.newContext({ permissions: ['microphone'], locale: 'en-US' });
  await context.addInitScript(recordDataChannels);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByLabel('Device name').fill(name);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(`This device: ${name}`)).toBeVisible();
  return { name, context, page };
}

/**
 * Sends text frames on the hostile peer's control channel as fast as the channel takes them
 * (waiting when its buffer passes 4 MiB, as a sender must). Returns how many were sent.
 */
export async function sendRawControlFrames(peer: Peer, frames: readonly string[]): Promise<number> {
  return peer.page.evaluate(async (batch) => {
    const channel = (window as unknown as { __ferryChannels: Record<string, RTCDataChannel> })
      .__ferryChannels['ferry-control'];
    if (!channel || channel.readyState !== 'open') throw new Error('no open control channel');
    let sent = 0;
    for (const frame of batch) {
      while (channel.bufferedAmount > 4 * 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 5));
      channel.send(frame);
      sent++;
    }
    return sent;
  }, frames);
}
