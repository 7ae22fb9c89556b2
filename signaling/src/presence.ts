/**
 * Presence of remembered devices (contracts/presence.ts) on the service side: issues a challenge to
 * each connection, lets a client into the room of a pair only when it signed that challenge with one
 * of the two keys the room is made of, tells each member when the other comes or goes, and relays
 * handshake data between the two members of a room, and only between them.
 *
 * Membership is socket.io room membership, so several instances on one Redis share it through the
 * adapter: two devices connected to different instances meet and signal as on one.
 */
import { randomBytes } from 'node:crypto';
import { decodeBase64Url, encodeBase64Url, verifySignature } from '../../contracts/device-identity';
import {
  MAX_PRESENCE_ROOMS_PER_SOCKET,
  presenceChallengeRequestSchema,
  presenceJoinRequestSchema,
  presenceLeaveRequestSchema,
  presenceProofPayload,
  presenceSignalRequestSchema,
  rendezvousIdOf,
} from '../../contracts/presence';
import { err, ok } from '../../contracts/result';
import type { IceServerSource } from './ice-servers';
import type { Delivery, SignalingSocket } from './io-types';
import type { Logger } from './logger';
import { respondTo, type RespondContext } from './respond';

/** One connection in a presence room: its socket and the key it proved there. */
export interface PresenceMember {
  readonly socketId: string;
  readonly publicKey: string;
}

/** The socket.io room that holds the members of presence room `rendezvousId`. */
export function presenceRoomOf(rendezvousId: string): string {
  return `presence:${rendezvousId}`;
}

export interface PresenceDeps {
  readonly context: RespondContext;
  readonly logger: Logger;
  readonly iceServers: IceServerSource;
  /**
   * The members of a room on every instance. Membership is socket.io's own room membership (the
   * key each member proved is in its `socket.data`), so with the Redis adapter the answer spans all
   * instances and a crashed instance's members vanish with it instead of lingering in a store.
   */
  membersOf(rendezvousId: string): Promise<readonly PresenceMember[]>;
  /** Takes a socket out of a room wherever it is (a connection that a newer one replaced). */
  removeFromRoom(socketId: string, rendezvousId: string): void;
  /** Writes to a socket wherever it is, after the reading check (server.ts `deliver`). */
  deliver(delivery: Delivery): 'here' | 'unreachable' | 'elsewhere';
  /** Told of every room join and refused claim, for metrics. */
  onPresence?(outcome: 'joined' | 'refused'): void;
}

export function handlePresence(socket: SignalingSocket, deps: PresenceDeps): void {
  const { context, logger, iceServers, membersOf, deliver } = deps;
  /** The challenge issued to this connection; a signature over it proves a key here and now. */
  let challenge: string | undefined;

  /** The rooms this connection is in now (a newer connection of the device may have taken one). */
  function inRoom(rendezvousId: string): boolean {
    return socket.rooms.has(presenceRoomOf(rendezvousId));
  }

  function tellOthers(members: readonly PresenceMember[], rendezvousId: string, present: boolean): void {
    for (const member of members) {
      if (member.socketId === socket.id) continue;
      deliver({ to: member.socketId, event: 'presence:peer', payload: { rendezvousId, present } });
    }
  }

  /**
   * Tells the room this connection left it, unless the device is still there on another connection
   * (one that replaced this: across instances that replacement is applied a moment later, so this
   * connection may still have been a member when it went).
   */
  async function tellLeft(rendezvousId: string, publicKey: string): Promise<void> {
    const members = await membersOf(rendezvousId);
    if (members.some((member) => member.publicKey === publicKey && member.socketId !== socket.id)) return;
    tellOthers(members, rendezvousId, false);
  }

  async function leave(rendezvousId: string): Promise<void> {
    // Gone already when a newer connection of the same device took its place: nothing to tell.
    const publicKey = socket.data.presenceKeys?.[rendezvousId];
    if (!inRoom(rendezvousId) || publicKey === undefined) return;
    await socket.leave(presenceRoomOf(rendezvousId));
    delete socket.data.presenceKeys?.[rendezvousId];
    await tellLeft(rendezvousId, publicKey);
  }

  socket.on(
    'presence:challenge',
    respondTo('presence:challenge', context, {
      schema: presenceChallengeRequestSchema,
      limit: 'relay',
      handle: () => {
        challenge ??= encodeBase64Url(randomBytes(32));
        return ok({ challenge });
      },
    }),
  );

  socket.on(
    'presence:join',
    respondTo('presence:join', context, {
      schema: presenceJoinRequestSchema,
      // Each costs a signature check; one per remembered device per connection is what a client needs.
      limit: 'relay',
      handle: async ({ publicKey, peerPublicKey, signature }) => {
        if (challenge === undefined) return err('NOT_PAIRED', 'ask for a challenge first');
        if (publicKey === peerPublicKey) return err('INVALID_PAYLOAD', 'a device cannot meet itself');
        const rendezvousId = rendezvousIdOf(publicKey, peerPublicKey);
        const key = decodeBase64Url(publicKey);
        const signed = decodeBase64Url(signature);
        if (
          key === null ||
          signed === null ||
          !verifySignature(key, signed, presenceProofPayload(challenge, rendezvousId))
        ) {
          deps.onPresence?.('refused');
          logger.debug({ socketId: socket.id }, 'presence claim refused: signature does not verify');
          return err('IDENTITY_REFUSED', 'the signature does not prove this key');
        }
        const keys = (socket.data.presenceKeys ??= {});
        if (!inRoom(rendezvousId) && Object.keys(keys).length >= MAX_PRESENCE_ROOMS_PER_SOCKET)
          return err('RATE_LIMITED', 'too many rooms on one connection');
        keys[rendezvousId] = publicKey;
        await socket.join(presenceRoomOf(rendezvousId));
        const members = await membersOf(rendezvousId);
        // The same device on another connection (a page that reloaded before its old socket timed
        // out): the newer connection takes its place.
        for (const member of members) {
          if (member.publicKey === publicKey && member.socketId !== socket.id)
            deps.removeFromRoom(member.socketId, rendezvousId);
        }
        deps.onPresence?.('joined');
        const others = members.filter(
          (member) => member.socketId !== socket.id && member.publicKey !== publicKey,
        );
        tellOthers(others, rendezvousId, true);
        return ok({ rendezvousId, peerPresent: others.length > 0, iceServers: iceServers() });
      },
    }),
  );

  socket.on(
    'presence:leave',
    respondTo('presence:leave', context, {
      schema: presenceLeaveRequestSchema,
      limit: 'none',
      handle: async ({ rendezvousId }) => {
        await leave(rendezvousId);
        return ok(null);
      },
    }),
  );

  socket.on(
    'presence:signal',
    respondTo('presence:signal', context, {
      schema: presenceSignalRequestSchema,
      limit: 'relay',
      handle: async ({ rendezvousId, data, restart }) => {
        if (!inRoom(rendezvousId)) return err('NOT_PAIRED');
        const own = socket.data.presenceKeys?.[rendezvousId];
        // The other device: normally one connection; two for the moment a newer one replaces an
        // older on another instance, and the older is on its way out either way.
        const others = (await membersOf(rendezvousId)).filter((member) => member.publicKey !== own);
        // Never log the data: SDP and candidates carry the devices' addresses.
        const delivered = others.map((other) =>
          deliver({
            to: other.socketId,
            event: 'presence:signal',
            payload: { rendezvousId, data, ...(restart ? { restart } : {}) },
          }),
        );
        return delivered.some((where) => where !== 'unreachable')
          ? ok(null)
          : err('UNAVAILABLE', 'peer not here');
      },
    }),
  );

  // 'disconnecting', not 'disconnect': the socket still knows its rooms then.
  socket.on('disconnecting', () => {
    const keys = socket.data.presenceKeys ?? {};
    const rooms = Object.keys(keys).filter(inRoom);
    if (rooms.length === 0) return;
    context.queue.run(async () => {
      for (const rendezvousId of rooms) {
        const publicKey = keys[rendezvousId];
        if (publicKey === undefined) continue;
        try {
          // The socket is out of every room by the time this runs: tell whoever is still there.
          await tellLeft(rendezvousId, publicKey);
        } catch (error) {
          context.errorLog.error({ err: error, socketId: socket.id }, 'telling a presence room failed');
        }
      }
    });
  });
}
