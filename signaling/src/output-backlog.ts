/**
 * How much the service has queued for one client and not yet handed to the kernel.
 *
 * A client that stops reading its socket (while its TCP connection stays open) makes everything
 * sent to it pile up in the service's memory: first in ws's send buffer (Node's writable buffer of
 * the TCP socket), then, once engine.io sees the transport busy, in engine.io's `writeBuffer`.
 * Nothing in socket.io bounds either, so the service checks both before it writes more.
 */
import type { SignalingSocket } from './io-types';

/** engine.io keeps every packet it could not send yet; counting beyond this many is pointless. */
const MAX_COUNTED_PACKETS = 512;

interface EnginePacket {
  readonly data?: unknown;
}

interface EngineConnection {
  readonly writeBuffer?: readonly EnginePacket[];
  readonly transport?: { readonly socket?: { readonly bufferedAmount?: number } };
}

function packetBytes(packet: EnginePacket): number {
  const { data } = packet;
  if (typeof data === 'string') return data.length;
  if (data instanceof Uint8Array) return data.byteLength;
  return 16;
}

/** Bytes waiting to go out to `socket`; Infinity once it has more packets queued than are counted. */
export function outputBacklogBytes(socket: SignalingSocket): number {
  // engine.io's connection internals are untyped in socket.io's declarations; read them defensively.
  const connection = socket.conn as unknown as EngineConnection;
  const queued = connection.writeBuffer ?? [];
  if (queued.length > MAX_COUNTED_PACKETS) return Number.POSITIVE_INFINITY;
  let bytes = connection.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of queued) bytes += packetBytes(packet);
  return bytes;
}
