/**
 * Several instances on one Redis act as one service: a real redis-server on 127.0.0.1 (a free
 * port), two real service instances, real socket.io clients. Each test has its own Redis.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rendezvousIdOf } from '../../contracts/presence';
import type { SignalData } from '../../contracts/signaling';
import { startSignalingService, type RunningSignalingService, type SignalingServiceOptions } from './service';
import { createManualClock } from './testing/manual-clock';
import { joinPresence, testDevice } from './testing/presence-devices';
import { rawRequest } from './testing/raw-http';
import { REDIS_SERVER_PATH, startRedis, type RunningRedis } from './testing/redis-server';
import {
  connectClient,
  errorCodeOf,
  nextEvent,
  recordEvents,
  roundTrip,
  valueOf,
  type TestClient,
} from './testing/signaling-clients';

const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };

const cleanups: (() => Promise<void> | void)[] = [];
let redis: RunningRedis;

beforeEach(async () => {
  if (REDIS_SERVER_PATH === undefined) return;
  redis = await startRedis();
  cleanups.push(() => redis.stop());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function instance(options: Partial<SignalingServiceOptions> = {}): Promise<RunningSignalingService> {
  const service = await startSignalingService({
    port: 0,
    host: '127.0.0.1',
    redisUrl: redis.url,
    ...options,
  });
  cleanups.push(() => service.close());
  return service;
}

async function client(url: string, localAddress = '127.0.0.1'): Promise<TestClient> {
  const socket = await connectClient(url, { localAddress });
  cleanups.push(() => void socket.close());
  return socket;
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(REDIS_SERVER_PATH === undefined)(
  // Skipped only where redis-server is missing; scripts/ensure-redis.sh (run by .ci/run) installs it.
  'two instances on one Redis',
  () => {
    it('joins on instance 2 a code opened on instance 1, and relays both ways across them', async () => {
      const [one, two] = [await instance(), await instance()];
      const opener = await client(one.url, '127.0.1.1');
      const joiner = await client(two.url, '127.0.1.2');
      const opened = valueOf(await opener.emitWithAck('pair:open', {}));
      // The lowest free nameplate, from the shared space.
      expect(opened.nameplate).toBe('2');
      valueOf(await joiner.emitWithAck('pair:lookup', { nameplate: opened.nameplate }));

      const peerJoined = nextEvent(opener, 'pair:peer-joined');
      valueOf(await joiner.emitWithAck('pair:join', { nameplate: opened.nameplate }));
      await peerJoined;

      const offer = nextEvent(joiner, 'signal:relay');
      valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
      expect(await offer).toEqual({ data: OFFER });
      const answer = nextEvent(opener, 'signal:relay');
      valueOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }));
      expect(await answer).toEqual({ data: ANSWER });

      // Joined means freed: the next code anywhere gets the same lowest nameplate again, and a late
      // joiner through the other instance hears that it was used.
      const late = await client(one.url, '127.0.1.3');
      expect(errorCodeOf(await late.emitWithAck('pair:join', { nameplate: opened.nameplate }))).toBe(
        'CODE_USED',
      );
      const next = await client(two.url, '127.0.1.4');
      expect(valueOf(await next.emitWithAck('pair:open', {})).nameplate).toBe('2');

      // Leaving on one instance ends the pair on the other.
      const ended = nextEvent(opener, 'pair:ended');
      valueOf(await joiner.emitWithAck('pair:leave', {}));
      expect(await ended).toEqual({ reason: 'peer-left' });
      expect(errorCodeOf(await opener.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');
    });

    it('relays only between the current pair when sockets pair again, with new partners, across instances', async () => {
      const [one, two] = [await instance(), await instance()];
      const a = await client(one.url, '127.0.4.1');
      const b = await client(two.url, '127.0.4.2');
      const c = await client(one.url, '127.0.4.3');
      const pair = async (opener: TestClient, joiner: TestClient): Promise<void> => {
        const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
        const peerJoined = nextEvent(opener, 'pair:peer-joined');
        valueOf(await joiner.emitWithAck('pair:join', { nameplate }));
        await peerJoined;
      };
      const relays = (socket: TestClient) => recordEvents(socket, 'signal:relay');
      await pair(a, b);
      const toA = relays(a);
      const toB = relays(b);
      const toC = relays(c);
      const offer = nextEvent(b, 'signal:relay');
      valueOf(await a.emitWithAck('signal:relay', { data: OFFER }));
      await offer;

      // B leaves and pairs again, now as the opener, with C on the other instance; A opens anew.
      const ended = nextEvent(a, 'pair:ended');
      valueOf(await b.emitWithAck('pair:leave', {}));
      await ended;
      await pair(b, c);
      valueOf(await a.emitWithAck('pair:open', {}));
      expect(errorCodeOf(await a.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');

      // The new pair signals both ways across the instances; A's old partner hears none of it.
      const toCNow = nextEvent(c, 'signal:relay');
      valueOf(await b.emitWithAck('signal:relay', { data: ANSWER }));
      expect(await toCNow).toEqual({ data: ANSWER });
      const toBNow = nextEvent(b, 'signal:relay');
      valueOf(await c.emitWithAck('signal:relay', { data: OFFER }));
      expect(await toBNow).toEqual({ data: OFFER });
      expect(toA).toHaveLength(0);
      expect(toB).toEqual([{ data: OFFER }, { data: OFFER }]);
      expect(toC).toEqual([{ data: ANSWER }]);
    });

    it('lets two remembered devices on different instances meet, signal, and see each other leave', async () => {
      const [one, two] = [await instance(), await instance()];
      const [a, b, impostor] = [testDevice(), testDevice(), testDevice()];
      const rendezvousId = rendezvousIdOf(a.publicKey, b.publicKey);
      const socketA = await client(one.url, '127.0.1.1');
      expect(valueOf(await joinPresence(socketA, a, b)).peerPresent).toBe(false);

      // B's first connection on instance 2, then a newer one on instance 1 (a reload): the newer
      // takes B's place, and the old one going does not tell A that B left.
      const oldB = await client(two.url, '127.0.1.2');
      const told = nextEvent(socketA, 'presence:peer');
      expect(valueOf(await joinPresence(oldB, b, a)).peerPresent).toBe(true);
      expect(await told).toEqual({ rendezvousId, present: true });
      const newB = await client(two.url, '127.0.1.2');
      expect(valueOf(await joinPresence(newB, b, a)).peerPresent).toBe(true);
      const events = recordEvents(socketA, 'presence:peer');
      oldB.close();

      // Handshake data crosses instances both ways, to B's newer connection only.
      const offer = nextEvent(newB, 'presence:signal');
      valueOf(await socketA.emitWithAck('presence:signal', { rendezvousId, data: OFFER }));
      expect(await offer).toEqual({ rendezvousId, data: OFFER });
      const answer = nextEvent(socketA, 'presence:signal');
      valueOf(await newB.emitWithAck('presence:signal', { rendezvousId, data: ANSWER }));
      expect(await answer).toEqual({ rendezvousId, data: ANSWER });

      // An impostor on either instance gets neither in nor a word through.
      const socketX = await client(one.url, '127.0.1.3');
      expect(errorCodeOf(await joinPresence(socketX, b, a, impostor))).toBe('IDENTITY_REFUSED');
      expect(errorCodeOf(await socketX.emitWithAck('presence:signal', { rendezvousId, data: OFFER }))).toBe(
        'NOT_PAIRED',
      );

      const left = nextEvent(socketA, 'presence:peer');
      newB.close();
      expect(await left).toEqual({ rendezvousId, present: false });
      expect(events.filter((event) => !event.present)).toHaveLength(1);
    });

    it('never hands the same nameplate out twice, however the opens are spread', async () => {
      const [one, two] = [await instance(), await instance()];
      const opens = Array.from({ length: 24 }, async (_, n) => {
        const socket = await client(n % 2 === 0 ? one.url : two.url, `127.0.2.${n + 1}`);
        return valueOf(await socket.emitWithAck('pair:open', {})).nameplate;
      });
      const nameplates = await Promise.all(opens);
      expect(new Set(nameplates).size).toBe(24);
    });

    it('takes the token with the operation: a refused open holds no code, and malformed requests pay too', async () => {
      const clock = createManualClock(Date.now());
      const [one, two] = [await instance({ clock }), await instance({ clock })];
      const spender = await client(one.url, '127.0.5.1');
      // 30 tokens: schema failures and nameplates outside the space cost one each, like any request.
      const answers: (string | undefined)[] = [];
      for (let n = 0; n < 15; n++) {
        answers.push(errorCodeOf(await spender.emitWithAck('pair:join', { nameplate: 7 })));
        answers.push(errorCodeOf(await spender.emitWithAck('pair:open', { nameplate: '!!' })));
      }
      expect(new Set(answers)).toEqual(new Set(['INVALID_PAYLOAD']));
      expect(errorCodeOf(await spender.emitWithAck('pair:open', {}))).toBe('RATE_LIMITED');
      const onTwo = await client(two.url, '127.0.5.1');
      expect(errorCodeOf(await onTwo.emitWithAck('pair:lookup', { nameplate: '2' }))).toBe('RATE_LIMITED');
      // The refused open took no nameplate: the next opener anywhere gets the lowest.
      const other = await client(two.url, '127.0.5.2');
      expect(valueOf(await other.emitWithAck('pair:open', {})).nameplate).toBe('2');
    });

    it('keeps one rate-limit budget per address across instances', async () => {
      // Time stands still for both, so that no token comes back while the requests go in (one a
      // second does: 32 requests take longer than that on a loaded machine).
      const clock = createManualClock(Date.now());
      const [one, two] = [await instance({ clock }), await instance({ clock })];
      const opener = await client(one.url, '127.0.3.1');
      const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
      const onOne = await client(one.url, '127.0.3.2');
      const onTwo = await client(two.url, '127.0.3.2');
      // The default bucket holds 30: alternating instances does not make it 60.
      const answers: (string | undefined)[] = [];
      for (let n = 0; n < 32; n++) {
        answers.push(
          errorCodeOf(await (n % 2 === 0 ? onOne : onTwo).emitWithAck('pair:lookup', { nameplate })),
        );
      }
      expect(answers.filter((code) => code === undefined)).toHaveLength(30);
      expect(answers.slice(30)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
      // Someone else is not affected.
      const other = await client(two.url, '127.0.3.3');
      expect(errorCodeOf(await other.emitWithAck('pair:lookup', { nameplate }))).toBeUndefined();
    });

    it('expires a code on every instance at its deadline, whoever opened it', async () => {
      const [one, two] = [await instance({ codeTtlMs: 1_000 }), await instance({ codeTtlMs: 1_000 })];
      const opener = await client(one.url, '127.0.4.1');
      const expired = nextEvent(opener, 'pair:ended');
      const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
      expect(await expired).toEqual({ reason: 'expired' });
      const joiner = await client(two.url, '127.0.4.2');
      expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate }))).toBe('CODE_EXPIRED');
    });

    it('loses no open code when an instance stops: its opener takes the code back on another', async () => {
      const one = await instance();
      const two = await instance();
      const opener = await client(one.url, '127.0.5.1');
      const opened = valueOf(await opener.emitWithAck('pair:open', {}));
      expect(opened.resumeToken).toMatch(/^[\w-]{16,}$/);
      const closing = nextEvent(opener, 'service:closing');
      await one.close();
      await closing;

      // A stranger cannot take it, with or without a made-up token…
      const stranger = await client(two.url, '127.0.5.9');
      expect(errorCodeOf(await stranger.emitWithAck('pair:open', { nameplate: opened.nameplate }))).toBe(
        'NAMEPLATE_TAKEN',
      );
      expect(
        errorCodeOf(
          await stranger.emitWithAck('pair:open', {
            nameplate: opened.nameplate,
            resumeToken: 'x'.repeat(22),
          }),
        ),
      ).toBe('NAMEPLATE_TAKEN');
      // …its opener, reconnected through the other instance, can, with the same deadline.
      const back = await client(two.url, '127.0.5.1');
      const resumed = valueOf(
        await back.emitWithAck('pair:open', { nameplate: opened.nameplate, resumeToken: opened.resumeToken }),
      );
      expect(resumed).toMatchObject({ nameplate: opened.nameplate, expiresAt: opened.expiresAt });

      const joiner = await client(two.url, '127.0.5.2');
      const peerJoined = nextEvent(back, 'pair:peer-joined');
      valueOf(await joiner.emitWithAck('pair:join', { nameplate: opened.nameplate }));
      await peerJoined;
    });

    it('says UNAVAILABLE and not-ready while Redis is away, and recovers when it is back', async () => {
      const service = await instance();
      const socket = await client(service.url, '127.0.6.1');
      const ready = async (): Promise<number> => (await rawRequest(service.url, '/readyz')).status;
      expect(await ready()).toBe(200);

      await redis.stop();
      await until(async () => (await ready()) === 503, '/readyz to say not-ready');
      expect(errorCodeOf(await socket.emitWithAck('pair:open', {}))).toBe('UNAVAILABLE');
      expect((await rawRequest(service.url, '/healthz')).status).toBe(200);

      await redis.restart();
      await until(async () => (await ready()) === 200, '/readyz to say ready again');
      // Redis came back empty: the pairing script is loaded again as it is used.
      expect(valueOf(await socket.emitWithAck('pair:open', {})).nameplate).toBe('2');
    });

    it('relays nothing to a socket of another pair, on either instance', async () => {
      const [one, two] = [await instance(), await instance()];
      const a = await client(one.url, '127.0.7.1');
      const b = await client(two.url, '127.0.7.2');
      const bystander = await client(two.url, '127.0.7.3');
      const received = recordEvents(bystander, 'signal:relay');
      const { nameplate } = valueOf(await a.emitWithAck('pair:open', {}));
      const joined = nextEvent(a, 'pair:peer-joined');
      valueOf(await b.emitWithAck('pair:join', { nameplate }));
      await joined;
      const arrived = nextEvent(b, 'signal:relay');
      valueOf(await a.emitWithAck('signal:relay', { data: OFFER }));
      await arrived;
      await roundTrip(bystander);
      expect(received).toEqual([]);
    });
  },
);
