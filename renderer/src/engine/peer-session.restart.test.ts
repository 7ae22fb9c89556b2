/**
 * ICE restart of a connection whose path dropped, at the level of one PeerSession: what goes over
 * the control channel, what through the rescue route (the presence room), and which late or
 * repeated copies are dropped. simple-peer is replaced by a scripted stand-in so that connection
 * states can be driven step by step; the whole path is exercised by e2e/reconnect.spec.ts and the
 * NAT lab.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodePeerMessage, type OutgoingPeerMessage } from '../../../contracts/peer-protocol';
import type { SignalData } from '../../../contracts/signaling';
import { iceUfragOf, PeerSession, RECONNECT_BACKOFF_MS } from './peer-session';

type Listener = (...args: unknown[]) => void;

/** The parts of RTCPeerConnection the session reads, with states a test sets. */
class ScriptedConnection extends EventTarget {
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  restarts = 0;
  restartIce(): void {
    this.restarts++;
  }
  set(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.dispatchEvent(new Event('connectionstatechange'));
  }
  setSignaling(state: RTCSignalingState): void {
    this.signalingState = state;
    this.dispatchEvent(new Event('signalingstatechange'));
  }
}

/** simple-peer as the session uses it: events, `signal`, `send`, and the offer it makes. */
class ScriptedPeer {
  readonly _pc = new ScriptedConnection();
  readonly listeners = new Map<string, Listener[]>();
  readonly signalled: SignalData[] = [];
  readonly sent: OutgoingPeerMessage[] = [];
  offers = 0;
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  signal(data: SignalData): void {
    this.signalled.push(data);
  }
  send(frame: string): void {
    const decoded = decodePeerMessage(frame);
    if (decoded.ok) this.sent.push(decoded.value as OutgoingPeerMessage);
  }
  destroy(): void {}
  _onIceStateChange(): void {}
  _onConnectionStateChange(): void {}
  /** What simple-peer does on `_createOffer`: a new local offer, announced as a signal. */
  _createOffer(): void {
    this.offers++;
    this._pc.signalingState = 'have-local-offer';
    this.emit('signal', { type: 'offer', sdp: `v=0\r\na=ice-ufrag:local${this.offers}\r\n` });
  }
}

const sdp = (ufrag: string) => `v=0\r\na=ice-ufrag:${ufrag}\r\n`;
const candidate = (ufrag: string, port: number): SignalData => ({
  type: 'candidate',
  candidate: { candidate: `candidate:1 1 udp 1 192.0.2.1 ${port} typ srflx ufrag ${ufrag}`, sdpMid: '0' },
});

function openSession(initiator: boolean) {
  const peer = new ScriptedPeer();
  const rescued: SignalData[] = [];
  const session = new PeerSession({
    initiator,
    iceServers: [],
    sendViaSignaling: () => undefined,
    createPeer: () => peer as never,
    random: () => 0.5,
  });
  const reconnecting: boolean[] = [];
  session.on('reconnecting', (value) => reconnecting.push(value));
  // Connected, as after pairing (the first description came through the service).
  peer._pc.signalingState = initiator ? 'have-local-offer' : 'stable';
  session.applySignal({ type: initiator ? 'answer' : 'offer', sdp: sdp('remote1') });
  peer._pc.signalingState = 'stable';
  peer.emit('connect');
  peer._pc.set('connected');
  session.setRescueRoute((data) => rescued.push(data));
  const channelSignals = () =>
    peer.sent.flatMap((message) => (message.type === 'peer:signal' ? [message.data] : []));
  return { peer, session, rescued, reconnecting, channelSignals };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a connection whose path dropped', () => {
  it('says it is reconnecting and restarts ICE over the channel and the rescue route, backing off', () => {
    const { peer, session, rescued, reconnecting, channelSignals } = openSession(true);
    peer._pc.set('disconnected');
    expect(reconnecting).toEqual([true]);
    expect(session.isReconnecting).toBe(true);
    // First restart after the first back-off step (random 0.5: no jitter either way).
    vi.advanceTimersByTime(RECONNECT_BACKOFF_MS[0]! - 1);
    expect(peer.offers).toBe(0);
    vi.advanceTimersByTime(1);
    expect(peer._pc.restarts).toBe(1);
    expect(peer.offers).toBe(1);
    const offer = { type: 'offer', sdp: sdp('local1') };
    expect(channelSignals()).toEqual([offer]);
    expect(rescued).toEqual([offer]);
    peer.emit('signal', candidate('local1', 5000));
    expect(rescued).toHaveLength(2);
    // Unanswered at the next step: the same offer and its candidates again, not a second offer.
    vi.advanceTimersByTime(RECONNECT_BACKOFF_MS[1]!);
    expect(peer.offers).toBe(1);
    expect(rescued.slice(2)).toEqual([offer, candidate('local1', 5000)]);
    // The answer comes through the room; the path is back.
    session.applySignal({ type: 'answer', sdp: sdp('remote2') });
    expect(peer.signalled.at(-1)).toEqual({ type: 'answer', sdp: sdp('remote2') });
    peer._pc.setSignaling('stable');
    peer._pc.set('connected');
    expect(reconnecting).toEqual([true, false]);
    expect(session.isOpen).toBe(true);
    session.close();
  });

  it('jitters the back-off with the randomness it is given', () => {
    const peer = new ScriptedPeer();
    const session = new PeerSession({
      initiator: true,
      iceServers: [],
      sendViaSignaling: () => undefined,
      createPeer: () => peer as never,
      random: () => 0,
    });
    peer._pc.signalingState = 'have-local-offer';
    session.applySignal({ type: 'answer', sdp: sdp('remote1') });
    peer._pc.signalingState = 'stable';
    peer.emit('connect');
    peer._pc.set('connected');
    peer._pc.set('disconnected');
    // Half the step with randomness 0.
    vi.advanceTimersByTime(RECONNECT_BACKOFF_MS[0]! / 2);
    expect(peer.offers).toBe(1);
    session.close();
  });

  it('on the answering side, asks for a restart and answers the same way the offer came', () => {
    const { peer, session, rescued, channelSignals } = openSession(false);
    peer._pc.set('disconnected');
    vi.advanceTimersByTime(RECONNECT_BACKOFF_MS[0]!);
    const ask = { type: 'renegotiate', renegotiate: true };
    expect(channelSignals()).toEqual([ask]);
    expect(rescued).toEqual([ask]);
    // The restart offer through the room, then its answer out: both ways.
    session.applySignal({ type: 'offer', sdp: sdp('remote2') });
    expect(peer.signalled.at(-1)).toEqual({ type: 'offer', sdp: sdp('remote2') });
    peer.emit('signal', { type: 'answer', sdp: sdp('local2') });
    peer.emit('signal', candidate('local2', 6000));
    expect(rescued.slice(1)).toEqual([{ type: 'answer', sdp: sdp('local2') }, candidate('local2', 6000)]);
    // The offer again (our answer was lost): the answer and its candidates again, nothing applied twice.
    const applied = peer.signalled.length;
    session.applySignal({ type: 'offer', sdp: sdp('remote2') });
    expect(peer.signalled).toHaveLength(applied);
    expect(rescued.slice(3)).toEqual([{ type: 'answer', sdp: sdp('local2') }, candidate('local2', 6000)]);
    session.close();
  });

  it('drops late copies: an older offer and candidates of an earlier restart', () => {
    const { peer, session } = openSession(false);
    peer._pc.set('disconnected');
    session.applySignal({ type: 'offer', sdp: sdp('remote2') });
    peer._pc.setSignaling('stable');
    session.applySignal({ type: 'offer', sdp: sdp('remote3') });
    const applied = peer.signalled.length;
    // What the channel delivers once the path is back: stale, all of it.
    session.applySignal({ type: 'offer', sdp: sdp('remote2') });
    session.applySignal(candidate('remote2', 7000));
    session.applySignal(candidate('remote1', 7001));
    expect(peer.signalled).toHaveLength(applied);
    // A candidate of the current restart is taken.
    session.applySignal(candidate('remote3', 7002));
    expect(peer.signalled.at(-1)).toEqual(candidate('remote3', 7002));
    session.close();
  });

  it('reads the ICE username fragment of a description and of a candidate', () => {
    expect(iceUfragOf(sdp('Ab+/9'))).toBe('Ab+/9');
    expect(iceUfragOf('candidate:1 1 udp 2122260223 10.0.0.2 5000 typ host generation 0 ufrag x7Yz')).toBe(
      'x7Yz',
    );
    expect(iceUfragOf('candidate:1 1 udp 2122260223 10.0.0.2 5000 typ host')).toBeNull();
  });
});
