/**
 * A voice call as a pure state machine: `callTransition(state, event)` gives the next state and the
 * control messages to send. No timers, media or I/O here: the CallManager turns state changes into
 * those, so every rule below can be tested by feeding events.
 *
 *   idle ─place─▶ outgoing-ringing ─accepted─▶ connecting ─mic + remote audio─▶ in-call
 *   idle ─invite─▶ incoming-ringing ─accept──▶ connecting
 *   any active phase ─hang-up / decline / cancel / end / timeout / link down─▶ ended(reason)
 *
 * `ended` behaves like `idle` for the next call; it keeps the reason so the last call can be
 * recorded. Remote events name their call and device, and an event for any other call is ignored:
 * a late message can never touch the next call.
 */
import type { CallDeclineReason, CallMessage } from '../../../../contracts/call';

export type CallDirection = 'outgoing' | 'incoming';

export type CallEndReason =
  /** This side hung up after the call was accepted. */
  | 'hung-up'
  | 'peer-hung-up'
  /** This side gave up while it was ringing out. */
  | 'cancelled'
  /** It rang out until the ring timeout. */
  | 'no-answer'
  /** Incoming: the caller gave up, or it rang until the timeout, or the link dropped while ringing. */
  | 'missed'
  /** This side declined an incoming call. */
  | 'declined'
  | 'peer-declined'
  /** The other device is in another call. */
  | 'busy'
  /** The other device cannot take calls at all (a browser page without microphone access). */
  | 'peer-cannot-call'
  /** Incoming: a call came, but this device cannot take calls; the caller was told why. */
  | 'cannot-call-here'
  /** This side's microphone could not be opened. */
  | 'microphone-unavailable'
  /** The other side could not take part (no microphone, or no audio reached it). */
  | 'peer-failed'
  /** Accepted, but audio did not start flowing both ways in time. */
  | 'failed'
  /** The connection to the other device dropped. */
  | 'connection-lost';

interface CallBase {
  readonly callId: string;
  readonly peerId: string;
  readonly direction: CallDirection;
  /** When it started ringing, ms since the epoch. */
  readonly startedAt: number;
}

interface LiveCall extends CallBase {
  /** This side's microphone is open (the caller opens it while ringing, the callee on accept). */
  readonly microphoneReady: boolean;
  readonly muted: boolean;
}

export type RingingCall = LiveCall & { readonly phase: 'outgoing-ringing' | 'incoming-ringing' };
export type ConnectingCall = LiveCall & {
  readonly phase: 'connecting';
  /** The other side's audio track has arrived. */
  readonly remoteAudio: boolean;
};
export type InCall = LiveCall & { readonly phase: 'in-call'; readonly connectedAt: number };
export type EndedCall = CallBase & {
  readonly phase: 'ended';
  readonly reason: CallEndReason;
  /** When audio started flowing both ways; null if it never did. */
  readonly connectedAt: number | null;
  readonly endedAt: number;
};

export type ActiveCall = RingingCall | ConnectingCall | InCall;
export type CallState = { readonly phase: 'idle' } | ActiveCall | EndedCall;
export type CallPhase = CallState['phase'];

export const IDLE_CALL: CallState = { phase: 'idle' };

/** A control message as the call feature writes it (the version is added when it is sent). */
export type OutgoingCallMessage = CallMessage extends infer M
  ? M extends CallMessage
    ? Omit<M, 'v'>
    : never
  : never;

export interface CallOutgoing {
  readonly peerId: string;
  readonly message: OutgoingCallMessage;
}

export type CallEvent =
  // This person.
  | { readonly type: 'place'; readonly peerId: string; readonly callId: string; readonly at: number }
  | { readonly type: 'accept'; readonly at: number }
  | { readonly type: 'decline'; readonly at: number }
  /** Hang up, whatever that means in the current phase: cancel, decline or end. */
  | { readonly type: 'hang-up'; readonly at: number }
  | { readonly type: 'set-muted'; readonly muted: boolean }
  // The other device, by control message.
  | {
      readonly type: 'invite-received';
      readonly peerId: string;
      readonly callId: string;
      readonly at: number;
      /** This device cannot take calls (no microphone access here): the invite is answered with why. */
      readonly cannotAnswer?: boolean;
    }
  | {
      readonly type: 'accept-received';
      readonly peerId: string;
      readonly callId: string;
      readonly at: number;
    }
  | {
      readonly type: 'decline-received';
      readonly peerId: string;
      readonly callId: string;
      readonly reason: CallDeclineReason;
      readonly at: number;
    }
  | {
      readonly type: 'cancel-received';
      readonly peerId: string;
      readonly callId: string;
      readonly at: number;
    }
  | {
      readonly type: 'end-received';
      readonly peerId: string;
      readonly callId: string;
      readonly failed: boolean;
      readonly at: number;
    }
  // Media, timers and the link, reported by the CallManager.
  | { readonly type: 'microphone-ready'; readonly callId: string; readonly at: number }
  | { readonly type: 'microphone-failed'; readonly callId: string; readonly at: number }
  | { readonly type: 'remote-audio'; readonly callId: string; readonly at: number }
  | { readonly type: 'ring-timeout'; readonly callId: string; readonly at: number }
  | { readonly type: 'connect-timeout'; readonly callId: string; readonly at: number }
  | { readonly type: 'link-down'; readonly peerId: string; readonly at: number };

export interface CallStep {
  readonly state: CallState;
  readonly outbox: readonly CallOutgoing[];
}

export function isActive(state: CallState): state is ActiveCall {
  return state.phase !== 'idle' && state.phase !== 'ended';
}

function stay(state: CallState, outbox: readonly CallOutgoing[] = []): CallStep {
  return { state, outbox };
}

function end(call: ActiveCall, reason: CallEndReason, at: number, outbox: CallOutgoing[] = []): CallStep {
  const { callId, peerId, direction, startedAt } = call;
  return {
    state: {
      phase: 'ended',
      callId,
      peerId,
      direction,
      startedAt,
      reason,
      connectedAt: call.phase === 'in-call' ? call.connectedAt : null,
      endedAt: at,
    },
    outbox,
  };
}

/** Connecting becomes in-call once both the microphone and the other side's audio are there. */
function settle(call: ConnectingCall, at: number): CallState {
  if (!call.microphoneReady || !call.remoteAudio) return call;
  const { callId, peerId, direction, startedAt, microphoneReady, muted } = call;
  return { phase: 'in-call', callId, peerId, direction, startedAt, microphoneReady, muted, connectedAt: at };
}

function send(peerId: string, message: OutgoingCallMessage): CallOutgoing {
  return { peerId, message };
}

/** Whether a remote event concerns the current call: same call id, from the device it is with. */
function concerns(state: CallState, peerId: string, callId: string): state is ActiveCall {
  return isActive(state) && state.peerId === peerId && state.callId === callId;
}

export function callTransition(state: CallState, event: CallEvent): CallStep {
  switch (event.type) {
    case 'place':
      if (isActive(state)) return stay(state);
      return {
        state: {
          phase: 'outgoing-ringing',
          callId: event.callId,
          peerId: event.peerId,
          direction: 'outgoing',
          startedAt: event.at,
          microphoneReady: false,
          muted: false,
        },
        outbox: [send(event.peerId, { type: 'call:invite', callId: event.callId })],
      };

    case 'invite-received': {
      const ringing: RingingCall = {
        phase: 'incoming-ringing',
        callId: event.callId,
        peerId: event.peerId,
        direction: 'incoming',
        startedAt: event.at,
        microphoneReady: false,
        muted: false,
      };
      if (!isActive(state)) {
        if (!event.cannotAnswer) return stay(ringing);
        // It never rings here: recorded as a call that could not be taken, and the caller hears why.
        return end(ringing, 'cannot-call-here', event.at, [
          send(event.peerId, { type: 'call:decline', callId: event.callId, reason: 'unavailable' }),
        ]);
      }
      if (state.callId === event.callId) return stay(state);
      // Both called each other at once: the call with the larger id goes on, on both sides. The
      // other side applies the same rule, so it answers our (smaller) invite with busy, which we
      // then ignore because our call is no longer the current one.
      const glare =
        state.phase === 'outgoing-ringing' && state.peerId === event.peerId && event.callId > state.callId;
      if (glare) return stay(ringing);
      return stay(state, [
        send(event.peerId, { type: 'call:decline', callId: event.callId, reason: 'busy' }),
      ]);
    }

    case 'accept':
      if (state.phase !== 'incoming-ringing') return stay(state);
      return {
        state: { ...state, phase: 'connecting', remoteAudio: false },
        outbox: [send(state.peerId, { type: 'call:accept', callId: state.callId })],
      };

    case 'accept-received':
      if (!concerns(state, event.peerId, event.callId) || state.phase !== 'outgoing-ringing')
        return stay(state);
      return stay({ ...state, phase: 'connecting', remoteAudio: false });

    case 'decline':
      if (state.phase !== 'incoming-ringing') return stay(state);
      return end(state, 'declined', event.at, [
        send(state.peerId, { type: 'call:decline', callId: state.callId, reason: 'declined' }),
      ]);

    case 'decline-received':
      if (!concerns(state, event.peerId, event.callId) || state.phase !== 'outgoing-ringing')
        return stay(state);
      return end(
        state,
        event.reason === 'busy'
          ? 'busy'
          : event.reason === 'unavailable'
            ? 'peer-cannot-call'
            : 'peer-declined',
        event.at,
      );

    case 'cancel-received':
      // Also while connecting: the caller's cancel crossed our accept on the wire.
      if (!concerns(state, event.peerId, event.callId) || state.direction !== 'incoming') return stay(state);
      if (state.phase === 'in-call') return end(state, 'peer-hung-up', event.at);
      return end(state, 'missed', event.at);

    case 'end-received':
      if (!concerns(state, event.peerId, event.callId)) return stay(state);
      if (state.phase === 'incoming-ringing') return end(state, 'missed', event.at);
      return end(state, event.failed ? 'peer-failed' : 'peer-hung-up', event.at);

    case 'hang-up':
      if (!isActive(state)) return stay(state);
      if (state.phase === 'outgoing-ringing') {
        return end(state, 'cancelled', event.at, [
          send(state.peerId, { type: 'call:cancel', callId: state.callId }),
        ]);
      }
      if (state.phase === 'incoming-ringing') return callTransition(state, { type: 'decline', at: event.at });
      return end(state, 'hung-up', event.at, [
        send(state.peerId, { type: 'call:end', callId: state.callId, reason: 'hung-up' }),
      ]);

    case 'set-muted':
      if (!isActive(state) || state.muted === event.muted) return stay(state);
      return stay({ ...state, muted: event.muted });

    case 'microphone-ready':
      if (!isActive(state) || state.callId !== event.callId || state.microphoneReady) return stay(state);
      if (state.phase === 'connecting') return stay(settle({ ...state, microphoneReady: true }, event.at));
      return stay({ ...state, microphoneReady: true });

    case 'microphone-failed':
      if (!isActive(state) || state.callId !== event.callId) return stay(state);
      if (state.phase === 'outgoing-ringing') {
        return end(state, 'microphone-unavailable', event.at, [
          send(state.peerId, { type: 'call:cancel', callId: state.callId }),
        ]);
      }
      if (state.phase === 'incoming-ringing') return stay(state);
      return end(state, 'microphone-unavailable', event.at, [
        send(state.peerId, { type: 'call:end', callId: state.callId, reason: 'failed' }),
      ]);

    case 'remote-audio':
      if (state.phase !== 'connecting' || state.callId !== event.callId) return stay(state);
      return stay(settle({ ...state, remoteAudio: true }, event.at));

    case 'ring-timeout':
      if (!isActive(state) || state.callId !== event.callId) return stay(state);
      if (state.phase === 'outgoing-ringing') {
        return end(state, 'no-answer', event.at, [
          send(state.peerId, { type: 'call:cancel', callId: state.callId }),
        ]);
      }
      // The callee's own timer is only a safety net for a cancel that never came.
      if (state.phase === 'incoming-ringing') return end(state, 'missed', event.at);
      return stay(state);

    case 'connect-timeout':
      if (state.phase !== 'connecting' || state.callId !== event.callId) return stay(state);
      return end(state, 'failed', event.at, [
        send(state.peerId, { type: 'call:end', callId: state.callId, reason: 'failed' }),
      ]);

    case 'link-down':
      if (!isActive(state) || state.peerId !== event.peerId) return stay(state);
      return end(state, state.phase === 'incoming-ringing' ? 'missed' : 'connection-lost', event.at);
  }
}
