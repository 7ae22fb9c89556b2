/**
 * The signaling protocol, end to end over real sockets: a real socket.io server on 127.0.0.1 with
 * an ephemeral port and real socket.io clients. Time is a manual clock, so expiry needs no sleeping.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { err } from '../../contracts/result';
import {
  MAX_SIGNAL_PAYLOAD_BYTES,
  SIGNALING_PROTOCOL_VERSION,
  type IceServer,
  type SignalData,
} from '../../contracts/signaling';
import type { SignalingServer } from './io-types';
import { createSilentLogger } from './logger';
import { createPairingStore, type PairingStore } from './pairing-store';
import { createTokenBucketLimiter, type RateLimiter } from './rate-limiter';
import { sharedFromMemory, sharedLimiterFromMemory } from './shared-pairing-store';
import { createSignalingServer, type SignalingServerDeps } from './server';
import { createManualClock, type ManualClock } from './testing/manual-clock';
import {
  connectClient,
  connectExpectingRefusal,
  errorCodeOf,
  nextEvent,
  recordEvents,
  roundTrip,
  valueOf,
  type TestClient,
  type TestClientOptions,
} from './testing/signaling-clients';

const CODE_TTL_MS = 10 * 60 * 1000;
const ICE_SERVERS: IceServer[] = [{ urls: 'stun:stun.ferry.test:3478' }];
const OFFER: SignalData = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const ANSWER: SignalData = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };
const CANDIDATE: SignalData = {
  type: 'candidate',
  candidate: {
    candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
    sdpMLineIndex: 0,
    sdpMid: '0',
  },
};

interface KitOptions {
  store?: PairingStore;
  limiter?: RateLimiter;
  allowedOrigins?: SignalingServerDeps['allowedOrigins'];
}

interface ProtocolKit {
  readonly url: string;
  readonly io: SignalingServer;
  readonly clock: ManualClock;
  client(options?: TestClientOptions): Promise<TestClient>;
  /** Two fresh clients paired through the service. */
  pair(): Promise<{ opener: TestClient; joiner: TestClient; nameplate: string }>;
  /** Resolves once the service has handled `client`'s disconnect (our handler runs first). */
  serviceSawDisconnect(client: TestClient): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startKit(options: KitOptions = {}): Promise<ProtocolKit> {
  const clock = createManualClock();
  const store = options.store ?? createPairingStore({ clock, codeTtlMs: CODE_TTL_MS });
  const httpServer = http.createServer();
  const io = createSignalingServer(httpServer, {
    store: sharedFromMemory(store),
    limiter: sharedLimiterFromMemory(options.limiter ?? createTokenBucketLimiter({ clock })),
    logger: createSilentLogger(),
    iceServers: ICE_SERVERS,
    ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    store.dispose();
    const closed = io.close();
    httpServer.closeAllConnections();
    await closed;
  });
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  async function client(clientOptions: TestClientOptions = {}): Promise<TestClient> {
    const socket = await connectClient(url, clientOptions);
    cleanups.push(() => void socket.close());
    return socket;
  }

  return {
    url,
    io,
    clock,
    client,
    async pair() {
      const opener = await client();
      const joiner = await client();
      const peerJoined = nextEvent(opener, 'pair:peer-joined');
      const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
      valueOf(await joiner.emitWithAck('pair:join', { nameplate }));
      await peerJoined;
      return { opener, joiner, nameplate };
    },
    serviceSawDisconnect(socketClient) {
      const serverSide = io.of('/').sockets.get(socketClient.id ?? '');
      if (serverSide === undefined) throw new Error('no such socket on the service');
      return new Promise((resolve) => serverSide.once('disconnect', () => resolve()));
    },
  };
}

/** The invariant every bad-input test ends on: the service still pairs two fresh devices. */
async function expectFreshPairWorks(kit: ProtocolKit): Promise<void> {
  const { opener, joiner } = await kit.pair();
  const relayed = nextEvent(joiner, 'signal:relay');
  valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
  expect(await relayed).toEqual({ data: OFFER });
}

describe('one code on two services', () => {
  it('opens the nameplate a client asks for, once, and the joiner finds it there', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const rival = await kit.client();
    const joiner = await kit.client();
    const peerJoined = nextEvent(opener, 'pair:peer-joined');
    expect(valueOf(await opener.emitWithAck('pair:open', { nameplate: 'K7M' })).nameplate).toBe('K7M');
    expect(await rival.emitWithAck('pair:open', { nameplate: 'K7M' })).toMatchObject({
      ok: false,
      error: { code: 'NAMEPLATE_TAKEN' },
    });
    expect(await rival.emitWithAck('pair:open', { nameplate: 'k7m' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    valueOf(await joiner.emitWithAck('pair:join', { nameplate: 'K7M' }));
    await peerJoined;
  });
});

describe('pairing and relaying', () => {
  it('pairs an opener and a joiner and relays handshake data both ways, to the peer only', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const joiner = await kit.client();
    const bystander = await kit.client();
    const bystanderRelays = recordEvents(bystander, 'signal:relay');
    const openerRelays = recordEvents(opener, 'signal:relay');
    const joinerRelays = recordEvents(joiner, 'signal:relay');

    const opened = valueOf(await opener.emitWithAck('pair:open', {}));
    expect(opened.nameplate).toMatch(/^[2-9A-HJKMNP-Z]{3}$/);
    expect(opened.expiresAt).toBe(kit.clock.now() + CODE_TTL_MS);
    expect(opened.iceServers).toEqual(ICE_SERVERS);

    const peerJoined = nextEvent(opener, 'pair:peer-joined');
    expect(await joiner.emitWithAck('pair:join', { nameplate: opened.nameplate })).toEqual({
      ok: true,
      value: { iceServers: ICE_SERVERS },
    });
    expect(await peerJoined).toEqual({});

    const offerArrived = nextEvent(joiner, 'signal:relay');
    expect(await opener.emitWithAck('signal:relay', { data: OFFER })).toEqual({ ok: true, value: null });
    expect(await offerArrived).toEqual({ data: OFFER });

    const answerArrived = nextEvent(opener, 'signal:relay');
    valueOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }));
    valueOf(await joiner.emitWithAck('signal:relay', { data: CANDIDATE }));
    expect(await answerArrived).toEqual({ data: ANSWER });

    await Promise.all([roundTrip(opener), roundTrip(joiner), roundTrip(bystander)]);
    expect(openerRelays).toEqual([{ data: ANSWER }, { data: CANDIDATE }]);
    expect(joinerRelays).toEqual([{ data: OFFER }]);
    expect(bystanderRelays).toEqual([]);
  });

  it('relays fields it does not know untouched (simple-peer may add some)', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const renegotiate = { type: 'renegotiate', renegotiate: true, extra: { nested: [1, 2] } } as SignalData;
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: renegotiate }));
    expect(await arrived).toEqual({ data: renegotiate });
  });

  it('pairs over HTTP long-polling too', async () => {
    const kit = await startKit();
    const opener = await kit.client({ transports: ['polling'] });
    const joiner = await kit.client({ transports: ['polling'] });
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    valueOf(await joiner.emitWithAck('pair:join', { nameplate }));
    const arrived = nextEvent(opener, 'signal:relay');
    valueOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }));
    expect(await arrived).toEqual({ data: ANSWER });
  });

  it('answers NOT_PAIRED to a relay outside a complete pair', async () => {
    const kit = await startKit();
    const loner = await kit.client();
    expect(errorCodeOf(await loner.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');
    valueOf(await loner.emitWithAck('pair:open', {}));
    expect(errorCodeOf(await loner.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');
    await expectFreshPairWorks(kit);
  });

  it('does not end a joined pair when the code lifetime passes', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const ended = recordEvents(opener, 'pair:ended');
    kit.clock.advance(CODE_TTL_MS * 2);
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
    expect(await arrived).toEqual({ data: OFFER });
    expect(ended).toEqual([]);
  });
});

describe('codes that cannot be joined', () => {
  it('answers CODE_NOT_FOUND to a nameplate nobody opened', async () => {
    const kit = await startKit();
    const joiner = await kit.client();
    expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate: 'ZZZ' }))).toBe('CODE_NOT_FOUND');
    await expectFreshPairWorks(kit);
  });

  it('tells the opener when its code expires unjoined, then answers CODE_EXPIRED', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    const ended = nextEvent(opener, 'pair:ended');
    kit.clock.advance(CODE_TTL_MS);
    expect(await ended).toEqual({ reason: 'expired' });
    const joiner = await kit.client();
    expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate }))).toBe('CODE_EXPIRED');
    // The opener is free again and can open a new code.
    valueOf(await opener.emitWithAck('pair:open', {}));
    await expectFreshPairWorks(kit);
  });

  it('answers CODE_EXPIRED when the opener left before anyone joined', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    expect(await opener.emitWithAck('pair:leave', {})).toEqual({ ok: true, value: null });
    const joiner = await kit.client();
    expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate }))).toBe('CODE_EXPIRED');
    await expectFreshPairWorks(kit);
  });

  it('answers CODE_EXPIRED when the opener disconnected before anyone joined', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    const gone = kit.serviceSawDisconnect(opener);
    opener.close();
    await gone;
    const joiner = await kit.client();
    expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate }))).toBe('CODE_EXPIRED');
    await expectFreshPairWorks(kit);
  });

  it('answers CODE_USED to a third device while the pair is alive, and leaves the pair alone', async () => {
    const kit = await startKit();
    const { opener, joiner, nameplate } = await kit.pair();
    const third = await kit.client();
    const thirdRelays = recordEvents(third, 'signal:relay');
    expect(errorCodeOf(await third.emitWithAck('pair:join', { nameplate }))).toBe('CODE_USED');
    // The pair is untouched, and the third device hears nothing of it.
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
    expect(await arrived).toEqual({ data: OFFER });
    await roundTrip(third);
    expect(thirdRelays).toEqual([]);
    await expectFreshPairWorks(kit);
  });

  it('answers CODE_USED once the pair that used the code has ended (codes are single-use)', async () => {
    const kit = await startKit();
    const { opener, joiner, nameplate } = await kit.pair();
    const ended = nextEvent(opener, 'pair:ended');
    valueOf(await joiner.emitWithAck('pair:leave', {}));
    await ended;
    const latecomer = await kit.client();
    expect(errorCodeOf(await latecomer.emitWithAck('pair:join', { nameplate }))).toBe('CODE_USED');
    expect(errorCodeOf(await joiner.emitWithAck('pair:join', { nameplate }))).toBe('CODE_USED');
    await expectFreshPairWorks(kit);
  });

  it('answers ALREADY_PAIRED to joining your own code or opening twice', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    expect(errorCodeOf(await opener.emitWithAck('pair:join', { nameplate }))).toBe('ALREADY_PAIRED');
    expect(errorCodeOf(await opener.emitWithAck('pair:open', {}))).toBe('ALREADY_PAIRED');
    const { joiner } = await kit.pair();
    expect(errorCodeOf(await joiner.emitWithAck('pair:open', {}))).toBe('ALREADY_PAIRED');
    // The refusals did not spoil the opener's own code.
    const late = await kit.client();
    valueOf(await late.emitWithAck('pair:join', { nameplate }));
  });
});

describe('looking a code up', () => {
  it('says whether a nameplate is joinable without joining it, so a join elsewhere spoils nothing', async () => {
    const kit = await startKit();
    const opener = await kit.client();
    const asker = await kit.client();
    const openerJoins = recordEvents(opener, 'pair:peer-joined');
    expect(errorCodeOf(await asker.emitWithAck('pair:lookup', { nameplate: 'ZZZ' }))).toBe('CODE_NOT_FOUND');
    const { nameplate } = valueOf(await opener.emitWithAck('pair:open', {}));
    expect(await asker.emitWithAck('pair:lookup', { nameplate })).toEqual({ ok: true, value: null });
    await roundTrip(opener);
    // The opener was not disturbed, and the asker can still join (or open) for real.
    expect(openerJoins).toEqual([]);
    const peerJoined = nextEvent(opener, 'pair:peer-joined');
    valueOf(await asker.emitWithAck('pair:join', { nameplate }));
    await peerJoined;
    const third = await kit.client();
    // Joined: the nameplate was freed at once, and a lookup says the code was used.
    expect(errorCodeOf(await third.emitWithAck('pair:lookup', { nameplate }))).toBe('CODE_USED');
    expect(errorCodeOf(await third.emitWithAck('pair:lookup', { nameplate: 'abc' }))).toBe('INVALID_PAYLOAD');
    expect(errorCodeOf(await third.emitWithAck('pair:lookup', { nameplate, extra: 1 }))).toBe(
      'INVALID_PAYLOAD',
    );
    await expectFreshPairWorks(kit);
  });
});

describe('leaving', () => {
  it('tells the other side peer-left when a peer leaves, and frees both', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const ended = nextEvent(joiner, 'pair:ended');
    expect(await opener.emitWithAck('pair:leave', {})).toEqual({ ok: true, value: null });
    expect(await ended).toEqual({ reason: 'peer-left' });
    expect(errorCodeOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }))).toBe('NOT_PAIRED');
    // Leaving again is not an error, and both can pair anew.
    expect(await joiner.emitWithAck('pair:leave', {})).toEqual({ ok: true, value: null });
    valueOf(await opener.emitWithAck('pair:open', {}));
    valueOf(await joiner.emitWithAck('pair:open', {}));
  });

  it('tells the other side why when a peer aborts, instead of peer-left, and frees both', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const events: string[] = [];
    joiner.on('pair:ended', (event) => events.push(`ended:${event.reason}`));
    joiner.on('pair:aborted', (event) => events.push(`aborted:${event.reason}`));
    expect(await opener.emitWithAck('pair:abort', { reason: 'no-path' })).toEqual({ ok: true, value: null });
    // The opener hangs up right after; the joiner must still have heard only the reason.
    const disconnected = kit.serviceSawDisconnect(opener);
    opener.close();
    await disconnected;
    expect(errorCodeOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }))).toBe('NOT_PAIRED');
    expect(events).toEqual(['aborted:no-path']);
    // Aborting again (nothing left to abort) is not an error.
    expect(await joiner.emitWithAck('pair:abort', { reason: 'cancelled' })).toEqual({
      ok: true,
      value: null,
    });
  });

  it('answers INVALID_PAYLOAD to an abort with a reason it does not know', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const result = await opener.emitWithAck('pair:abort', { reason: 'because' });
    expect(errorCodeOf(result)).toBe('INVALID_PAYLOAD');
    // The pair is intact: relaying still works.
    const relayed = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
    expect(await relayed).toEqual({ data: OFFER });
  });

  it('tells the other side peer-left when a peer disconnects', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const ended = nextEvent(opener, 'pair:ended');
    joiner.close();
    expect(await ended).toEqual({ reason: 'peer-left' });
    expect(errorCodeOf(await opener.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');
    await expectFreshPairWorks(kit);
  });
});

describe('hostile or broken input', () => {
  it.each([
    ['a lowercase nameplate', { nameplate: 'abc' }],
    ['a nameplate with a confusable character', { nameplate: 'A0B' }],
    ['a nameplate longer than any', { nameplate: 'ABCDEFGH' }],
    ['an empty nameplate', { nameplate: '' }],
    ['a number for a nameplate', { nameplate: 123 }],
    ['extra fields', { nameplate: 'ABC', secret: 'XYZ' }],
    ['no fields', {}],
    ['a string payload', 'ABC'],
    ['null', null],
    ['an array', [{ nameplate: 'ABC' }]],
  ])('answers INVALID_PAYLOAD to pair:join with %s', async (_label, payload) => {
    const kit = await startKit();
    const joiner = await kit.client();
    const result = await joiner.emitWithAck('pair:join', payload);
    expect(errorCodeOf(result)).toBe('INVALID_PAYLOAD');
    await expectFreshPairWorks(kit);
  });

  it('answers INVALID_PAYLOAD to malformed opens, leaves and relays', async () => {
    const kit = await startKit();
    const { opener } = await kit.pair();
    const loner = await kit.client();
    expect(errorCodeOf(await loner.emitWithAck('pair:open', { secret: 'ABC' }))).toBe('INVALID_PAYLOAD');
    expect(errorCodeOf(await loner.emitWithAck('pair:open', undefined))).toBe('INVALID_PAYLOAD');
    expect(errorCodeOf(await opener.emitWithAck('pair:leave', 'now'))).toBe('INVALID_PAYLOAD');
    for (const data of [{ type: 'offer', sdp: 42 }, { type: 'telepathy' }, 'v=0', { type: 'candidate' }]) {
      expect(errorCodeOf(await opener.emitWithAck('signal:relay', { data }))).toBe('INVALID_PAYLOAD');
    }
    expect(errorCodeOf(await opener.emitWithAck('signal:relay', { data: OFFER, to: 'x' }))).toBe(
      'INVALID_PAYLOAD',
    );
    await expectFreshPairWorks(kit);
  });

  it.each([
    ['just over the limit', MAX_SIGNAL_PAYLOAD_BYTES + 1],
    ['far over the limit', 900_000],
  ])('answers PAYLOAD_TOO_LARGE to a payload %s and keeps the connection', async (_label, bytes) => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const joinerRelays = recordEvents(joiner, 'signal:relay');
    const oversized = { data: { type: 'offer', sdp: 'x'.repeat(bytes) } };
    expect(errorCodeOf(await opener.emitWithAck('signal:relay', oversized))).toBe('PAYLOAD_TOO_LARGE');
    expect(errorCodeOf(await opener.emitWithAck('pair:join', { nameplate: 'x'.repeat(bytes) }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    // Same connection, still paired, nothing was relayed.
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: OFFER }));
    expect(await arrived).toEqual({ data: OFFER });
    expect(joinerRelays).toEqual([{ data: OFFER }]);
    await expectFreshPairWorks(kit);
  });

  it('refuses an event sent without an ack with server:error, and does not act on it', async () => {
    const kit = await startKit();
    const client = await kit.client();
    const serverError = nextEvent(client, 'server:error');
    // The typed client insists on an ack; a hostile one does not.
    (client as unknown as { emit(event: string, payload: unknown): void }).emit('pair:open', {});
    expect(await serverError).toMatchObject({ code: 'INVALID_PAYLOAD' });
    // Had the open been acted on, this would be ALREADY_PAIRED.
    valueOf(await client.emitWithAck('pair:open', {}));
    await expectFreshPairWorks(kit);
  });

  it('ignores events it does not know', async () => {
    const kit = await startKit();
    const client = await kit.client();
    const errors = recordEvents(client, 'server:error');
    (client as unknown as { emit(event: string, ...args: unknown[]): void }).emit(
      'admin:shutdown',
      {},
      () => {
        throw new Error('an unknown event must not be answered');
      },
    );
    valueOf(await client.emitWithAck('pair:open', {}));
    expect(errors).toEqual([]);
    expect(client.connected).toBe(true);
    await expectFreshPairWorks(kit);
  });

  it('answers INTERNAL when handling fails, without leaking details, and keeps serving', async () => {
    const clock = createManualClock();
    const realStore = createPairingStore({ clock });
    let failNextOpen = true;
    const flakyStore: PairingStore = {
      ...realStore,
      open(socketId, request) {
        if (failNextOpen) {
          failNextOpen = false;
          throw new Error('disk on fire at /secret/path');
        }
        return realStore.open(socketId, request);
      },
    };
    const kit = await startKit({ store: flakyStore });
    const client = await kit.client();
    expect(await client.emitWithAck('pair:open', {})).toEqual(err('INTERNAL'));
    await expectFreshPairWorks(kit);
  });

  it.each([
    ['a newer protocol version', { protocol: SIGNALING_PROTOCOL_VERSION + 1 }],
    ['the previous protocol version (no PAKE)', { protocol: SIGNALING_PROTOCOL_VERSION - 1 }],
    ['the version as a string', { protocol: String(SIGNALING_PROTOCOL_VERSION) }],
    ['no version at all', {}],
  ])('refuses a client that speaks %s with UNSUPPORTED_PROTOCOL', async (_label, auth) => {
    const kit = await startKit();
    const refusal = await connectExpectingRefusal(kit.url, { auth });
    expect(refusal.data).toEqual({ code: 'UNSUPPORTED_PROTOCOL' });
    await expectFreshPairWorks(kit);
  });
});

describe('rate limiting', () => {
  it('answers RATE_LIMITED once a client has used its burst of opens and joins, until tokens refill', async () => {
    const clock = createManualClock();
    const kit = await startKit({
      limiter: createTokenBucketLimiter({ clock, capacity: 3, refillPerSecond: 1 }),
    });
    const { opener, joiner } = await kit.pair(); // one open, one join
    const guesser = await kit.client();
    expect(errorCodeOf(await guesser.emitWithAck('pair:join', { nameplate: 'ZZZ' }))).toBe('CODE_NOT_FOUND');
    expect(errorCodeOf(await guesser.emitWithAck('pair:join', { nameplate: 'YYY' }))).toBe('RATE_LIMITED');
    expect(errorCodeOf(await guesser.emitWithAck('pair:open', {}))).toBe('RATE_LIMITED');
    // A lookup can be used to guess codes as well as a join can, so it is counted the same.
    expect(errorCodeOf(await guesser.emitWithAck('pair:lookup', { nameplate: 'XXX' }))).toBe('RATE_LIMITED');
    // Relaying inside a pair is counted per connection, not against the address.
    for (let i = 0; i < 5; i++) valueOf(await opener.emitWithAck('signal:relay', { data: CANDIDATE }));
    valueOf(await joiner.emitWithAck('signal:relay', { data: ANSWER }));
    // The miss cost 4 tokens more than a hit: the bucket is in debt (-3) and refills at 1/s.
    clock.advance(3000);
    expect(errorCodeOf(await guesser.emitWithAck('pair:open', {}))).toBe('RATE_LIMITED');
    clock.advance(1000);
    valueOf(await guesser.emitWithAck('pair:open', {}));
  });
});

describe('browser origins', () => {
  it('lets listed origins and non-browser clients in, and refuses other origins', async () => {
    const kit = await startKit({ allowedOrigins: ['https://ferry.example'] });
    await kit.client({ extraHeaders: { origin: 'https://ferry.example' } });
    await kit.client();
    await kit.client({ transports: ['polling'], extraHeaders: { origin: 'https://ferry.example' } });
    await expect(
      connectClient(kit.url, { extraHeaders: { origin: 'https://evil.example' } }),
    ).rejects.toThrow();
    await expect(
      connectClient(kit.url, { transports: ['polling'], extraHeaders: { origin: 'https://evil.example' } }),
    ).rejects.toThrow();
    await expectFreshPairWorks(kit);
  });
});

describe('the PAKE through the relay, and burning a code', () => {
  it('relays the PAKE messages to the other device unchanged', async () => {
    const kit = await startKit();
    const { opener, joiner } = await kit.pair();
    const share = { type: 'pake:share', share: `04${'ab'.repeat(64)}` };
    const arrived = nextEvent(joiner, 'signal:relay');
    valueOf(await opener.emitWithAck('signal:relay', { data: share }));
    expect(await arrived).toEqual({ data: share });
    const confirm = { type: 'pake:confirm', mac: 'cd'.repeat(32) };
    const back = nextEvent(opener, 'signal:relay');
    valueOf(await joiner.emitWithAck('signal:relay', { data: confirm }));
    expect(await back).toEqual({ data: confirm });
  });

  it('refuses PAKE messages that are not well formed', async () => {
    const kit = await startKit();
    const { opener } = await kit.pair();
    for (const data of [
      { type: 'pake:share', share: 'xyz' },
      { type: 'pake:confirm', mac: 'cd'.repeat(31) },
      { type: 'pake:confirm', mac: 'cd'.repeat(32), extra: 1 },
    ]) {
      expect(errorCodeOf(await opener.emitWithAck('signal:relay', { data }))).toBe('INVALID_PAYLOAD');
    }
  });

  it('ends the pair and keeps the nameplate closed after a failed confirmation: one guess per code', async () => {
    const kit = await startKit();
    const { opener, joiner, nameplate } = await kit.pair();
    const aborted = nextEvent(joiner, 'pair:aborted');
    expect(await opener.emitWithAck('pair:abort', { reason: 'code-mismatch' })).toEqual({
      ok: true,
      value: null,
    });
    expect(await aborted).toEqual({ reason: 'code-mismatch' });
    const guesser = await kit.client();
    expect(errorCodeOf(await guesser.emitWithAck('pair:join', { nameplate }))).toBe('CODE_USED');
    expect(errorCodeOf(await joiner.emitWithAck('signal:relay', { data: OFFER }))).toBe('NOT_PAIRED');
    await expectFreshPairWorks(kit);
  });
});
