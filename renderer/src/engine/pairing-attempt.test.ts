/**
 * PairingAttempt with stand-ins for the signaling connection and the peer session, for what real
 * connections cannot make happen on cue: here, a code-mismatch error that takes long to arrive.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerMessage } from '../../../contracts/peer-protocol';
import type { PairingProgress } from './engine-actions';
import { MISMATCH_LINGER_MS, PairingAttempt } from './pairing-attempt';
import type { PeerSession, PeerSessionEvents } from './peer-session';
import type { SignalingConnection, SignalingHandlers } from './signaling-client';

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

/** An opener that has shown its code and whose joiner has just connected, with a wrong code. */
async function openerTurningAwayAWrongCode() {
  const progress: PairingProgress[] = [];
  const session = new StandInSession();
  let handlers: SignalingHandlers = {};
  const attempt = new PairingAttempt({
    signalingUrl: 'http://127.0.0.1:1',
    identity: { deviceId: 'ada-device', deviceName: 'Ada', appVersion: '0.0.0-test' },
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
        close: () => undefined,
      } as unknown as SignalingConnection;
    },
    createSession: () => session as unknown as PeerSession,
  });
  await attempt.open();
  handlers.onPeerJoined?.();
  session.fire('open');
  session.fire('message', {
    v: 1,
    type: 'hello',
    deviceId: 'bob-device',
    deviceName: 'Bob',
    appVersion: '0.0.0-test',
    codeProof: '0'.repeat(64),
  } as PeerMessage);
  await until(() => progress.at(-1)?.phase === 'failed');
  return { attempt, session, progress };
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
