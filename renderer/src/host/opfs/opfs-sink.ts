/**
 * The page's side of the browser receive folder: a ReceiveSink that forwards to the OPFS worker.
 * Chunks are transferred to the worker, not copied, and the worker is started on first use.
 */
import type { ReceiveOpened, ReceiveSaved, ReceiveStatus } from '../../../../contracts/file-ipc';
import type { ReceiveSink } from '../../engine/transfer/transfer-types';
import { HostError, type SavedFileActions } from '../host';
import type { OpfsReply, OpfsRequestBody } from './opfs-protocol';

/** Whether this browser can keep received files in the origin private file system. */
export function opfsAvailable(): boolean {
  return (
    typeof Worker !== 'undefined' &&
    typeof navigator !== 'undefined' &&
    typeof navigator.storage?.getDirectory === 'function'
  );
}

export function createOpfsSink(): { readonly sink: ReceiveSink; readonly savedFiles: SavedFileActions } {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  const call = <T>(body: OpfsRequestBody, transfer: Transferable[] = []): Promise<T> => {
    if (!worker) {
      worker = new Worker(new URL('./opfs-worker.ts', import.meta.url), {
        type: 'module',
        name: 'ferry-opfs',
      });
      worker.onmessage = (event: MessageEvent<OpfsReply>) => {
        const reply = event.data;
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if (!waiter) return;
        if (reply.ok) waiter.resolve(reply.value);
        else waiter.reject(new HostError(reply.code));
      };
      worker.onerror = () => {
        for (const waiter of pending.values())
          waiter.reject(new HostError('INTERNAL', 'storage worker failed'));
        pending.clear();
      };
    }
    const id = nextId++;
    const promise = new Promise<T>((resolve, reject) =>
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject }),
    );
    worker.postMessage({ id, ...body }, transfer);
    return promise;
  };

  const sink: ReceiveSink = {
    status: (key) => call<ReceiveStatus>({ op: 'status', key }),
    begin: (request) => call<ReceiveOpened>({ op: 'begin', request }),
    write: async (fileId, offset, bytes) => {
      // The engine is done with a chunk once written: hand its buffer over instead of copying it.
      const transfer = bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
      await call<null>({ op: 'write', fileId, offset, bytes }, transfer);
    },
    finish: (fileId, digest) => call<ReceiveSaved>({ op: 'finish', fileId, digest }),
    abort: async (fileId, keepPartial) => {
      await call<null>({ op: 'abort', fileId, keepPartial });
    },
    forget: async (key, discardPartials) => {
      await call<null>({ op: 'forget', key, discardPartials });
    },
  };

  const savedFiles: SavedFileActions = {
    downloadUrl: async (location) => URL.createObjectURL(await call<File>({ op: 'file', location })),
  };

  return { sink, savedFiles };
}
