/**
 * The bulk data channels of one connection: binary transfer frames, kept apart from the control
 * channel so that a chat message never waits behind 16 MiB of file. They normally live on a
 * connection of their own (bulk-connection.ts); the same channels on the control connection are
 * the fallback when that connection cannot be made.
 *
 * There is one channel per direction: each device sends on one and receives on the other, so the
 * receiving end can be handed to the worker that writes the files (the browser client's storage
 * worker; see frame-receiver.ts) while the page keeps sending. They are negotiated channels with
 * fixed ids, created by both peers, so no renegotiation is needed (RFC 8832 §4: with
 * `negotiated: true` neither side sends DATA_CHANNEL_OPEN). On the control connection
 * simple-peer's own channel gets a low, automatically assigned id; 1000 stays clear of it.
 *
 * Backpressure is our own, on `bufferedAmount` with `bufferedamountlow`, not simple-peer's stream
 * API (FIELD-NOTES: mixing the two can hang). Chromium closes a channel whose send queue passes
 * 16 MiB, so the high mark stays far below that.
 */
import { TRANSFER_FRAME_MAX_BYTES } from '../../../../contracts/transfer';
import type { FrameReceiver } from './frame-receiver';

export const BULK_CHANNEL_LABEL = 'ferry-bulk';
export const BULK_CHANNEL_ID = 1000;
/** Stop handing frames to the channel above this many queued bytes… */
export const SEND_QUEUE_HIGH_BYTES = 4 * 1024 * 1024;
/** …and go on once it has drained below this. */
export const SEND_QUEUE_LOW_BYTES = 1024 * 1024;

/** The parts of RTCDataChannel the bulk link sends with (tests pass an in-memory pair). */
export interface BulkChannelLike {
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
  removeEventListener(type: 'open' | 'close' | 'bufferedamountlow', listener: () => void): void;
}

/** The parts of RTCDataChannel frames are received with. */
export interface IncomingChannelLike {
  binaryType: BinaryType;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface BulkChannelOptions {
  /** Whether this device sends on the even id of the pair (the other device then sends on the odd one). */
  readonly sendsOnEvenId: boolean;
  /** How many times the bulk link was set up again on this connection (0 first). */
  readonly generation?: number;
  /**
   * Takes the receiving channel in the task that made it: only a channel not yet used can be
   * handed to a worker (FrameReceiver.adopt).
   */
  readonly adoptIncoming: (channel: IncomingChannelLike) => void;
}

/**
 * Creates the bulk channels on a connection, both peers with the same pair of ids, and returns
 * the one this device sends on. A bulk link set up again on the same control connection
 * (generation 1, 2, …) takes a fresh pair for its fallback channels, so it never waits for the old
 * channels' stream reset; MAX_BULK_GENERATION keeps every id below Chromium's 1024 streams.
 */
export function openBulkChannels(
  connection: RTCPeerConnection,
  options: BulkChannelOptions,
): BulkChannelLike {
  const evenId = BULK_CHANNEL_ID + 2 * (options.generation ?? 0);
  const create = (id: number) => {
    // `priority` (W3C webrtc-priority; lib.dom lacks it) asks the SCTP scheduler to serve other
    // channels first. Measured on loopback it changed little: chat mostly waits behind bulk data
    // already in flight on the shared association, which no scheduler can reorder.
    const init: RTCDataChannelInit & { priority?: 'very-low' | 'low' | 'medium' | 'high' } = {
      negotiated: true,
      id,
      ordered: true,
      priority: 'very-low',
    };
    return connection.createDataChannel(BULK_CHANNEL_LABEL, init);
  };
  const sending = create(options.sendsOnEvenId ? evenId : evenId + 1);
  options.adoptIncoming(create(options.sendsOnEvenId ? evenId + 1 : evenId));
  return sending;
}

export class BulkLinkClosedError extends Error {
  constructor() {
    super('bulk channel closed');
    this.name = 'BulkLinkClosedError';
  }
}

/**
 * One bulk link: the channel this device sends frames on, and the receiver of the frames that
 * arrive (on this thread, or in the worker that writes them). Its life is the sending channel's:
 * when that closes, the link is closed.
 */
export class BulkLink {
  private closed = false;
  private readonly waiters = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();

  constructor(
    private readonly channel: BulkChannelLike,
    private readonly frames: FrameReceiver,
    onClose: () => void,
  ) {
    channel.bufferedAmountLowThreshold = SEND_QUEUE_LOW_BYTES;
    const wake = () => {
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters.clear();
    };
    channel.addEventListener('open', wake);
    channel.addEventListener('bufferedamountlow', wake);
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
    this.frames.close();
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
