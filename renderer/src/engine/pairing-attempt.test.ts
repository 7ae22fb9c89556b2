/**
 * PairingAttempt with stand-ins for the signaling connection and the peer session, for what real
 * connections cannot make happen on cue: a code-mismatch error that takes long to arrive, a hello
 * that arrives before this side's channel reports open, a reason that arrives after the other
 * device has already hung up.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerMessage } from '../../../contracts/peer-protocol';
import type { PairAbortReason } from '../../../contracts/signaling';
import type { ConnectStep, PairingProgress } from './engine-actions';
import { MISMATCH_LINGER_MS, PairingAttempt, TOLD_REASON_GRACE_MS } from './pairing-attempt';
import type { PeerSession, PeerSessionEvents } from './peer-session';
import type { SignalingConnection, SignalingHandlers } from './signaling-client';
import { testIdentity } from './testing/test-identity';

/** A peer session whose events the test fires, recording what the attempt sends and whether it closed it. */
class StandInSession {
  readonly sent: PeerMessage[] = [];
  closed = false;
  isOpen = true;
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
  applySignal(): void {}
  step: ConnectStep = 'addresses';
  async connectStep(): Promise<ConnectStep> {
    return this.step;
  }
  close(): void {
    this.closed = true;
  }
}

/** Lets promise callbacks (WebCrypto's digest included) run, timers staying faked, until `done`. */
async function until(done: () => boolean): Promise<void> {
  for (let turns = 0; !done(); turns++) {
    if (turns > 10_000) throw new Error('the attempt never got there');
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** An opener that has shown its code, with stand-ins it talks to, and what it reported. */
async function openerShowingItsCode() {
  const progress: PairingProgress[] = [];
  const session = new StandInSession();
  const aborts: PairAbortReason[] = [];
  let signalingClosed = false;
  let handlers: SignalingHandlers = {};
  const attempt = new PairingAttempt({
    signalingUrl: 'http://127.0.0.1:1',
    identity: testIdentity('Ada'),
    extraIceServers: [],
    onProgress: (step) => progress.push(step),
    onPaired: () => {
      throw new Error('a wrong code must not pair');
    },
    createSignaling: (_url, given) => {
      handlers = given;
      return {
        open: async () => ({
          ok: true,
          value: { nameplate: '4821', iceServers: [], expiresAt: Date.now() + 60_000 },
        }),
        relay: async () => ({ ok: true, value: null }),
        abort: async (reason: PairAbortReason) => {
          aborts.push(reason);
          return { ok: true, value: null };
        },
        close: () => {
          signalingClosed = true;
        },
      } as unknown as SignalingConnection;
    },
    createSession: () => session as unknown as PeerSession,
  });
  await attempt.open();
  return { attempt, session, progress, aborts, handlers, signalingClosed: () => signalingClosed };
}

const WRONG_HELLO = {
  v: 1,
  type: 'hello',
  deviceId: 'bob-device',
  deviceName: 'Bob',
  appVersion: '0.0.0-test',
  codeProof: '0'.repeat(64),
} as PeerMessage;

/** An opener that has shown its code and whose joiner has just connected, with a wrong code. */
async function openerTurningAwayAWrongCode() {
  const opener = await openerShowingItsCode();
  opener.handlers.onPeerJoined?.();
  opener.session.fire('open');
  opener.session.fire('message', WRONG_HELLO);
  await until(() => opener.progress.at(-1)?.phase === 'failed');
  return opener;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a joiner with the wrong secret half of the code', () => {
  it('is told so, and the connection stays up until the joiner hangs up, so the error cannot be lost', async () => {
    const { session, progress } = await openerTurningAwayAWrongCode();
    expect(session.sent).toContainEqual(
      expect.objectContaining({ type: 'peer:error', code: 'CODE_MISMATCH' }),
    );
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    // A busy joiner reads the error late; hanging up first would tell it "the other device left".
    vi.advanceTimersByTime(MISMATCH_LINGER_MS - 1);
    expect(session.closed).toBe(false);
    session.fire('end', 'peer-closed');
    vi.advanceTimersByTime(MISMATCH_LINGER_MS);
    expect(session.closed).toBe(false);
    expect(progress.filter((step) => step.phase === 'failed')).toHaveLength(1);
  });

  it('is hung up on after a while if it never hangs up itself', async () => {
    const { session } = await openerTurningAwayAWrongCode();
    vi.advanceTimersByTime(MISMATCH_LINGER_MS);
    expect(session.closed).toBe(true);
  });

  it('is hung up on at once if the person starts over', async () => {
    const { attempt, session } = await openerTurningAwayAWrongCode();
    attempt.cancel();
    expect(session.closed).toBe(true);
  });
});

describe('telling the other device why', () => {
  it('a wrong hello that arrives before the channel reports open is still answered, both ways', async () => {
    const { session, progress, aborts, handlers } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    session.isOpen = false;
    session.fire('message', WRONG_HELLO);
    await until(() => progress.at(-1)?.phase === 'failed');
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'code-mismatch' });
    // Nothing can go over the channel yet; the service carries the reason meanwhile.
    expect(session.sent).toEqual([]);
    await until(() => aborts.length > 0);
    expect(aborts).toEqual(['code-mismatch']);
    session.isOpen = true;
    session.fire('open');
    expect(session.sent).toContainEqual(
      expect.objectContaining({ type: 'peer:error', code: 'CODE_MISMATCH' }),
    );
  });

  it('waits for the reason of a device that hung up without one, and shows that reason', async () => {
    const { session, progress, handlers } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    session.fire('end', 'peer-closed');
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS - 1);
    expect(progress.at(-1)?.phase).not.toBe('failed');
    handlers.onPairAborted?.('no-path');
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'no-path' });
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS);
    expect(progress.filter((step) => step.phase === 'failed')).toHaveLength(1);
  });

  it('says the other device left only when no reason came', async () => {
    const { progress, handlers, aborts } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    handlers.onPairEnded?.('peer-left');
    vi.advanceTimersByTime(TOLD_REASON_GRACE_MS);
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'peer-left' });
    // A departure is not this device's own finding: nothing is told back.
    expect(aborts).toEqual([]);
  });

  it('tells the other device it found no path, and hangs up the service only after that', async () => {
    const { session, progress, handlers, aborts, signalingClosed } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    session.fire('end', 'no-path');
    expect(progress.at(-1)).toEqual({ phase: 'failed', reason: 'no-path' });
    await until(() => signalingClosed());
    expect(aborts).toEqual(['no-path']);
  });

  it('maps what the other device said to what this one shows', async () => {
    for (const [told, shown] of [
      ['code-mismatch', 'code-mismatch'],
      ['incompatible', 'incompatible'],
      ['cancelled', 'peer-cancelled'],
      ['closed', 'peer-closed-app'],
    ] as const) {
      const { progress, handlers, aborts } = await openerShowingItsCode();
      handlers.onPeerJoined?.();
      handlers.onPairAborted?.(told);
      expect(progress.at(-1)).toEqual({ phase: 'failed', reason: shown });
      expect(aborts).toEqual([]);
    }
  });

  it('tells the other device when the person cancels', async () => {
    const { attempt, session, progress, handlers, aborts } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    attempt.cancel();
    await until(() => aborts.length > 0);
    expect(aborts).toEqual(['cancelled']);
    expect(session.closed).toBe(true);
    expect(progress.some((step) => step.phase === 'failed')).toBe(false);
  });
});

describe('progress while connecting', () => {
  it('says what is being tried as the ICE checks move on, and stops once the channel is open', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const { session, progress, handlers } = await openerShowingItsCode();
    handlers.onPeerJoined?.();
    const tick = async (step: ConnectStep) => {
      session.step = step;
      vi.advanceTimersByTime(500);
      await until(() => true);
      await new Promise<void>((resolve) => setImmediate(resolve));
    };
    await tick('addresses');
    await tick('direct');
    await tick('direct');
    await tick('relay');
    session.fire('open');
    await tick('direct');
    const steps = progress.filter((step) => step.phase === 'connecting').map((step) => step.trying);
    expect(steps).toEqual([undefined, 'addresses', 'direct', 'relay']);
  });
});
