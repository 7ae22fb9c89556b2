/**
 * Thumbnails of received images for the transfer cards: made once per saved file by the thumbnail
 * worker, one at a time, and remembered for the session (a card that scrolls back into view, or a
 * conversation opened again, does not decode again).
 */
import { workerCalls } from '../../../host/worker-calls';
import type { ThumbnailReply, ThumbnailRequest } from './thumbnail-protocol';

/** Thumbnails kept; each is a few kB. Beyond this the oldest are made again when needed. */
const KEPT = 300;

export type MakeThumbnail = (location: string, read: () => Promise<Blob>) => Promise<string | null>;

export function thumbnailMaker(
  makeWorker: () => Worker = () =>
    new Worker(new URL('./thumbnail-worker.ts', import.meta.url), {
      type: 'module',
      name: 'ferry-thumbnails',
    }),
): MakeThumbnail {
  const worker = workerCalls<Omit<ThumbnailRequest, 'id'>, ThumbnailReply>(makeWorker, {
    failed: () => new Error('thumbnail worker failed'),
  });
  const made = new Map<string, Promise<string | null>>();
  // One decode at a time: a folder of photos must not decode them all at once.
  let queue: Promise<unknown> = Promise.resolve();
  return (location, read) => {
    const known = made.get(location);
    if (known) return known;
    const next = queue.then(async () => (await worker.call({ file: await read() })).url).catch(() => null);
    queue = next;
    made.set(location, next);
    if (made.size > KEPT) made.delete(made.keys().next().value ?? '');
    return next;
  };
}
