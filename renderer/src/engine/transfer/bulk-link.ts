/**
 * The bulk data channel of one connection: binary transfer frames, kept apart from the control
 * channel so that a chat message never waits behind 16 MiB of file. It normally lives on a
 * connection of its own (bulk-connection.ts); the same channel on the control connection is the
 * fallback when that connection cannot be made.
 *
 * It is a negotiated channel with a fixed id, created by both peers, so no renegotiation is needed
 * (RFC 8832 §4: with `negotiated: true` neither side sends DATA_CHANNEL_OPEN). On the control
 * connection simple-peer's own channel gets a low, automatically assigned id; 1000 stays clear of it.
 *
 * Backpressure is our own, on `bufferedAmount` with `bufferedamountlow`, not simple-peer's stream
 * API (FIELD-NOTES: mixing the two can hang). Chromium closes a channel whose send queue passes
 * 16 MiB, so the high mark stays far below that.
 */
import { TRANSFER_FRAME_MAX_BYTES } from '../../../../contracts/transfer';

export const BULK_CHANNEL_LABEL = 'ferry-bulk';
export const BULK_CHANNEL_ID = 1000;
/** Stop handing frames to the channel above this many queued bytes… */
export const SEND_QUEUE_HIGH_BYTES = 4 * 1024 * 1024;
/** …and go on once it has drained below this. */
export const SEND_QUEUE_LOW_BYTES = 1024 * 1024;

/** The parts of RTCDataChannel the bulk link uses (tests pass an in-memory pair). */
export interface BulkChannelLike {
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: BinaryType;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
}

/**
 * Creates the bulk channel on a connection; both peers call this with the same id. A bulk link set
 * up again on the same control connection (generation 1, 2, …) takes a fresh id for its fallback
 * channel, so it never waits for the old channel's stream reset; MAX_BULK_GENERATION keeps every
 * id below Chromium's 1024 streams.
 */
export function openBulkChannel(connection: RTCPeerConnection, generation = 0): BulkChannelLike {
  // `priority` (W3C webrtc-priority; lib.dom lacks it) asks the SCTP scheduler to serve other
  // channels first. Measured on loopback it changed little: chat mostly waits behind bulk data
  // already in flight on the shared association, which no scheduler can reorder.
  const init: RTCDataChannelInit & { priority?: 'very-low' | 'low' | 'medium' | 'high' } = {
    negotiated: true,
    id: BULK_CHANNEL_ID + generation,
    ordered: true,
    priority: 'very-low',
  };
  return connection.createDataChannel(BULK_CHANNEL_LABEL, init);
}

export class BulkLinkClosedError extends Error {
  constructor() {
    super('bulk channel closed');
    this.name = 'BulkLinkClosedError';
  }
}

export class BulkLink {
  private closed = false;
  private readonly waiters = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();

  constructor(
    private readonly channel: BulkChannelLike,
    onFrame: (data: ArrayBuffer) => void,
    onClose: () => void,
  ) {
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = SEND_QUEUE_LOW_BYTES;
    const wake = () => {
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters.clear();
    };
    channel.addEventListener('open', wake);
    channel.addEventListener('bufferedamountlow', wake);
    channel.addEventListener('message', (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) onFrame(event.data);
    });
    channel.addEventListener('close', () => {
      this.fail();
      onClose();
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.channel.readyState === 'open';
  }

  /** Queued bytes not yet on the wire. */
  get queued(): number {
    return this.channel.bufferedAmount;
  }

  /**
   * Sends one frame once the channel is open and its queue is below the high mark. Rejects with
   * BulkLinkClosedError if the channel closes first.
   */
  async send(frame: Uint8Array<ArrayBuffer>): Promise<void> {
    if (frame.byteLength > TRANSFER_FRAME_MAX_BYTES) throw new RangeError('frame larger than maxMessageSize');
    while (
      !this.closed &&
      (this.channel.readyState !== 'open' || this.channel.bufferedAmount > SEND_QUEUE_HIGH_BYTES)
    ) {
      await new Promise<void>((resolve, reject) => this.waiters.add({ resolve, reject }));
    }
    if (this.closed || this.channel.readyState !== 'open') throw new BulkLinkClosedError();
    try {
      this.channel.send(frame);
    } catch {
      // Chromium throws once the channel is closing; to the sender that is the same as closed.
      throw new BulkLinkClosedError();
    }
  }

  close(): void {
    this.fail();
    try {
      this.channel.close();
    } catch {
      // Already closed with its connection.
    }
  }

  private fail(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters) waiter.reject(new BulkLinkClosedError());
    this.waiters.clear();
  }
}
