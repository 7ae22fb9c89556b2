import { describe, expect, it, vi } from 'vitest';
import { BulkLink, BulkLinkClosedError, SEND_QUEUE_HIGH_BYTES } from './bulk-link';
import { receiveFramesHere } from './frame-receiver';
import { FakeBulkChannel } from './testing/transfer-harness';

/**
 * A 100-byte send on a link whose channel's queue is over the high mark; the queue drains only
 * when the test says.
 */
function sendOnFullChannel(onClose: () => void = () => undefined) {
  const channel = new FakeBulkChannel();
  channel.bufferedAmount = SEND_QUEUE_HIGH_BYTES + 1;
  const sent: number[] = [];
  channel.send = (data) => void sent.push(data.byteLength);
  const link = new BulkLink(
    channel,
    receiveFramesHere(() => undefined),
    onClose,
  );
  return { channel, sent, sending: link.send(new Uint8Array(100)) };
}

describe('the bulk link’s backpressure', () => {
  it('waits while the send queue is over the high mark and sends once bufferedamountlow says it drained', async () => {
    const { channel, sent, sending } = sendOnFullChannel();
    await Promise.resolve();
    expect(sent).toEqual([]);
    channel.bufferedAmount = 0;
    channel.fire('bufferedamountlow');
    await sending;
    expect(sent).toEqual([100]);
  });

  it('fails a waiting send when the channel closes', async () => {
    const closed = vi.fn();
    const { channel, sending } = sendOnFullChannel(closed);
    channel.close();
    await expect(sending).rejects.toBeInstanceOf(BulkLinkClosedError);
    expect(closed).toHaveBeenCalledOnce();
  });
});
