/**
 * A bare RTCDataChannel between two pages, for comparison with Ferry on the same path: one
 * reliable, ordered channel, 64 KiB messages, the sender keeping at most 1 MiB buffered (refilled
 * on bufferedamountlow). The descriptions are handed across by the test (gathering completes
 * first), so no signaling is involved; the ICE servers are the lab's STUN and TURN, not public ones.
 */
import type { Page } from '@playwright/test';

interface BareChannelScope {
  __bare?: {
    pc: RTCPeerConnection;
    channel?: RTCDataChannel;
    received: number;
    first?: number;
    last?: number;
  };
}

/** Waits for gathering to end and returns the description to hand across. */
async function describe(page: Page, role: 'offer' | 'answer', iceServers: RTCIceServer[], remote?: string) {
  return page.evaluate(
    async ({ role, iceServers, remote }) => {
      const scope = window as unknown as BareChannelScope;
      const pc = new RTCPeerConnection({ iceServers });
      const state: NonNullable<BareChannelScope['__bare']> = { pc, received: 0 };
      scope.__bare = state;
      const gathered = new Promise<void>((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') resolve();
        });
      });
      if (role === 'offer') {
        state.channel = pc.createDataChannel('bare', { ordered: true });
        await pc.setLocalDescription(await pc.createOffer());
      } else {
        pc.addEventListener('datachannel', (event) => {
          state.channel = event.channel;
          event.channel.binaryType = 'arraybuffer';
          event.channel.addEventListener('message', (message: MessageEvent<ArrayBuffer>) => {
            const now = performance.now();
            state.first ??= now;
            state.received += message.data.byteLength;
            state.last = now;
          });
        });
        await pc.setRemoteDescription(JSON.parse(remote ?? '{}') as RTCSessionDescriptionInit);
        await pc.setLocalDescription(await pc.createAnswer());
      }
      await gathered;
      return JSON.stringify(pc.localDescription);
    },
    { role, iceServers, remote },
  );
}

/** MiB/s of `bytes` from `sender` to `receiver` over a fresh bare channel (first to last byte at the receiver). */
export async function bareChannelThroughput(
  sender: Page,
  receiver: Page,
  iceServers: RTCIceServer[],
  bytes: number,
): Promise<number> {
  const offer = await describe(sender, 'offer', iceServers);
  const answer = await describe(receiver, 'answer', iceServers, offer);
  await sender.evaluate(
    async ({ answer, bytes }) => {
      const state = (window as unknown as BareChannelScope).__bare;
      if (!state?.channel) throw new Error('no channel');
      const channel = state.channel;
      await state.pc.setRemoteDescription(JSON.parse(answer) as RTCSessionDescriptionInit);
      if (channel.readyState !== 'open') {
        await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
      }
      const chunk = new Uint8Array(64 * 1024);
      channel.bufferedAmountLowThreshold = 512 * 1024;
      for (let sent = 0; sent < bytes; sent += chunk.byteLength) {
        if (channel.bufferedAmount > 1024 * 1024) {
          await new Promise((resolve) =>
            channel.addEventListener('bufferedamountlow', resolve, { once: true }),
          );
        }
        channel.send(chunk.subarray(0, Math.min(chunk.byteLength, bytes - sent)));
      }
    },
    { answer, bytes },
  );
  const elapsedMs = await receiver.evaluate(async (bytes) => {
    const state = (window as unknown as BareChannelScope).__bare;
    const deadline = performance.now() + 10 * 60_000;
    while ((state?.received ?? 0) < bytes) {
      if (performance.now() > deadline)
        throw new Error(`bare channel: ${state?.received} of ${bytes} bytes in 10 min`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const elapsed = (state?.last ?? 0) - (state?.first ?? 0);
    state?.pc.close();
    return elapsed;
  }, bytes);
  await sender.evaluate(() => (window as unknown as BareChannelScope).__bare?.pc.close());
  return bytes / (1024 * 1024) / (elapsedMs / 1000);
}
