/**
 * One request to a signaling service that answers with an ack, as both the pairing client and the
 * presence connection make them: the ack is checked against its schema, and a missing ack becomes
 * an error code rather than an exception.
 */
import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import { err, type Result } from '../../../contracts/result';

export async function requestAck<T>(
  socket: Socket,
  schema: z.ZodType<Result<T>>,
  send: () => Promise<unknown>,
): Promise<Result<T>> {
  let reply: unknown;
  try {
    reply = await send();
  } catch {
    // socket.io rejects when no ack arrived in time: the service is unreachable or overloaded.
    return err(socket.connected ? 'TIMEOUT' : 'UNAVAILABLE');
  }
  const parsed = schema.safeParse(reply);
  return parsed.success ? parsed.data : err('INVALID_PAYLOAD', 'malformed ack from the service');
}
