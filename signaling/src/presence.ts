/**
 * Presence of remembered devices (contracts/presence.ts) on the service side: issues a challenge to
 * each connection, lets a client into the room of a pair only when it signed that challenge with one
 * of the two keys the room is made of, tells each member when the other comes or goes, and relays
 * handshake data between the two members of a room, and only between them.
 *
 * Membership is kept in this process (one entry per room member); several instances behind Redis
 * would need it shared as well, as the pairing store would.
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
import type { SignalingSocket } from './io-types';
import type { Logger } from './logger';
import { respondTo, type RespondContext } from './respond';

/** Who is in which room: room id → (socket id → that member's public key). */
export interface PresenceRooms {
  readonly rooms: Map<string, Map<string, string>>;
}

export function createPresenceRooms(): PresenceRooms {
  return { rooms: new Map() };
}

export interface PresenceDeps {
  readonly registry: PresenceRooms;
  readonly context: RespondContext;
  readonly logger: Logger;
  readonly iceServers: IceServerSource;
  socketById(socketId: string): SignalingSocket | undefined;
  mayWriteTo(socket: SignalingSocket): boolean;
  /** Told of every room join and refused claim, for metrics. */
  onPresence?(outcome: 'joined' | 'refused'): void;
}

export function handlePresence(socket: SignalingSocket, deps: PresenceDeps): void {
  const { registry, context, logger, iceServers, socketById, mayWriteTo } = deps;
  /** The challenge issued to this connection; a signature over it proves a key here and now. */
  let challenge: string | undefined;
  /** The rooms this connection is in. */
  const joined = new Set<string>();

  function tell(socketId: string, rendezvousId: string, present: boolean): void {
    const other = socketById(socketId);
    if (other !== undefined && mayWriteTo(other)) other.emit('presence:peer', { rendezvousId, present });
  }

  function leave(rendezvousId: string): void {
    if (!joined.delete(rendezvousId)) return;
    const members = registry.rooms.get(rendezvousId);
    // Gone already when a newer connection of the same device took its place: nothing to tell.
    if (members === undefined || !members.delete(socket.id)) return;
    if (members.size === 0) registry.rooms.delete(rendezvousId);
    for (const otherId of members.keys()) tell(otherId, rendezvousId, false);
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
      handle: ({ publicKey, peerPublicKey, signature }) => {
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
        if (!joined.has(rendezvousId) && joined.size >= MAX_PRESENCE_ROOMS_PER_SOCKET)
          return err('RATE_LIMITED', 'too many rooms on one connection');
        const members = registry.rooms.get(rendezvousId) ?? new Map<string, string>();
        registry.rooms.set(rendezvousId, members);
        // The same device on another connection (a page that reloaded before its old socket timed
        // out): the newer connection takes its place.
        for (const [otherId, otherKey] of members) {
          if (otherKey === publicKey && otherId !== socket.id) {
            members.delete(otherId);
            void socketById(otherId)?.leave(`presence:${rendezvousId}`);
          }
        }
        members.set(socket.id, publicKey);
        joined.add(rendezvousId);
        void socket.join(`presence:${rendezvousId}`);
        deps.onPresence?.('joined');
        const others = [...members.keys()].filter((id) => id !== socket.id);
        for (const otherId of others) tell(otherId, rendezvousId, true);
        return ok({ rendezvousId, peerPresent: others.length > 0, iceServers: iceServers() });
      },
    }),
  );

  socket.on(
    'presence:leave',
    respondTo('presence:leave', context, {
      schema: presenceLeaveRequestSchema,
      limit: 'none',
      handle: ({ rendezvousId }) => {
        leave(rendezvousId);
        return ok(null);
      },
    }),
  );

  socket.on(
    'presence:signal',
    respondTo('presence:signal', context, {
      schema: presenceSignalRequestSchema,
      limit: 'relay',
      handle: ({ rendezvousId, data }) => {
        const members = registry.rooms.get(rendezvousId);
        if (!joined.has(rendezvousId) || members === undefined) return err('NOT_PAIRED');
        const otherId = [...members.keys()].find((id) => id !== socket.id);
        const other = otherId === undefined ? undefined : socketById(otherId);
        if (other === undefined || !mayWriteTo(other)) return err('UNAVAILABLE', 'peer not here');
        // Never log the data: SDP and candidates carry the devices' addresses.
        other.emit('presence:signal', { rendezvousId, data });
        return ok(null);
      },
    }),
  );

  socket.on('disconnect', () => {
    for (const rendezvousId of [...joined]) leave(rendezvousId);
  });
}
