/**
 * The page's side of a dedicated worker that answers requests by id: each request gets a fresh
 * `id`, and the worker's answer names it. The worker is started on first use. Messages the worker
 * posts on its own (without an id) go to `onNotice`. Used by the OPFS storage worker and the
 * file-reading worker.
 */
export interface WorkerCalls<Body extends object, Answer extends { readonly id: number }> {
  /** Posts `body` with a fresh id; resolves with the answer, rejects if the worker fails first. */
  call(body: Body, transfer?: Transferable[]): Promise<Answer>;
  /** Posts a message that gets no answer. */
  post(message: unknown, transfer?: Transferable[]): void;
  /** Whether the worker was started (a message about earlier work is pointless before). */
  readonly started: boolean;
}

export function workerCalls<Body extends object, Answer extends { readonly id: number }>(
  makeWorker: () => Worker,
  options: {
    /** The error every call still waiting gets when the worker fails. */
    readonly failed: () => Error;
    readonly onNotice?: (message: unknown) => void;
  },
): WorkerCalls<Body, Answer> {
  let worker: Worker | null = null;
  let nextId = 1;
  const waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();

  const started = (): Worker => {
    if (worker) return worker;
    const made = makeWorker();
    made.onmessage = (event: MessageEvent<unknown>) => {
      const message = event.data;
      const id = typeof message === 'object' && message !== null && 'id' in message ? message.id : undefined;
      const waiter = typeof id === 'number' ? waiting.get(id) : undefined;
      if (!waiter) {
        if (id === undefined) options.onNotice?.(message);
        return;
      }
      waiting.delete(id as number);
      waiter.resolve(message as Answer);
    };
    made.onerror = () => {
      for (const waiter of waiting.values()) waiter.reject(options.failed());
      waiting.clear();
    };
    worker = made;
    return made;
  };

  return {
    call: (body, transfer = []) => {
      const id = nextId++;
      return new Promise<Answer>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        started().postMessage({ ...body, id }, transfer);
      });
    },
    post: (message, transfer = []) => started().postMessage(message, transfer),
    get started() {
      return worker !== null;
    },
  };
}
