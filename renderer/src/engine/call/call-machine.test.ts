import { describe, expect, it } from 'vitest';
import { callTransition, IDLE_CALL, type CallEvent, type CallState, type CallStep } from './call-machine';

const PEER = 'bob-device';
const CALL = 'call-aaaa-0001';

/** Runs events from a state; returns each step. */
function run(from: CallState, ...events: CallEvent[]): CallStep[] {
  const steps: CallStep[] = [];
  let state = from;
  for (const event of events) {
    const step = callTransition(state, event);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

function last(steps: CallStep[]): CallState {
  const step = steps.at(-1);
  if (!step) throw new Error('no steps');
  return step.state;
}

const place: CallEvent = { type: 'place', peerId: PEER, callId: CALL, at: 1_000 };
const invited: CallEvent = { type: 'invite-received', peerId: PEER, callId: CALL, at: 1_000 };

function outgoingRinging(): CallState {
  return last(run(IDLE_CALL, place));
}

function incomingRinging(): CallState {
  return last(run(IDLE_CALL, invited));
}

describe('placing a call', () => {
  it('rings out and sends an invite, with the microphone not yet open', () => {
    const [step] = run(IDLE_CALL, place);
    expect(step?.state).toMatchObject({ phase: 'outgoing-ringing', callId: CALL, microphoneReady: false });
    expect(step?.outbox).toEqual([{ peerId: PEER, message: { type: 'call:invite', callId: CALL } }]);
  });

  it('goes through connecting to in-call once accepted, the microphone is open and audio arrived', () => {
    const steps = run(
      IDLE_CALL,
      place,
      { type: 'microphone-ready', callId: CALL, at: 1_100 },
      { type: 'accept-received', peerId: PEER, callId: CALL, at: 2_000 },
      { type: 'remote-audio', callId: CALL, at: 2_500 },
    );
    expect(steps.map((step) => step.state.phase)).toEqual([
      'outgoing-ringing',
      'outgoing-ringing',
      'connecting',
      'in-call',
    ]);
    expect(last(steps)).toMatchObject({ phase: 'in-call', connectedAt: 2_500 });
  });

  it('waits in connecting for its own microphone even when the other side’s audio is there', () => {
    const steps = run(
      outgoingRinging(),
      { type: 'accept-received', peerId: PEER, callId: CALL, at: 2_000 },
      { type: 'remote-audio', callId: CALL, at: 2_100 },
    );
    expect(last(steps).phase).toBe('connecting');
    const connected = callTransition(last(steps), { type: 'microphone-ready', callId: CALL, at: 2_200 });
    expect(connected.state).toMatchObject({ phase: 'in-call', connectedAt: 2_200 });
  });

  it('does not place a second call while one is active', () => {
    const ringing = outgoingRinging();
    const step = callTransition(ringing, { type: 'place', peerId: 'carol', callId: 'call-bbbb-0002', at: 5 });
    expect(step.state).toBe(ringing);
    expect(step.outbox).toEqual([]);
  });
});

describe('how calls end', () => {
  it.each<[string, () => CallState, Exclude<CallEvent, { type: 'set-muted' }>, string, unknown[]]>([
    [
      'the caller cancels while it rings',
      outgoingRinging,
      { type: 'hang-up', at: 3_000 },
      'cancelled',
      [{ peerId: PEER, message: { type: 'call:cancel', callId: CALL } }],
    ],
    [
      'the ring times out on the caller',
      outgoingRinging,
      { type: 'ring-timeout', callId: CALL, at: 31_000 },
      'no-answer',
      [{ peerId: PEER, message: { type: 'call:cancel', callId: CALL } }],
    ],
    [
      'the callee declines',
      outgoingRinging,
      { type: 'decline-received', peerId: PEER, callId: CALL, reason: 'declined', at: 3_000 },
      'peer-declined',
      [],
    ],
    [
      'the callee is busy',
      outgoingRinging,
      { type: 'decline-received', peerId: PEER, callId: CALL, reason: 'busy', at: 3_000 },
      'busy',
      [],
    ],
    [
      'the callee’s device cannot take calls (a browser page without microphone access)',
      outgoingRinging,
      { type: 'decline-received', peerId: PEER, callId: CALL, reason: 'unavailable', at: 3_000 },
      'peer-cannot-call',
      [],
    ],
    [
      'the caller cannot open a microphone',
      outgoingRinging,
      { type: 'microphone-failed', callId: CALL, at: 1_200 },
      'microphone-unavailable',
      [{ peerId: PEER, message: { type: 'call:cancel', callId: CALL } }],
    ],
    [
      'this person declines an incoming call',
      incomingRinging,
      { type: 'decline', at: 3_000 },
      'declined',
      [{ peerId: PEER, message: { type: 'call:decline', callId: CALL, reason: 'declined' } }],
    ],
    [
      'hang-up on an incoming call declines it',
      incomingRinging,
      { type: 'hang-up', at: 3_000 },
      'declined',
      [{ peerId: PEER, message: { type: 'call:decline', callId: CALL, reason: 'declined' } }],
    ],
    [
      'the caller gives up: a missed call',
      incomingRinging,
      { type: 'cancel-received', peerId: PEER, callId: CALL, at: 3_000 },
      'missed',
      [],
    ],
    [
      'the callee’s safety timer runs out: a missed call',
      incomingRinging,
      { type: 'ring-timeout', callId: CALL, at: 36_000 },
      'missed',
      [],
    ],
    [
      'the link drops while ringing in',
      incomingRinging,
      { type: 'link-down', peerId: PEER, at: 3_000 },
      'missed',
      [],
    ],
    [
      'the link drops while ringing out',
      outgoingRinging,
      { type: 'link-down', peerId: PEER, at: 3_000 },
      'connection-lost',
      [],
    ],
  ])('%s', (_name, from, event, reason, outbox) => {
    const step = callTransition(from(), event);
    expect(step.state).toMatchObject({ phase: 'ended', reason, connectedAt: null, endedAt: event.at });
    expect(step.outbox).toEqual(outbox);
  });

  function inCall(direction: 'outgoing' | 'incoming'): CallState {
    const events: CallEvent[] =
      direction === 'outgoing'
        ? [place, { type: 'accept-received', peerId: PEER, callId: CALL, at: 2_000 }]
        : [invited, { type: 'accept', at: 2_000 }];
    return last(
      run(
        IDLE_CALL,
        ...events,
        { type: 'microphone-ready', callId: CALL, at: 2_100 },
        { type: 'remote-audio', callId: CALL, at: 2_200 },
      ),
    );
  }

  it('hanging up a running call tells the other side and keeps when it connected', () => {
    const step = callTransition(inCall('outgoing'), { type: 'hang-up', at: 62_200 });
    expect(step.state).toMatchObject({
      phase: 'ended',
      reason: 'hung-up',
      connectedAt: 2_200,
      endedAt: 62_200,
    });
    expect(step.outbox).toEqual([
      { peerId: PEER, message: { type: 'call:end', callId: CALL, reason: 'hung-up' } },
    ]);
  });

  it.each([
    [false, 'peer-hung-up'],
    [true, 'peer-failed'],
  ])('an end from the other side (failed: %s) ends it as %s', (failed, reason) => {
    const step = callTransition(inCall('incoming'), {
      type: 'end-received',
      peerId: PEER,
      callId: CALL,
      failed,
      at: 9_000,
    });
    expect(step.state).toMatchObject({ phase: 'ended', reason });
    expect(step.outbox).toEqual([]);
  });

  it('a connection that drops ends a running call as lost, without a message', () => {
    const step = callTransition(inCall('outgoing'), { type: 'link-down', peerId: PEER, at: 9_000 });
    expect(step.state).toMatchObject({ phase: 'ended', reason: 'connection-lost', connectedAt: 2_200 });
    expect(step.outbox).toEqual([]);
  });

  it('a call whose audio never flows fails after the connect timeout and says so', () => {
    const connecting = last(
      run(outgoingRinging(), { type: 'accept-received', peerId: PEER, callId: CALL, at: 2 }),
    );
    const step = callTransition(connecting, { type: 'connect-timeout', callId: CALL, at: 22_000 });
    expect(step.state).toMatchObject({ phase: 'ended', reason: 'failed' });
    expect(step.outbox).toEqual([
      { peerId: PEER, message: { type: 'call:end', callId: CALL, reason: 'failed' } },
    ]);
  });

  it('the callee’s accept crossing the caller’s cancel ends as missed on the callee', () => {
    const accepted = last(run(incomingRinging(), { type: 'accept', at: 2_000 }));
    expect(accepted.phase).toBe('connecting');
    const step = callTransition(accepted, { type: 'cancel-received', peerId: PEER, callId: CALL, at: 2_001 });
    expect(step.state).toMatchObject({ phase: 'ended', reason: 'missed' });
  });

  it('a new call can follow an ended one', () => {
    const ended = callTransition(outgoingRinging(), { type: 'hang-up', at: 2 }).state;
    const again = callTransition(ended, { type: 'place', peerId: PEER, callId: 'call-cccc-0003', at: 3 });
    expect(again.state).toMatchObject({ phase: 'outgoing-ringing', callId: 'call-cccc-0003' });
  });
});

describe('the callee', () => {
  it('accepts: sends accept and starts connecting with the microphone still closed', () => {
    const step = callTransition(incomingRinging(), { type: 'accept', at: 2_000 });
    expect(step.state).toMatchObject({ phase: 'connecting', microphoneReady: false, remoteAudio: false });
    expect(step.outbox).toEqual([{ peerId: PEER, message: { type: 'call:accept', callId: CALL } }]);
  });

  it('answers a second caller with busy and keeps ringing for the first', () => {
    const ringing = incomingRinging();
    const step = callTransition(ringing, {
      type: 'invite-received',
      peerId: 'carol',
      callId: 'call-dddd-0004',
      at: 2,
    });
    expect(step.state).toBe(ringing);
    expect(step.outbox).toEqual([
      { peerId: 'carol', message: { type: 'call:decline', callId: 'call-dddd-0004', reason: 'busy' } },
    ]);
  });

  it('ignores a repeated invite for the call that already rings', () => {
    const ringing = incomingRinging();
    expect(callTransition(ringing, invited)).toEqual({ state: ringing, outbox: [] });
  });
});

describe('messages for other calls change nothing', () => {
  const stale = 'call-old0-0000';
  it.each<CallEvent>([
    { type: 'accept-received', peerId: PEER, callId: stale, at: 2 },
    { type: 'decline-received', peerId: PEER, callId: stale, reason: 'declined', at: 2 },
    { type: 'end-received', peerId: PEER, callId: stale, failed: false, at: 2 },
    { type: 'ring-timeout', callId: stale, at: 2 },
    { type: 'microphone-failed', callId: stale, at: 2 },
    // The right call id from another device.
    { type: 'accept-received', peerId: 'mallory', callId: CALL, at: 2 },
    { type: 'link-down', peerId: 'carol', at: 2 },
  ])('$type ($callId)', (event) => {
    const ringing = outgoingRinging();
    expect(callTransition(ringing, event)).toEqual({ state: ringing, outbox: [] });
  });
});

describe('both calling each other at once', () => {
  it('keeps the call with the larger id on both sides', () => {
    const small = 'call-1111-aaaa';
    const large = 'call-9999-zzzz';
    // Ada placed `small`, Bob placed `large`; each receives the other's invite.
    const ada = callTransition(IDLE_CALL, { type: 'place', peerId: 'bob', callId: small, at: 1 }).state;
    const bob = callTransition(IDLE_CALL, { type: 'place', peerId: 'ada', callId: large, at: 1 }).state;
    const adaGetsInvite = callTransition(ada, {
      type: 'invite-received',
      peerId: 'bob',
      callId: large,
      at: 2,
    });
    const bobGetsInvite = callTransition(bob, {
      type: 'invite-received',
      peerId: 'ada',
      callId: small,
      at: 2,
    });
    expect(adaGetsInvite.state).toMatchObject({ phase: 'incoming-ringing', callId: large });
    expect(adaGetsInvite.outbox).toEqual([]);
    expect(bobGetsInvite.state).toMatchObject({ phase: 'outgoing-ringing', callId: large });
    expect(bobGetsInvite.outbox).toEqual([
      { peerId: 'ada', message: { type: 'call:decline', callId: small, reason: 'busy' } },
    ]);
    // Bob's busy for `small` reaches Ada, whose current call is `large` now: nothing changes.
    const busy = callTransition(adaGetsInvite.state, {
      type: 'decline-received',
      peerId: 'bob',
      callId: small,
      reason: 'busy',
      at: 3,
    });
    expect(busy.state).toBe(adaGetsInvite.state);
  });
});

describe('mute', () => {
  it('is kept in the state and survives into the call', () => {
    const muted = callTransition(outgoingRinging(), { type: 'set-muted', muted: true }).state;
    const steps = run(
      muted,
      { type: 'microphone-ready', callId: CALL, at: 2 },
      { type: 'accept-received', peerId: PEER, callId: CALL, at: 3 },
      { type: 'remote-audio', callId: CALL, at: 4 },
    );
    expect(last(steps)).toMatchObject({ phase: 'in-call', muted: true });
  });

  it('does nothing without a call', () => {
    expect(callTransition(IDLE_CALL, { type: 'set-muted', muted: true }).state).toBe(IDLE_CALL);
  });
});

describe('a device that cannot take calls', () => {
  it('never rings: it answers the invite with why, and records the call it could not take', () => {
    const step = callTransition(IDLE_CALL, { ...invited, cannotAnswer: true });
    expect(step.state).toMatchObject({
      phase: 'ended',
      reason: 'cannot-call-here',
      direction: 'incoming',
      peerId: PEER,
      connectedAt: null,
    });
    expect(step.outbox).toEqual([
      { peerId: PEER, message: { type: 'call:decline', callId: CALL, reason: 'unavailable' } },
    ]);
  });
});
