/** Real socket.io clients for tests: typed by the contract, no reconnection, nothing mocked. */
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { Result } from '../../../contracts/result';
import {
  SIGNALING_PROTOCOL_VERSION,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../../contracts/signaling';

export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;
type ServerEventName = keyof ServerToClientEvents;
type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

export interface TestClientOptions {
  /** The handshake `auth`; the current protocol version unless a test says otherwise. */
  auth?: Record<string, unknown>;
  transports?: ('websocket' | 'polling')[];
  extraHeaders?: Record<string, string>;
  /**
   * The source address, e.g. 127.3.0.7: every address of 127.0.0.0/8 is this machine, so one test
   * can be a crowd of clients from many addresses. WebSocket transport only.
   */
  localAddress?: string;
}

function openSocket(url: string, options: TestClientOptions): TestClient {
  return connect(url, {
    auth: options.auth ?? { protocol: SIGNALING_PROTOCOL_VERSION },
    transports: options.transports ?? ['websocket'],
    extraHeaders: options.extraHeaders ?? {},
    reconnection: false,
    forceNew: true,
    // engine.io-client hands `localAddress` to ws in Node; socket.io-client's types leave it out.
    ...(options.localAddress === undefined ? {} : ({ localAddress: options.localAddress } as object)),
  });
}

export function connectClient(url: string, options: TestClientOptions = {}): Promise<TestClient> {
  const socket = openSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the error a refused connection reports (its `data` carries our code). */
export function connectExpectingRefusal(
  url: string,
  options: TestClientOptions = {},
): Promise<Error & { data?: unknown }> {
  const socket = openSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => {
      socket.close();
      reject(new Error('connection was accepted'));
    });
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      resolve(error);
    });
  });
}

/** socket.io-client's typed `on` cannot relate a generic event name to its listener type. */
function untyped(socket: TestClient): { on: UntypedListen; once: UntypedListen } {
  return socket as unknown as { on: UntypedListen; once: UntypedListen };
}
type UntypedListen = (event: string, listener: (payload: never) => void) => unknown;

export function nextEvent<E extends ServerEventName>(
  socket: TestClient,
  event: E,
): Promise<ServerEventPayload<E>> {
  return new Promise((resolve) => {
    untyped(socket).once(event, (payload: ServerEventPayload<E>) => resolve(payload));
  });
}

/** Everything `socket` receives as `event` from now on, for "did not receive" assertions. */
export function recordEvents<E extends ServerEventName>(
  socket: TestClient,
  event: E,
): ServerEventPayload<E>[] {
  const received: ServerEventPayload<E>[] = [];
  untyped(socket).on(event, (payload: ServerEventPayload<E>) => received.push(payload));
  return received;
}

/**
 * A round trip on `socket`. The service answers one socket's events in order and writes to one
 * connection in order, so once this resolves, anything the service had already sent to `socket`
 * (say, a wrongly routed relay) has arrived: "did not receive" becomes a deterministic check.
 */
export async function roundTrip(socket: TestClient): Promise<void> {
  // A malformed `pair:leave` is answered INVALID_PAYLOAD and changes nothing, not even a rate limit.
  await socket.emitWithAck('pair:leave', { roundTrip: true });
}

export function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

export function errorCodeOf(result: Result<unknown>): string | undefined {
  return result.ok ? undefined : result.error.code;
}
