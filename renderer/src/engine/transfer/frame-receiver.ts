/**
 * Where the frames of a bulk link are received. By default on the page's thread; a sink that
 * writes in a worker of its own (the browser client's OPFS worker) may take the incoming channel
 * into that worker instead (`HeldFrameStore`). Then a frame's bytes stay in the worker: the page
 * gets its header and a handle to the bytes (`HeldBytes`), decides what to do with them exactly as
 * it does with bytes in hand (incoming-transfer.ts), and a write of held bytes is done by the
 * worker. Measured on this machine (bench:receive-path, docs/transfer-performance.md), receiving
 * 256 KiB frames in the worker that writes and hashes them is 15–19 % faster than receiving them
 * on the page and posting them to the worker.
 */
import { decodeTransferFrame, type TransferFrame } from '../../../../contracts/transfer';
import type { IncomingChannelLike } from './bulk-link';

/** Bytes of a received frame that the receiving worker holds, from `start`, `byteLength` long. */
export interface HeldBytes {
  readonly held: number;
  readonly start: number;
  readonly byteLength: number;
}

/** A frame's payload: in this thread, or held where it was received. */
export type FrameBytes = Uint8Array | HeldBytes;

export interface ReceivedFrame extends Omit<TransferFrame, 'payload'> {
  readonly payload: FrameBytes;
}

export function isHeld(bytes: FrameBytes): bytes is HeldBytes {
  return !(bytes instanceof Uint8Array);
}

/** The bytes from `from` on. */
export function bytesFrom(bytes: FrameBytes, from: number): FrameBytes {
  if (!isHeld(bytes)) return bytes.subarray(from);
  const skip = Math.min(Math.max(from, 0), bytes.byteLength);
  return { held: bytes.held, start: bytes.start + skip, byteLength: bytes.byteLength - skip };
}

export interface FrameReceiver {
  /** Takes an incoming bulk channel, in the task that created it (see BulkChannelOptions). */
  adopt(channel: IncomingChannelLike): void;
  /** The link is done with a delivered frame (written, or dropped): held bytes can be let go. */
  release(bytes: FrameBytes): void;
  /** Closes the adopted channels; nothing more is delivered. */
  close(): void;
}

/** Opens the receiver of one bulk link, which hands each valid frame to `deliver`, in order. */
export type OpenFrameReceiver = (deliver: (frame: ReceivedFrame) => void) => FrameReceiver;

/**
 * A sink's own receiving (ReceiveSink.heldFrames): frames are received where the sink writes, and
 * it writes their held bytes by handle.
 */
export interface HeldFrameStore {
  readonly receive: OpenFrameReceiver;
  /** Like ReceiveSink.write, with bytes this store's receiver holds. */
  write(fileId: string, offset: number, bytes: HeldBytes): Promise<void>;
}

/** Decodes the frames arriving on a channel; anything that is not a valid frame is dropped. */
export function listenForFrames(channel: IncomingChannelLike, deliver: (frame: TransferFrame) => void): void {
  channel.binaryType = 'arraybuffer';
  channel.addEventListener('message', (event: MessageEvent) => {
    if (!(event.data instanceof ArrayBuffer)) return;
    const decoded = decodeTransferFrame(event.data);
    if (decoded.ok) deliver(decoded.value);
  });
}

/** Receives on this thread: the payloads are the channel's own bytes, nothing is held elsewhere. */
export const receiveFramesHere: OpenFrameReceiver = (deliver) => {
  const channels: IncomingChannelLike[] = [];
  let closed = false;
  return {
    adopt(channel) {
      channels.push(channel);
      listenForFrames(channel, (frame) => {
        if (!closed) deliver(frame);
      });
    },
    release: () => undefined,
    close() {
      closed = true;
      for (const channel of channels.splice(0)) {
        try {
          channel.close();
        } catch {
          // Already closed with its connection.
        }
      }
    },
  };
};
