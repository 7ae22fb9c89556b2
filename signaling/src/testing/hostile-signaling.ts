/**
 * Test-only: a hostile signaling service. It stands in front of the real one, passes HTTP (the web
 * client) and every socket.io event through, and lets a test rewrite, swallow or inject the
 * handshake data the devices relay to each other — what a malicious or compromised service, or
 * anyone on the path of a plain-http service, could do.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';

export type PairRole = 'opener' | 'joiner';

export interface HostileInjector {
  /** Delivers `data` to a device as if the other device had relayed it. */
  send(to: PairRole, data: unknown): void;
}

export interface HostileHooks {
  /**
   * A device relays `data` to the other one. Return what to forward instead (the same object to
   * pass it on), or null to swallow it.
   */
  relay(from: PairRole, data: unknown, inject: HostileInjector): unknown;
}

export interface RunningHostileSignaling {
  readonly url: string;
  close(): Promise<void>;
}

export async function startHostileSignaling(
  upstreamUrl: string,
  hooks: HostileHooks,
): Promise<RunningHostileSignaling> {
  const upstream = new URL(upstreamUrl);
  const httpServer = http.createServer((request, response) => {
    // The web client and /healthz come from the real service, unchanged.
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on('error', () => response.destroy());
    request.pipe(forwarded);
  });
  const io = new Server(httpServer, { cors: { origin: '*' }, maxHttpBufferSize: 1_000_000 });
  const devices = new Map<PairRole, { emit(event: string, payload: unknown): void }>();
  const upstreams = new Set<ClientSocket>();
  const inject: HostileInjector = {
    send: (to, data) => devices.get(to)?.emit('signal:relay', { data }),
  };

  io.on('connection', (socket) => {
    let role: PairRole | null = null;
    const towardsService = connect(upstreamUrl, {
      auth: socket.handshake.auth,
      forceNew: true,
      transports: ['websocket'],
      reconnection: false,
    });
    upstreams.add(towardsService);
    towardsService.on('connect_error', () => socket.disconnect(true));
    towardsService.onAny((event: string, ...args: unknown[]) => socket.emit(event, ...args));
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: unknown) => void) : undefined;
      if (event === 'pair:open') role = 'opener';
      if (event === 'pair:join') role = 'joiner';
      if (role) devices.set(role, socket);
      const payload = args[0] as { data?: unknown } | undefined;
      if (event === 'signal:relay' && role && payload && typeof payload === 'object') {
        const replaced = hooks.relay(role, payload.data, inject);
        if (replaced === null) {
          ack?.({ ok: true, value: null });
          return;
        }
        args[0] = { data: replaced };
      }
      if (ack) towardsService.emit(event, ...args, ack);
      else towardsService.emit(event, ...args);
    });
    socket.on('disconnect', () => {
      towardsService.close();
      upstreams.delete(towardsService);
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of upstreams) socket.close();
      await io.close();
      httpServer.closeAllConnections();
    },
  };
}

/** Replaces every DTLS fingerprint in an SDP with one of the attacker's choosing. */
export function rewriteFingerprints(sdp: string, fingerprint: string): string {
  return sdp.replace(/^a=fingerprint:\S+ \S+/gm, `a=fingerprint:${fingerprint}`);
}
