/**
 * PairingAttempt (as the opener) against a scripted joiner that runs the real PAKE, with stand-ins
 * for the signaling connection and the peer session: for what real services and connections
 * cannot do on cue, such as a relay that rewrites SDP or a joiner whose hello does not match.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCode, type PairingCode } from '../../../contracts/pairing-code';
import type { PeerMessage } from '../../../contracts/peer-protocol';
import type { PairAbortReason, PakeMessage, RelayData } from '../../../contracts/signaling';
import type { ConnectStep, PairingProgress } from './engine-actions';
import {
  announceFingerprint,
  bindConnection,
  derivePairingKeys,
  startPairingPake,
  type PairingKeys,
} from './pake/pairing-pake';
import { MISMATCH_LINGER_MS, PairingAttempt, TOLD_REASON_GRACE_MS } from './pairing-attempt';
import type { PeerSession, PeerSessionEvents } from './peer-session';
import type { SignalingConnection, SignalingHandlers } from './signaling-client';
import { helloIdentity } from './identity/connection-identity';
import { testIdentity } from './testing/test-identity';

const OPENER_FP = `sha-256 ${Array.from({ length: 32 }, () => 'AA').join(':')}`;
const JOINER_FP = `sha-256 ${Array.from({ length: 32 }, () => 'BB').join(':')}`;
const MIDDLE_FP = `sha-256 ${Array.from({ length: 32 }, () => 'CC').join(':')}`;
const sdpWith = (fingerprint: string) => `v=0\r\na=fingerprint:${fingerprint}\r\n`;
/** The fingerprint as a hello's identity fields state it (upper-case hex pairs, no algorithm). */
const bare = (fingerprint: string) => fingerprint.replace(/^sha-256 /, '');
const bob = testIdentity('Bob');

/**
 * Bob's hello as a joiner whose connection runs from `local` to `remote` would send it: a real
 * identity proof over that view, and `binding` (none when undefined).
 */
function bobHello(local: string, remote: string, binding?: string): PeerMessage {
  return {
    v: 1,
    type: 'hello',
    ...helloIdentity(bob, { local: bare(local), remote: bare(remote) }),
    deviceName: 'Bob',
    appVersion: '0.0.0-test',
    ...(binding === undefined ? {} : { binding }),
  };
}

/** A peer session whose events the test fires, recording what the attempt sends and whether it closed it. */
class StandInSession {
  readonly sent: PeerMessage[] = [];
  readonly applied: unknown[] = [];
  closed = false;
  isOpen = true;
  readonly connection = {
    localDescription: { sdp: sdpWith(OPENER_FP) },
    remoteDescription: { sdp: sdpWith(JOINER_FP) },
    getStats: async () => new Map(),
  };
  private readonly listeners = new Map<keyof PeerSessionEvents, ((...args: never[]) => void)[]>();

  on<E extends keyof PeerSessionEvents>(event: E, listener: PeerSessionEvents[E]): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (...args: never[]) => void]);
  }
  fire<E extends keyof PeerSessionEvents>(event: E, ...args: Parameters<PeerSessionEvents[E]>): void {
    for (const listener of this.listeners.get(event) ?? [])
      (listener as (...a: typeof args) => void)(...args);
  }
  send(message: PeerMessage): void {
    this.sent.push(message);
  }
  applySignal(data: unknown): void {
    this.applied.push(data);
  }
  step: ConnectStep = 'addresses';
  async connectStep(): Promise<ConnectStep> {
    return this.step;
  }
  close(): void {
    this.closed = true;
  }
}

/** Lets promise callbacks run, timers staying faked, until `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 10_000) throw new Error('the attempt never got there');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** An opener that shows a code, and a service stand-in through which the test speaks for the joiner. */
async function openerWithScriptedJoiner() {
  const progress: PairingProgress[] = [];
  const session = new StandInSession();
  const relayed: RelayData[] = [];
  const aborts: PairAbortReason[] = [];
  let signalingClosed = false;
  let sessionsMade = 0;
  let handlers: SignalingHandlers = {};
  const attempt = new PairingAttempt({
    signalingUrl: 'http://127.0.0.1:1',
    identity: testIdentity('Ada'),
    extraIceServers: [],
    onProgress: (step) => progress.push(step),
    onPaired: () => undefined,
    createSignaling: (_url, given) => {
      handlers = given;
      return {
        open: async () => ({
          ok: true,
          value: { nameplate: '482', iceServers: [], expiresAt: Date.now() + 60_000 },
        }),
        relay: async (data: RelayData) => {
          relayed.push(data);
          return { ok: true, value: null };
        },
        abort: async (reason: PairAbortReason) => {
          aborts.push(reason);
          return { ok: true, value: null };
        },
        close: () => {
          signalingClosed = true;
        },
      } as unknown as SignalingConnection;
    },
    createSession: (options) => {
      sessionsMade++;
      // The opener is the initiator: its offer goes out as soon as the session exists.
      options.sendViaSignaling({ type: 'offer', sdp: sdpWith(OPENER_FP) });
      return session as unknown as PeerSession;
    },
  });
  await attempt.open();
  const shown = progress.at(-1);
  if (shown?.phase !== 'showing-code') throw new Error('no code shown');
  const parsed = parseCode(shown.code);
  if (!parsed.ok) throw new Error('unreadable code');
  const fromOpener = <T extends PakeMessage['type']>(type: T) =>
    relayed.find((data): data is Extract<PakeMessage, { type: T }> => data.type === type);

  /** Runs the joiner's side of the PAKE with `code`, through the stand-in service. */
  async function joinWith(code: PairingCode): Promise<PairingKeys | null> {
    const joiner = startPairingPake(code, 'joiner');
    handlers.onPeerJoined?.();
    handlers.onSignal?.({ type: 'pake:share', share: bytesToHex(joiner.share) });
    const openerShare = fromOpener('pake:share');
    if (!openerShare) throw new Error('the opener sent no share');
    const finished = joiner.finish(hexToBytes(openerShare.share));
    if (!finished.ok) throw new Error('the opener share was refused');
    handlers.onSignal?.({ type: 'pake:confirm', mac: bytesToHex(finished.confirmation) });
    const openerConfirm = fromOpener('pake:confirm');
    const keys = openerConfirm ? finished.verify(hexToBytes(openerConfirm.mac)) : null;
    return keys ? derivePairingKeys(keys) : null;
  }

  return {
    attempt,
    session,
    progress,
    relayed,
    handlers: () => handlers,
    code: parsed.code,
    joinWith,
    fromOpener,
    aborts,
    signalingClosed: () => signalingClosed,
    sessionsMade: () => sessionsMade,
  };
}

/** An opener paired by PAKE whose joiner's answer came through, up to the channel opening. */
async function openerConnectedTo(answerFingerprint: string) {
  const kit = await openerWithScriptedJoiner();
  const keys = await kit.joinWith(kit.code);
  if (!keys) throw new Error('the right code did not confirm');
  kit.handlers().onSignal?.({
    type: 'pake:fingerprint',
    fingerprint: JOINER_FP,
    mac: announceFingerprint(keys, 'joiner', JOINER_FP),
  });
  kit.handlers().onSignal?.({ type: 'answer', sdp: sdpWith(answerFingerprint) });
  return { ...kit, keys };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the PAKE over the relay', () => {
  it('with the right code confirms, then connects and announces the fingerprint before the offer', async () => {
    const kit = await openerWithScriptedJoiner();
    expect(await kit.joinWith(kit.code)).not.toBeNull();
    expect(kit.sessionsMade()).toBe(1);
    const types = kit.relayed.map((data) => data.type);
    expect(types).toEqual(['pake:share', 'pake:confirm', 'pake:fingerprint', 'offer']);
    expect(kit.progress.map((step) => step.phase)).toEqual([
      'opening',
      'showing-code',
      'checking-code',
      'connecting',
    ]);
  });

  it('with a wrong secret fails as code-mismatch, burns the code, and never connects', async () => {
    const kit = await openerWithScriptedJoiner();
    const wrong = { ...kit.code, secret: kit.code.secret === 'ZZZZ' ? 'YYYY' : 'ZZZZ' };
    expect(await kit.joinWith(wrong)).toBeNull();
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    // The abort tells the joiner why and ends the pairing on the service, closing the nameplate.
    await until(() => kit.aborts.length > 0);
    expect(kit.aborts).toEqual(['code-mismatch']);
    expect(kit.sessionsMade()).toBe(0);
  });

  it('refuses its own confirmation reflected back by the service', async () => {
    const kit = await openerWithScriptedJoiner();
    const joiner = startPairingPake(kit.code, 'joiner');
    kit.handlers().onPeerJoined?.();
    kit.handlers().onSignal?.({ type: 'pake:share', share: bytesToHex(joiner.share) });
    const own = kit.fromOpener('pake:confirm');
    if (!own) throw new Error('no confirmation');
    kit.handlers().onSignal?.(own);
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    expect(kit.sessionsMade()).toBe(0);
  });

  it('refuses a second confirmation (a replay after the first)', async () => {
    const kit = await openerWithScriptedJoiner();
    await kit.joinWith(kit.code);
    kit.handlers().onSignal?.({ type: 'pake:confirm', mac: '00'.repeat(32) });
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'code-mismatch' });
  });
});

describe('binding the connection to the PAKE key', () => {
  it('never applies an answer whose fingerprint is not the one the joiner announced', async () => {
    const kit = await openerConnectedTo(MIDDLE_FP);
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'intercepted' });
    expect(kit.session.applied).toEqual([]);
    expect(kit.session.closed).toBe(true);
    // The joiner is told, with a MAC only the holder of the key can make.
    expect(kit.fromOpener('pake:abort')).toBeDefined();
  });

  it('never applies an answer when no fingerprint was announced (a service that drops it)', async () => {
    const kit = await openerWithScriptedJoiner();
    await kit.joinWith(kit.code);
    kit.handlers().onSignal?.({ type: 'answer', sdp: sdpWith(JOINER_FP) });
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'intercepted' });
    expect(kit.session.applied).toEqual([]);
  });

  it('refuses an announced fingerprint whose MAC is wrong', async () => {
    const kit = await openerWithScriptedJoiner();
    await kit.joinWith(kit.code);
    kit.handlers().onSignal?.({ type: 'pake:fingerprint', fingerprint: MIDDLE_FP, mac: '11'.repeat(32) });
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'intercepted' });
  });

  it('believes an abort only with the right MAC', async () => {
    const kit = await openerWithScriptedJoiner();
    await kit.joinWith(kit.code);
    kit.handlers().onSignal?.({ type: 'pake:abort', mac: '22'.repeat(32) });
    expect(kit.progress.at(-1)?.phase).toBe('connecting');
  });

  it('pairs when the joiner hello binds the same view of the connection, with the same phrase', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    expect(kit.session.applied).toHaveLength(1);
    kit.session.fire('open');
    const binding = bindConnection(kit.keys, 'joiner', { local: JOINER_FP, remote: OPENER_FP });
    kit.session.fire('message', bobHello(JOINER_FP, OPENER_FP, binding));
    await until(() => kit.progress.at(-1)?.phase === 'connected');
    expect(kit.progress.at(-1)).toMatchObject({ phase: 'connected', peerId: bob.deviceId });
    expect(kit.session.sent).toContainEqual(
      expect.objectContaining({ type: 'hello', binding: expect.any(String) }),
    );
  });
});

describe('a later hello from the same device', () => {
  it('is not taken for an interception while the first one is being checked', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.session.fire('open');
    const binding = bindConnection(kit.keys, 'joiner', { local: JOINER_FP, remote: OPENER_FP });
    kit.session.fire('message', bobHello(JOINER_FP, OPENER_FP, binding));
    // What a device renamed just then says on its live connections: a hello with no binding.
    kit.session.fire('message', bobHello(JOINER_FP, OPENER_FP));
    await until(() => kit.progress.at(-1)?.phase !== 'connecting');
    expect(kit.progress.at(-1)).toMatchObject({ phase: 'connected', peerId: bob.deviceId });
    expect(kit.session.sent).not.toContainEqual(expect.objectContaining({ type: 'peer:error' }));
    expect(kit.relayed.some((data) => data.type === 'pake:abort')).toBe(false);
  });
});

describe('a joiner whose binding holds but whose identity does not', () => {
  it('is refused as an identity, not paired, and told so', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.session.fire('open');
    const binding = bindConnection(kit.keys, 'joiner', { local: JOINER_FP, remote: OPENER_FP });
    // It knows the code, but claims a device id its key does not derive to.
    const hello = { ...bobHello(JOINER_FP, OPENER_FP, binding), deviceId: testIdentity('Carol').deviceId };
    kit.session.fire('message', hello);
    await until(() => kit.progress.at(-1)?.phase === 'failed');
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'identity-refused' });
    expect(kit.session.sent).toContainEqual(
      expect.objectContaining({ type: 'peer:error', code: 'IDENTITY_REFUSED' }),
    );
    expect(kit.progress.some((step) => step.phase === 'connected')).toBe(false);
  });
});

/** An opener whose joiner's hello, over an open channel, does not bind to the opener's view. */
async function openerTurningAwayAnInterceptedHello() {
  const kit = await openerConnectedTo(JOINER_FP);
  kit.session.fire('open');
  // What a joiner connected to someone in the middle would say: its remote end is not us.
  const binding = bindConnection(kit.keys, 'joiner', { local: JOINER_FP, remote: MIDDLE_FP });
  kit.session.fire('message', bobHello(JOINER_FP, MIDDLE_FP, binding));
  await until(() => kit.progress.at(-1)?.phase === 'failed');
  return kit;
}

describe('a joiner whose view of the connection does not match', () => {
  it('is told so, and the connection stays up until the joiner hangs up, so the reason cannot be lost', async () => {
    const { session, progress } = await openerTurningAwayAnInterceptedHello();
    expect(session.sent).toContainEqual(
      expect.objectContaining({ type: 'peer:error', code: 'CONNECTION_INTERCEPTED' }),
    );
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'intercepted' });
    // A busy joiner reads the error late; hanging up first would tell it "the other device left".
    vi.advanceTimersByTime(MISMATCH_LINGER_MS - 1);
    expect(session.closed).toBe(false);
    session.fire('end', 'peer-closed');
    vi.advanceTimersByTime(MISMATCH_LINGER_MS);
    expect(session.closed).toBe(false);
    expect(progress.filter((step) => step.phase === 'failed')).toHaveLength(1);
  });

  it('is hung up on after a while if it never hangs up itself', async () => {
    const { session } = await openerTurningAwayAnInterceptedHello();
    vi.advanceTimersByTime(MISMATCH_LINGER_MS);
    expect(session.closed).toBe(true);
  });

  it('is hung up on at once if the person starts over', async () => {
    const { attempt, session } = await openerTurningAwayAnInterceptedHello();
    attempt.cancel();
    expect(session.closed).toBe(true);
  });

  it('is turned away when its hello carries no binding at all', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.session.fire('open');
    kit.session.fire('message', bobHello(JOINER_FP, OPENER_FP));
    await until(() => kit.progress.at(-1)?.phase === 'failed');
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'intercepted' });
  });
});

describe('telling the other device why', () => {
  it('waits for the reason of a device that hung up without one, and shows that reason', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.session.fire('end', 'peer-closed');
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS - 1);
    expect(kit.progress.at(-1)?.phase).not.toBe('failed');
    kit.handlers().onPairAborted?.('no-path');
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'no-path' });
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS);
    expect(kit.progress.filter((step) => step.phase === 'failed')).toHaveLength(1);
  });

  it('says the other device left only when no reason came', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.handlers().onPairEnded?.('peer-left');
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS);
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'peer-left' });
    // A departure is not this device's own finding: nothing is told back.
    expect(kit.aborts).toEqual([]);
  });

  it('tells the other device it found no path, and hangs up the service only after that', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.session.fire('end', 'no-path');
    expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: 'no-path' });
    await until(() => kit.signalingClosed());
    expect(kit.aborts).toEqual(['no-path']);
  });

  it('maps what the other device said to what this one shows', async () => {
    for (const [told, shown] of [
      ['code-mismatch', 'code-mismatch'],
      ['incompatible', 'incompatible'],
      ['cancelled', 'peer-cancelled'],
      ['closed', 'peer-closed-app'],
    ] as const) {
      const kit = await openerWithScriptedJoiner();
      kit.handlers().onPeerJoined?.();
      kit.handlers().onPairAborted?.(told);
      expect(kit.progress.at(-1)).toEqual({ phase: 'failed', reason: shown });
      expect(kit.aborts).toEqual([]);
    }
  });

  it('tells the other device when the person cancels', async () => {
    const kit = await openerConnectedTo(JOINER_FP);
    kit.attempt.cancel();
    await until(() => kit.aborts.length > 0);
    expect(kit.aborts).toEqual(['cancelled']);
    expect(kit.session.closed).toBe(true);
    expect(kit.progress.some((step) => step.phase === 'failed')).toBe(false);
  });
});

describe('progress while connecting', () => {
  it('says what is being tried as the ICE checks move on, and stops once the channel is open', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const kit = await openerConnectedTo(JOINER_FP);
    const tick = async (step: ConnectStep) => {
      kit.session.step = step;
      vi.advanceTimersByTime(500);
      await until(() => true);
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    await tick('addresses');
    await tick('direct');
    await tick('direct');
    await tick('relay');
    kit.session.fire('open');
    await tick('direct');
    const steps = kit.progress.filter((step) => step.phase === 'connecting').map((step) => step.trying);
    expect(steps).toEqual([undefined, 'addresses', 'direct', 'relay']);
  });
});
