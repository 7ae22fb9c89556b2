/**
 * The socket.io side of the service: refuses clients that speak another protocol version or that
 * hold too many sessions from one address, then turns `pair:*` and `signal:relay` events into
 * pairing-store operations and relays handshake data between the two sockets of a pair, and only
 * between them. Every write to a client first checks that the client is reading what it was sent.
 *
 * With several instances (Redis), the two sockets of a pair may be on different instances: a
 * message for a socket that is not here is published to the other instances (socket.io's Redis
 * adapter, `serverSideEmit`), and the instance that holds the socket writes it after the same
 * reading check.
 */
import type http from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { err, ok, type ErrorCode, type Result } from '../../contracts/result';
import {
  handshakeAuthSchema,
  pairAbortRequestSchema,
  pairJoinRequestSchema,
  pairLookupRequestSchema,
  pairLeaveRequestSchema,
  pairOpenRequestSchema,
  signalRelayRequestSchema,
  type IceServer,
  type RelayData,
} from '../../contracts/signaling';
import { limitSubjectsOf, rateLimitKey } from './client-address';
import { systemClock, type Clock } from './clock';
import type { IceServerSource } from './ice-servers';
import type { ClientEventName, Delivery, SignalingServer, SignalingSocket } from './io-types';
import type { Logger } from './logger';
import { outputBacklogBytes } from './output-backlog';
import { handlePresence, presenceRoomOf, type PresenceMember } from './presence';
import { createTokenBucketLimiter } from './rate-limiter';
import { createRespondQueue, respondTo, type RespondContext } from './respond';
import type { SharedPairingStore, SharedRateLimiter } from './shared-pairing-store';
import { createThrottledErrorLog } from './throttled-log';
import { NO_TRUSTED_PROXIES, type TrustedProxies } from './trusted-proxies';

/**
 * socket.io drops a connection whose single message exceeds this. It is well above
 * MAX_SIGNAL_PAYLOAD_BYTES so that a moderately oversized payload reaches our own check and gets a
 * PAYLOAD_TOO_LARGE answer instead of a silent disconnect.
 */
export const MAX_HTTP_BUFFER_BYTES = 1_000_000;

export type AllowedOrigins = '*' | readonly string[];

/** What one client may do before it is refused; defaults suit both a LAN and the internet. */
export interface ClientLimits {
  /** Extra tokens a failed join (no such code, expired, used) costs its address: sweeps pay. */
  readonly failedJoinCost: number;
  /** Relayed messages per connection: a burst, then a steady rate. A pairing needs a few dozen. */
  readonly relayBurst: number;
  readonly relaysPerSecond: number;
  /** A client with more than this queued and unread is disconnected (it is not reading). */
  readonly maxOutputBacklogBytes: number;
  /** socket.io sessions one address (IPv6: one /64) may hold at once. */
  readonly maxSessionsPerAddress: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  failedJoinCost: 4,
  relayBurst: 200,
  relaysPerSecond: 20,
  maxOutputBacklogBytes: 1024 * 1024,
  maxSessionsPerAddress: 32,
};

/** Things worth counting, for metrics; every member optional. */
export interface SignalingEvents {
  onRefused?(event: ClientEventName, code: ErrorCode): void;
  onPaired?(): void;
  onRelayed?(): void;
  onSlowReaderCut?(): void;
  onSessionRefused?(code: ErrorCode): void;
}

export interface SignalingServerDeps {
  readonly store: SharedPairingStore;
  readonly limiter: SharedRateLimiter;
  readonly logger: Logger;
  readonly clock?: Clock;
  /**
   * Handed to both devices so that they use the same STUN/TURN servers: a fixed list, or a source
   * that issues fresh TURN credentials for each client (see ice-servers.ts).
   */
  readonly iceServers?: readonly IceServer[] | IceServerSource;
  /** Browser origins allowed to connect; '*' by default (no cookies or credentials are used). */
  readonly allowedOrigins?: AllowedOrigins;
  readonly limits?: Partial<ClientLimits>;
  readonly events?: SignalingEvents;
  /** Proxies whose X-Forwarded-For names the client; none by default. */
  readonly trustedProxies?: TrustedProxies;
  /**
   * socket.io's Redis adapter when instances share a Redis: then the other socket of a pair may be
   * on another instance and is reached through it, and only WebSocket is offered (no long-polling,
   * so a balancer needs no sticky sessions).
   */
  readonly adapter?: ServerOptions['adapter'];
  /** Pairings being ended for sockets that went, so that a shutdown can wait for them. */
  readonly pendingLeaves?: Set<Promise<void>>;
}

export function createSignalingServer(httpServer: http.Server, deps: SignalingServerDeps): SignalingServer {
  const { store, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const limits: ClientLimits = { ...DEFAULT_CLIENT_LIMITS, ...deps.limits };
  const events = deps.events ?? {};
  const configured = deps.iceServers ?? [];
  const iceServers: IceServerSource =
    typeof configured === 'function' ? configured : () => configured.map((server) => ({ ...server }));
  const errorLog = createThrottledErrorLog(logger, { clock });
  const io: SignalingServer = new Server(httpServer, {
    ...originPolicy(deps.allowedOrigins ?? '*'),
    maxHttpBufferSize: MAX_HTTP_BUFFER_BYTES,
    serveClient: false,
    // A connection that never completes the socket.io handshake holds a file descriptor for
    // nothing; the default (45 s) lets a few addresses hold thousands.
    connectTimeout: 10_000,
    ...(deps.adapter === undefined ? {} : { adapter: deps.adapter, transports: ['websocket'] as const }),
  });
  const crossInstance = deps.adapter !== undefined;
  /**
   * With Redis: the peer of each paired socket of THIS instance, so that a relay (a pairing has a
   * few dozen) costs no Redis round trip. Only the socket's own instance keeps its entry: set when
   * it joins (the store's answer names the opener) or is joined (the joiner's instance names the
   * joiner in the peer-joined delivery, which travels the same ordered channel as that joiner's
   * relays), cleared when it leaves, aborts or disconnects, or hears that its pair ended. A relay
   * is written only when the RECEIVER's instance agrees that the sender is its socket's peer, so an
   * entry that outlived its pairing on one side never reaches a socket that has moved on. A missing
   * entry is asked of the store, as every relay did before.
   */
  const peers = new Map<string, string>();
  const sessionsByAddress = new Map<string, number>();
  const trustedProxies = deps.trustedProxies ?? NO_TRUSTED_PROXIES;

  io.use((socket, next) => {
    if (!handshakeAuthSchema.safeParse(socket.handshake.auth).success) {
      // The auth object is the client's to fill (up to a megabyte): log who, not what.
      logger.debug({ address: socket.handshake.address }, 'handshake refused: unsupported protocol');
      events.onSessionRefused?.('UNSUPPORTED_PROTOCOL');
      next(refusal('UNSUPPORTED_PROTOCOL', 'unsupported signaling protocol'));
      return;
    }
    // Behind a trusted proxy the client is who the proxy says; otherwise the TCP peer.
    const clientAddress = trustedProxies.clientAddress(
      socket.handshake.address,
      socket.handshake.headers['x-forwarded-for'],
    );
    const address = rateLimitKey(clientAddress);
    const sessions = sessionsByAddress.get(address) ?? 0;
    if (sessions >= limits.maxSessionsPerAddress) {
      logger.debug({ address }, 'handshake refused: too many sessions from this address');
      events.onSessionRefused?.('RATE_LIMITED');
      next(refusal('RATE_LIMITED', 'too many connections from this address'));
      return;
    }
    sessionsByAddress.set(address, sessions + 1);
    socket.data.rateLimitKey = address;
    socket.data.limitSubjects = limitSubjectsOf(clientAddress);
    socket.once('disconnect', () => {
      const left = (sessionsByAddress.get(address) ?? 1) - 1;
      if (left <= 0) sessionsByAddress.delete(address);
      else sessionsByAddress.set(address, left);
    });
    next();
  });

  /** False (and the client is cut off) when `socket` has stopped reading what it is sent. */
  function mayWriteTo(socket: SignalingSocket): boolean {
    if (!socket.connected) return false;
    if (outputBacklogBytes(socket) <= limits.maxOutputBacklogBytes) return true;
    logger.warn(
      { socketId: socket.id, address: socket.data.rateLimitKey },
      'client not reading: disconnected',
    );
    events.onSlowReaderCut?.();
    socket.disconnect(true);
    return false;
  }

  function socketById(socketId: string): SignalingSocket | undefined {
    return io.of('/').sockets.get(socketId);
  }

  /** Writes to a socket of this instance; false when it is not here or not reading. */
  function deliverHere(delivery: Delivery): boolean {
    const socket = socketById(delivery.to);
    if (socket === undefined) return false;
    // What the socket's pair is changes whether or not it reads: a cut-off socket forgets it anyway.
    if (crossInstance) {
      if (delivery.event === 'pair:peer-joined' && delivery.from !== undefined) {
        peers.set(delivery.to, delivery.from);
      } else if (delivery.event === 'pair:ended' || delivery.event === 'pair:aborted') {
        peers.delete(delivery.to);
      }
    }
    if (!mayWriteTo(socket)) return false;
    switch (delivery.event) {
      case 'pair:peer-joined':
        socket.emit('pair:peer-joined', {});
        break;
      case 'pair:ended':
        socket.emit('pair:ended', delivery.payload);
        break;
      case 'pair:aborted':
        socket.emit('pair:aborted', delivery.payload);
        break;
      case 'signal:relay':
        socket.emit('signal:relay', delivery.payload);
        break;
      case 'presence:peer':
        socket.emit('presence:peer', delivery.payload);
        break;
      case 'presence:signal':
        socket.emit('presence:signal', delivery.payload);
        break;
    }
    return true;
  }

  /**
   * Delivers to `delivery.to` wherever it is. 'here' / 'unreachable' when it is on this instance;
   * 'elsewhere' when it was handed to the other instances (one of which holds it, or none if it
   * has just gone; either way its own instance applies the reading check).
   */
  function deliver(delivery: Delivery): 'here' | 'unreachable' | 'elsewhere' {
    if (socketById(delivery.to) !== undefined) {
      // Both sockets here: this instance's own entry for the receiver decides (see `peers`).
      if (isStaleRelay(delivery, peers.get(delivery.to))) return 'unreachable';
      return deliverHere(delivery) ? 'here' : 'unreachable';
    }
    if (!crossInstance) return 'unreachable';
    io.serverSideEmit('ferry:deliver', delivery);
    return 'elsewhere';
  }

  /** A relay from a socket that the receiver's instance does not know as the receiver's peer. */
  function isStaleRelay(delivery: Delivery, receiversPeer: string | undefined): boolean {
    return (
      crossInstance &&
      delivery.event === 'signal:relay' &&
      delivery.from !== undefined &&
      receiversPeer !== delivery.from
    );
  }

  /** A relay from `from` to its peer `to`, wherever `to` is. */
  async function relay(
    from: string,
    to: string,
    data: RelayData,
  ): Promise<'here' | 'unreachable' | 'elsewhere'> {
    const delivery: Delivery = { to, event: 'signal:relay', payload: { data }, from };
    if (crossInstance && socketById(to) !== undefined && !peers.has(to)) {
      // Here but not known here as paired (a stale pair-ended message crossed a new pairing, say).
      if ((await store.peerOf(to)) !== from) return 'unreachable';
      return deliverHere(delivery) ? 'here' : 'unreachable';
    }
    return deliver(delivery);
  }

  /** A delivery from another instance, for a socket that may be here. */
  async function deliverFromElsewhere(delivery: Delivery): Promise<void> {
    if (socketById(delivery.to) === undefined) return;
    if (delivery.event === 'signal:relay' && delivery.from !== undefined && !peers.has(delivery.to)) {
      // Not known here (a lost peer-joined message): the store decides, as it did for every relay.
      // Not remembered: this runs outside the socket's queue and could outlive its pairing.
      const peer = await store.peerOf(delivery.to).catch(() => undefined);
      if (isStaleRelay(delivery, peer)) return;
    } else if (isStaleRelay(delivery, peers.get(delivery.to))) {
      return;
    }
    deliverHere(delivery);
  }

  const pairPeers: PairPeers = crossInstance
    ? {
        remember: (socketId, peer) => peers.set(socketId, peer),
        forget: (socketId) => peers.delete(socketId),
        async of(socketId) {
          const known = peers.get(socketId);
          if (known !== undefined) return known;
          // Asked in the socket's own queue, after anything that could change its pairing.
          const peer = await store.peerOf(socketId);
          if (peer !== undefined) peers.set(socketId, peer);
          return peer;
        },
      }
    : { remember: () => undefined, forget: () => undefined, of: (socketId) => store.peerOf(socketId) };

  /** Charges the address of a socket wherever it is (a joiner that guessed wrong, say). */
  function chargeSocket(socketId: string, cost: number): void {
    const socket = socketById(socketId);
    if (socket !== undefined) {
      deps.limiter.charge(socket.data.limitSubjects, cost).catch((error: unknown) => {
        errorLog.error({ err: error }, 'charging a failed join failed');
      });
    } else if (crossInstance) {
      io.serverSideEmit('ferry:charge', { to: socketId, cost });
    }
  }

  async function presenceMembersOf(rendezvousId: string): Promise<PresenceMember[]> {
    const sockets = await io.in(presenceRoomOf(rendezvousId)).fetchSockets();
    return sockets.flatMap((member) => {
      const publicKey = member.data.presenceKeys?.[rendezvousId];
      return publicKey === undefined ? [] : [{ socketId: member.id, publicKey }];
    });
  }

  function removeFromPresenceRoom(socketId: string, rendezvousId: string): void {
    const here = socketById(socketId);
    // At once when it is here; through the adapter (a moment later) when on another instance,
    // where a socket id is also the name of a room holding just that socket.
    if (here !== undefined) void here.leave(presenceRoomOf(rendezvousId));
    else io.in(socketId).socketsLeave(presenceRoomOf(rendezvousId));
  }

  if (crossInstance) {
    io.on('ferry:deliver', (delivery) => {
      deliverFromElsewhere(delivery).catch((error: unknown) => {
        errorLog.error({ err: error }, 'delivering from another instance failed');
      });
    });
    io.on('ferry:charge', ({ to, cost }) => {
      const socket = socketById(to);
      if (socket === undefined) return;
      deps.limiter.charge(socket.data.limitSubjects, cost).catch((error: unknown) => {
        errorLog.error({ err: error }, 'charging a failed join failed');
      });
    });
  }

  store.onExpired(({ nameplate, openerSocketId }) => {
    logger.debug({ nameplate, socketId: openerSocketId }, 'nameplate expired unjoined');
    deliverHere({ to: openerSocketId, event: 'pair:ended', payload: { reason: 'expired' } });
  });

  io.on('connection', (socket) => {
    logger.debug({ socketId: socket.id, address: socket.handshake.address }, 'client connected');
    const context: RespondContext = {
      socket,
      limiter: deps.limiter,
      relayLimiter: createTokenBucketLimiter({
        clock,
        capacity: limits.relayBurst,
        refillPerSecond: limits.relaysPerSecond,
        maxTrackedKeys: 1,
      }),
      logger,
      errorLog,
      mayWriteTo,
      queue: createRespondQueue(),
      ...(events.onRefused === undefined ? {} : { onRefused: events.onRefused }),
    };
    handleClient(socket, {
      ...deps,
      limits,
      events,
      iceServers,
      context,
      deliver,
      relay,
      chargeSocket,
      pairPeers,
    });
    handlePresence(socket, {
      context,
      logger,
      iceServers,
      deliver,
      membersOf: presenceMembersOf,
      removeFromRoom: removeFromPresenceRoom,
    });
  });

  return io;
}

/** Who a socket of this instance is paired with (server.ts `peers`; the store without Redis). */
interface PairPeers {
  remember(socketId: string, peer: string): void;
  forget(socketId: string): void;
  of(socketId: string): Promise<string | undefined>;
}

interface ClientDeps {
  readonly store: SharedPairingStore;
  readonly limiter: SharedRateLimiter;
  readonly logger: Logger;
  readonly limits: ClientLimits;
  readonly events: SignalingEvents;
  readonly iceServers: IceServerSource;
  readonly context: RespondContext;
  readonly pendingLeaves?: Set<Promise<void>> | undefined;
  deliver(delivery: Delivery): 'here' | 'unreachable' | 'elsewhere';
  relay(from: string, to: string, data: RelayData): Promise<'here' | 'unreachable' | 'elsewhere'>;
  chargeSocket(socketId: string, cost: number): void;
  readonly pairPeers: PairPeers;
}

const FAILED_JOIN_CODES: ReadonlySet<ErrorCode> = new Set(['CODE_NOT_FOUND', 'CODE_EXPIRED', 'CODE_USED']);

function handleClient(socket: SignalingSocket, deps: ClientDeps): void {
  const { store, limiter, logger, limits, events, iceServers, context, deliver, chargeSocket, pairPeers } =
    deps;
  // Where the store takes the address's token with the operation itself (Redis), one round trip.
  const { admitting } = store;
  const addressLimit = admitting === undefined ? 'address' : 'address-in-handler';

  async function endPairing(why: 'left' | 'disconnected'): Promise<void> {
    pairPeers.forget(socket.id);
    const left = await store.leave(socket.id);
    if (left === undefined) return;
    logger.debug({ socketId: socket.id, why }, 'pairing ended');
    if (left.peerSocketId === undefined) return;
    deliver({ to: left.peerSocketId, event: 'pair:ended', payload: { reason: 'peer-left' } });
  }

  /**
   * Every miss costs the address more than a hit, so walking the nameplates is slow. The answer is
   * the same whichever nameplate missed; open ones aside, which cannot be hidden from someone who
   * may be the rightful joiner.
   */
  async function chargeMiss<T>(result: Result<T>): Promise<Result<T>> {
    if (!result.ok && FAILED_JOIN_CODES.has(result.error.code)) {
      await limiter.charge(socket.data.limitSubjects, limits.failedJoinCost);
    }
    return result;
  }

  socket.on(
    'pair:abort',
    respondTo('pair:abort', context, {
      schema: pairAbortRequestSchema,
      limit: 'none',
      handle: async ({ reason }) => {
        // Like leaving, but the other device learns why, before it could mistake the departure
        // for "the other device left". Idempotent like `pair:leave`.
        pairPeers.forget(socket.id);
        const left = await store.leave(socket.id);
        if (left === undefined) return ok(null);
        logger.debug({ socketId: socket.id, reason }, 'pairing aborted');
        // A joiner whose code did not match guessed wrong (or swept onto a stranger's code): that
        // costs its address like any failed join, so hitting waiting users one by one is slow.
        if (reason === 'code-mismatch' && left.joinerSocketId !== undefined) {
          chargeSocket(left.joinerSocketId, limits.failedJoinCost);
        }
        if (left.peerSocketId !== undefined) {
          deliver({ to: left.peerSocketId, event: 'pair:aborted', payload: { reason } });
        }
        return ok(null);
      },
    }),
  );

  socket.on(
    'pair:open',
    respondTo('pair:open', context, {
      schema: pairOpenRequestSchema,
      limit: addressLimit,
      handle: async (request) => {
        const openRequest = {
          owner: socket.data.rateLimitKey,
          nameplate: request.nameplate,
          resumeToken: request.resumeToken,
        };
        const opened = await (admitting === undefined
          ? store.open(socket.id, openRequest)
          : admitting.open(socket.id, openRequest, socket.data.limitSubjects));
        if (!opened.ok) return opened;
        logger.debug({ socketId: socket.id, nameplate: opened.value.nameplate }, 'nameplate opened');
        return ok({ ...opened.value, iceServers: iceServers() });
      },
    }),
  );

  socket.on(
    'pair:join',
    respondTo('pair:join', context, {
      schema: pairJoinRequestSchema,
      limit: addressLimit,
      handle: async ({ nameplate }) => {
        const joined = await chargeMiss(
          await (admitting === undefined
            ? store.join(socket.id, nameplate)
            : admitting.join(socket.id, nameplate, socket.data.limitSubjects)),
        );
        if (!joined.ok) return joined;
        logger.debug({ socketId: socket.id, nameplate }, 'nameplate joined');
        events.onPaired?.();
        pairPeers.remember(socket.id, joined.value.openerSocketId);
        deliver({
          to: joined.value.openerSocketId,
          event: 'pair:peer-joined',
          payload: {},
          from: socket.id,
        });
        return ok({ iceServers: iceServers() });
      },
    }),
  );

  socket.on(
    'pair:lookup',
    respondTo('pair:lookup', context, {
      schema: pairLookupRequestSchema,
      // A lookup can be used to guess as well as a join can, so it is counted and charged alike.
      limit: addressLimit,
      handle: async ({ nameplate }) =>
        chargeMiss(
          await (admitting === undefined
            ? store.lookup(nameplate)
            : admitting.lookup(nameplate, socket.data.limitSubjects)),
        ),
    }),
  );

  socket.on(
    'signal:relay',
    respondTo('signal:relay', context, {
      schema: signalRelayRequestSchema,
      limit: 'relay',
      handle: async ({ data }) => {
        const peerSocketId = await pairPeers.of(socket.id);
        if (peerSocketId === undefined) return err('NOT_PAIRED');
        // A peer that does not read is cut off (which ends the pair) rather than buffered for.
        // Never log the data itself: SDP and candidates carry the devices' IP addresses.
        const delivered = await deps.relay(socket.id, peerSocketId, data);
        if (delivered === 'unreachable') return err('UNAVAILABLE', 'peer not reachable');
        events.onRelayed?.();
        return ok(null);
      },
    }),
  );

  socket.on(
    'pair:leave',
    respondTo('pair:leave', context, {
      schema: pairLeaveRequestSchema,
      limit: 'none',
      handle: async () => {
        // Leaving is idempotent: a client cleaning up after `pair:ended` has nothing left to leave,
        // and treating that as an error would only add a race for every client to handle.
        await endPairing('left');
        return ok(null);
      },
    }),
  );

  // In the socket's queue, after whatever it sent before going: an open still on its way must not
  // land after the leave and hold a nameplate for a socket that is gone.
  socket.on('disconnect', () => {
    pairPeers.forget(socket.id);
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    deps.pendingLeaves?.add(done);
    context.queue.run(async () => {
      try {
        await endPairing('disconnected');
      } catch (error) {
        context.errorLog.error({ err: error, socketId: socket.id }, 'ending a pairing failed');
      } finally {
        deps.pendingLeaves?.delete(done);
        finished();
      }
    });
  });
}

function refusal(code: ErrorCode, message: string): Error & { data: { code: ErrorCode } } {
  return Object.assign(new Error(message), { data: { code } });
}

/**
 * CORS headers let allowed pages read socket.io's HTTP long-polling responses, but browsers do not
 * apply CORS to WebSocket upgrades, so a listed set of origins is also enforced at the handshake.
 * Clients that send no Origin (native apps, Node) are not browsers and are let through.
 */
function originPolicy(allowedOrigins: AllowedOrigins): Pick<Partial<ServerOptions>, 'cors' | 'allowRequest'> {
  if (allowedOrigins === '*') return { cors: { origin: '*', credentials: false } };
  const allowed = new Set(allowedOrigins);
  return {
    cors: { origin: [...allowed], credentials: false },
    allowRequest: (request, callback) => {
      const origin = request.headers.origin;
      const permitted = origin === undefined || allowed.has(origin);
      callback(permitted ? null : 'origin not allowed', permitted);
    },
  };
}
