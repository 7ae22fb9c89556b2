/**
 * The page's side of "Save all" in the browser client: the saved files of a received folder go to
 * the zip worker (as Blobs: an OPFS File is a handle on disk, not its bytes), which answers with
 * the zip, for the page to offer as a download.
 */
import { HostError } from '../host';
import { workerCalls } from '../worker-calls';
import type { ZipReply, ZipRequestBody } from './zip-protocol';
import type { ZipEntrySource } from './zip-stream';

export type ZipFiles = (name: string, entries: readonly ZipEntrySource[]) => Promise<Blob>;

export function zipFilesInWorker(
  target: ZipRequestBody['target'],
  makeWorker: () => Worker = () =>
    new Worker(new URL('./zip-worker.ts', import.meta.url), { type: 'module', name: 'ferry-zip' }),
): ZipFiles {
  const worker = workerCalls<ZipRequestBody, ZipReply>(makeWorker, {
    failed: () => new HostError('IO_FAILED', 'zip worker failed'),
  });
  return async (name, entries) => {
    const reply = await worker.call({ op: 'zip', name, entries, target });
    if (!reply.ok) throw new HostError(reply.code);
    return reply.zip;
  };
}
