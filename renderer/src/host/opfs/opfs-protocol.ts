/** Messages between the page and the OPFS worker (same origin, same build: typed, not parsed). */
import type { ReceiveBegin, ReceiveKey } from '../../../../contracts/file-ipc';
import type { TransferFrame } from '../../../../contracts/transfer';
import type { HeldBytes } from '../../engine/transfer/frame-receiver';

type WithoutId =
  | { readonly op: 'status'; readonly key: ReceiveKey }
  | { readonly op: 'begin'; readonly request: ReceiveBegin }
  | { readonly op: 'write'; readonly fileId: string; readonly offset: number; readonly bytes: Uint8Array }
  /** Writes bytes of a frame the worker received and holds (see frame-receiver.ts). */
  | { readonly op: 'write-held'; readonly fileId: string; readonly offset: number; readonly bytes: HeldBytes }
  | { readonly op: 'finish'; readonly fileId: string; readonly digest: string }
  | { readonly op: 'abort'; readonly fileId: string; readonly keepPartial: boolean }
  | { readonly op: 'forget'; readonly key: ReceiveKey; readonly discardPartials: boolean }
  | { readonly op: 'file'; readonly location: string };

export type OpfsRequestBody = WithoutId;
export type OpfsRequest = WithoutId & { readonly id: number };

/**
 * What the page tells the worker about the bulk links it receives for: no answer is sent. `link`
 * numbers the page's bulk links; `held` numbers the frames the worker holds.
 */
export type OpfsCommand =
  /** Receive frames on this channel (transferred with the message) for that link. */
  | { readonly op: 'adopt'; readonly link: number; readonly channel: RTCDataChannel }
  /** The page is done with this frame without writing it (a written one is let go of then). */
  | { readonly op: 'release'; readonly held: number }
  /** The link is closed: close its channels (frames already held stay until released). */
  | { readonly op: 'close-link'; readonly link: number };

export type OpfsReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      /** A write's buffer, handed back to the page for its next batch. */
      readonly buffer?: ArrayBuffer;
    }
  | { readonly id: number; readonly ok: false; readonly code: string };

/** A frame received for a link: its header, and which bytes the worker holds for it. */
export interface OpfsFrameNotice {
  readonly op: 'frame';
  readonly link: number;
  readonly frame: Omit<TransferFrame, 'payload'>;
  readonly held: number;
  readonly byteLength: number;
}

/** Everything the worker posts to the page. */
export type OpfsWorkerMessage = OpfsReply | OpfsFrameNotice;
