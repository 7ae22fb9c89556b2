import { afterEach, describe, expect, it, vi } from 'vitest';
import { BulkLink, BulkLinkClosedError, SEND_QUEUE_HIGH_BYTES, SEND_QUEUE_RECHECK_MS } from './bulk-link';
import { FakeBulkChannel } from './testing/transfer-harness';

afterEach(() => {
  vi.useRealTimers();
});

/** A channel whose queue is over the high mark; it drains only when the test says. */
function fullChannel() {
  const channel = new FakeBulkChannel();
  channel.bufferedAmount = SEND_QUEUE_HIGH_BYTES + 1;
  const sent: number[] = [];
  channel.send = (data) => void sent.push(data.byteLength);
  return { channel, sent };
}

describe('the bulk link’s backpressure', () => {
  it('waits while the send queue is over the high mark and sends once bufferedamountlow says it drained', async () => {
    const { channel, sent } = fullChannel();
    const link = new BulkLink(
      channel,
      () => undefined,
      () => undefined,
    );
    const sending = link.send(new Uint8Array(100));
    await Promise.resolve();
    expect(sent).toEqual([]);
    channel.bufferedAmount = 0;
    channel.fire('bufferedamountlow');
    await sending;
    expect(sent).toEqual([100]);
  });

  it('looks at the queue again by itself when the event never comes (node-webrtc misses it)', async () => {
    vi.useFakeTimers();
    const { channel, sent } = fullChannel();
    const link = new BulkLink(
      channel,
      () => undefined,
      () => undefined,
    );
    const sending = link.send(new Uint8Array(100));
    await vi.advanceTimersByTimeAsync(SEND_QUEUE_RECHECK_MS * 3);
    expect(sent).toEqual([]); // still full: it keeps waiting
    channel.bufferedAmount = 0; // drained, and no event
    await vi.advanceTimersByTimeAsync(SEND_QUEUE_RECHECK_MS);
    await sending;
    expect(sent).toEqual([100]);
  });

  it('fails a waiting send when the channel closes', async () => {
    const { channel } = fullChannel();
    const closed = vi.fn();
    const link = new BulkLink(channel, () => undefined, closed);
    const sending = link.send(new Uint8Array(100));
    channel.close();
    await expect(sending).rejects.toBeInstanceOf(BulkLinkClosedError);
    expect(closed).toHaveBeenCalledOnce();
  });
});
