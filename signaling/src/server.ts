/**
 * The socket.io side of the service: refuses clients that speak another protocol version, then
 * turns `pair:*` and `signal:relay` events into pairing-store operations and relays handshake data
 * between the two sockets of a pair, and only between them.
 */
import type http from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import { err, ok } from '../../contracts/result';
import {
  handshakeAuthSchema,
  pairAbortRequestSchema,
  pairJoinRequestSchema,
  pairLookupRequestSchema,
  pairLeaveRequestSchema,
  pairOpenRequestSchema,
  signalRelayRequestSchema,
  type IceServer,
} from '../../contracts/signaling';
import { rateLimitKey } from './client-address';
import type { SignalingServer, SignalingSocket } from './io-types';
import type { Logger } from './logger';
import type { PairingStore } from './pairing-store';
import type { RateLimiter } from './rate-limiter';
import { respondTo, type RespondContext } from './respond';

/**
 * socket.io drops a connection whose single message exceeds this. It is well above
 * MAX_SIGNAL_PAYLOAD_BYTES so that a moderately oversized payload reaches our own check and gets a
 * PAYLOAD_TOO_LARGE answer instead of a silent disconnect.
 */
export const MAX_HTTP_BUFFER_BYTES = 1_000_000;

export type AllowedOrigins = '*' | readonly string[];

export interface SignalingServerDeps {
  readonly store: PairingStore;
  readonly limiter: RateLimiter;
  readonly logger: Logger;
  /** Handed to both devices so that they use the same STUN/TURN servers. */
  readonly iceServers?: readonly IceServer[];
  /** Browser origins allowed to connect; '*' by default (no cookies or credentials are used). */
  readonly allowedOrigins?: AllowedOrigins;
}

export function createSignalingServer(httpServer: http.Server, deps: SignalingServerDeps): SignalingServer {
  const { store, logger } = deps;
  const iceServers = [...(deps.iceServers ?? [])];
  const io: SignalingServer = new Server(httpServer, {
    ...originPolicy(deps.allowedOrigins ?? '*'),
    maxHttpBufferSize: MAX_HTTP_BUFFER_BYTES,
    serveClient: false,
  });

  io.use((socket, next) => {
    if (handshakeAuthSchema.safeParse(socket.handshake.auth).success) {
      next();
      return;
    }
    // The auth object is the client's to fill (up to a megabyte): log who, not what.
    logger.debug({ address: socket.handshake.address }, 'handshake refused: unsupported protocol');
    next(
      Object.assign(new Error('unsupported signaling protocol'), { data: { code: 'UNSUPPORTED_PROTOCOL' } }),
    );
  });

  store.onExpired(({ nameplate, openerSocketId }) => {
    logger.debug({ nameplate, socketId: openerSocketId }, 'nameplate expired unjoined');
    io.to(openerSocketId).emit('pair:ended', { reason: 'expired' });
  });

  io.on('connection', (socket) => {
    socket.data.rateLimitKey = rateLimitKey(socket.handshake.address);
    logger.debug({ socketId: socket.id, address: socket.handshake.address }, 'client connected');
    handleClient(io, socket, deps, iceServers);
  });

  return io;
}

function handleClient(
  io: SignalingServer,
  socket: SignalingSocket,
  { store, limiter, logger }: SignalingServerDeps,
  iceServers: IceServer[],
): void {
  const context: RespondContext = { socket, limiter, logger };

  function endPairing(why: 'left' | 'disconnected'): void {
    const left = store.leave(socket.id);
    if (left === undefined) return;
    logger.debug({ socketId: socket.id, why }, 'pairing ended');
    if (left.peerSocketId !== undefined) io.to(left.peerSocketId).emit('pair:ended', { reason: 'peer-left' });
  }

  socket.on(
    'pair:abort',
    respondTo('pair:abort', context, {
      schema: pairAbortRequestSchema,
      rateLimited: false,
      handle: ({ reason }) => {
        // Like leaving, but the other device learns why, before it could mistake the departure
        // for "the other device left". Idempotent like `pair:leave`.
        const left = store.leave(socket.id);
        if (left === undefined) return ok(null);
        logger.debug({ socketId: socket.id, reason }, 'pairing aborted');
        if (left.peerSocketId !== undefined) io.to(left.peerSocketId).emit('pair:aborted', { reason });
        return ok(null);
      },
    }),
  );

  socket.on(
    'pair:open',
    respondTo('pair:open', context, {
      schema: pairOpenRequestSchema,
      rateLimited: true,
      handle: (request) => {
        const opened = store.open(socket.id, request.nameplate);
        if (!opened.ok) return opened;
        logger.debug({ socketId: socket.id, nameplate: opened.value.nameplate }, 'nameplate opened');
        return ok({ ...opened.value, iceServers });
      },
    }),
  );

  socket.on(
    'pair:join',
    respondTo('pair:join', context, {
      schema: pairJoinRequestSchema,
      rateLimited: true,
      handle: ({ nameplate }) => {
        const joined = store.join(socket.id, nameplate);
        if (!joined.ok) return joined;
        logger.debug({ socketId: socket.id, nameplate }, 'nameplate joined');
        io.to(joined.value.openerSocketId).emit('pair:peer-joined', {});
        return ok({ iceServers });
      },
    }),
  );

  socket.on(
    'pair:lookup',
    respondTo('pair:lookup', context, {
      schema: pairLookupRequestSchema,
      rateLimited: true,
      handle: ({ nameplate }) => store.lookup(nameplate),
    }),
  );

  socket.on(
    'signal:relay',
    respondTo('signal:relay', context, {
      schema: signalRelayRequestSchema,
      rateLimited: false,
      handle: ({ data }) => {
        const peerSocketId = store.peerOf(socket.id);
        if (peerSocketId === undefined) return err('NOT_PAIRED');
        // Never log the data itself: SDP and candidates carry the devices' IP addresses.
        io.to(peerSocketId).emit('signal:relay', { data });
        return ok(null);
      },
    }),
  );

  socket.on(
    'pair:leave',
    respondTo('pair:leave', context, {
      schema: pairLeaveRequestSchema,
      rateLimited: false,
      handle: () => {
        // Leaving is idempotent: a client cleaning up after `pair:ended` has nothing left to leave,
        // and treating that as an error would only add a race for every client to handle.
        endPairing('left');
        return ok(null);
      },
    }),
  );

  socket.on('disconnect', () => endPairing('disconnected'));
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
