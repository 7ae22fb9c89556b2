/** Messages between the page and the OPFS worker (same origin, same build: typed, not parsed). */
import type { ReceiveBegin, ReceiveKey } from '../../../../contracts/file-ipc';

type WithoutId =
  | { readonly op: 'status'; readonly key: ReceiveKey }
  | { readonly op: 'begin'; readonly request: ReceiveBegin }
  | { readonly op: 'write'; readonly fileId: string; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly op: 'finish'; readonly fileId: string; readonly digest: string }
  | { readonly op: 'abort'; readonly fileId: string; readonly keepPartial: boolean }
  | { readonly op: 'forget'; readonly key: ReceiveKey; readonly discardPartials: boolean }
  | { readonly op: 'file'; readonly location: string };

export type OpfsRequestBody = WithoutId;
export type OpfsRequest = WithoutId & { readonly id: number };

export type OpfsReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly value: unknown;
      /** A write's buffer, handed back to the page for its next batch. */
      readonly buffer?: ArrayBuffer;
    }
  | { readonly id: number; readonly ok: false; readonly code: string };
