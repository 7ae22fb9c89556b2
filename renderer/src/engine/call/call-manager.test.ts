import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RING_TIMEOUT_MS } from './call-manager';
import { FakeDevice, link } from './testing/fake-call-world';

/** Lets queued control messages and media promises run (fake timers move only when told). */
async function settle(ms = 1): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_700_000_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

function pairOfDevices() {
  const ada = new FakeDevice('ada');
  const bob = new FakeDevice('bob');
  const { ab, ba } = link(ada, bob);
  return { ada, bob, ab, ba };
}

async function connectedCall() {
  const world = pairOfDevices();
  expect(world.ada.manager.place('bob')).toBe('ringing');
  await settle();
  expect(world.bob.manager.accept()).toBe(true);
  await settle();
  return world;
}

describe('CallManager', () => {
  it('rings the callee without opening its microphone; accepting connects both sides with one track each', async () => {
    const { ada, bob, ab, ba } = pairOfDevices();
    ada.manager.place('bob');
    await settle();
    expect(ada.view).toMatchObject({ phase: 'outgoing-ringing', peerId: 'bob', direction: 'outgoing' });
    expect(bob.view).toMatchObject({ phase: 'incoming-ringing', peerId: 'ada', direction: 'incoming' });
    expect(ada.microphones).toHaveLength(1);
    // The invariant that protects the callee: nothing is captured before they accept.
    expect(bob.microphones).toHaveLength(0);
    expect(ab.added).toHaveLength(0);

    bob.manager.accept();
    await settle();
    expect(bob.microphones).toHaveLength(1);
    expect(ada.view).toMatchObject({ phase: 'in-call' });
    expect(bob.view).toMatchObject({ phase: 'in-call' });
    expect(ab.added).toEqual([ada.microphones[0]]);
    expect(ba.added).toEqual([bob.microphones[0]]);
    // Each side plays the other's track.
    expect(ada.players[0]?.played.map((track) => track.id)).toEqual(['bob-mic-1@remote']);
    expect(bob.players[0]?.played.map((track) => track.id)).toEqual(['ada-mic-1@remote']);
  });

  it('measures levels and quality while the call runs, and counts the current call’s packets', async () => {
    const { ada } = await connectedCall();
    await settle(600);
    expect(ada.metrics.at(-1)).toMatchObject({ quality: 'good' });
    expect(ada.metrics.at(-1)?.localLevel).toBeGreaterThan(0);
    expect(ada.metrics.at(-1)?.remoteLevel).toBeGreaterThan(0);
    const before = (await ada.manager.stats())?.packetsReceived ?? 0;
    expect(before).toBeGreaterThan(0);
    expect((await ada.manager.stats())?.packetsReceived).toBeGreaterThan(before);
  });

  it('hanging up ends the call on both sides, stops the tracks and parks the senders, and a new call can follow', async () => {
    const { ada, bob, ab, ba } = await connectedCall();
    vi.advanceTimersByTime(65_000);
    ada.manager.hangUp();
    await settle();
    expect(ada.view).toBeNull();
    expect(bob.view).toBeNull();
    expect(ada.records).toEqual([
      expect.objectContaining({ reason: 'hung-up', direction: 'outgoing', durationMs: expect.any(Number) }),
    ]);
    expect(ada.records[0]?.durationMs).toBeGreaterThanOrEqual(65_000);
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'peer-hung-up', direction: 'incoming' })]);
    // The senders stay, sending nothing: no renegotiation, and the line is there for the next call.
    expect(ab.removed).toEqual([]);
    expect(ab.replaced).toEqual(['ada-mic-1→-']);
    expect(ba.replaced).toEqual(['bob-mic-1→-']);
    expect(ab.connection.flowing.size + ba.connection.flowing.size).toBe(0);
    expect([...ada.microphones, ...bob.microphones].every((track) => track.stopped)).toBe(true);
    expect(ada.players.every((player) => player.stopped)).toBe(true);
    expect(ab.connection.listenerCount).toBe(0);

    expect(bob.manager.place('ada')).toBe('ringing');
    await settle();
    expect(ada.view).toMatchObject({ phase: 'incoming-ringing' });
  });

  it('later calls reuse the first call’s audio lines: no track is added, and each connects once audio flows again', async () => {
    const { ada, bob, ab, ba } = await connectedCall();
    expect(ada.manager.audioLines('bob')).toBe(1);
    for (let call = 2; call <= 4; call++) {
      ada.manager.hangUp();
      await settle();
      const [caller, callee] = call % 2 === 0 ? [bob, ada] : [ada, bob];
      caller.manager.place(callee.id);
      await settle();
      callee.manager.accept();
      await settle();
      // Connecting: the line carries nothing yet on the side that only now got its microphone.
      await settle(600);
      expect(ada.view).toMatchObject({ phase: 'in-call' });
      expect(bob.view).toMatchObject({ phase: 'in-call' });
      expect(ab.connection.flowing.size).toBe(1);
      expect(ba.connection.flowing.size).toBe(1);
    }
    expect(ab.added).toHaveLength(1);
    expect(ba.added).toHaveLength(1);
    expect(ada.manager.audioLines('bob')).toBe(1);
    expect(bob.manager.audioLines('ada')).toBe(1);
    // The microphone of the call of the moment is on the line; the earlier ones are closed.
    expect(ab.replaced.at(-1)).toBe(`ada-mic-3→${ada.microphones.at(-1)?.id}`);
    expect(ada.microphones.slice(0, -1).every((track) => track.stopped)).toBe(true);
    // Each call plays the other side's audio, on the line the first call made.
    expect(ada.players.at(-1)?.played.map((track) => track.id)).toEqual(['bob-mic-1@remote']);
    // Hang up: nothing is sent any more, and the counted packets stop growing.
    ada.manager.hangUp();
    await settle();
    expect(ab.connection.flowing.size + ba.connection.flowing.size).toBe(0);
  });

  it('a reused line that never gets the other side’s audio fails after the connect timeout', async () => {
    const ada = new FakeDevice('ada', { connectTimeoutMs: 5_000 });
    const bob = new FakeDevice('bob');
    link(ada, bob);
    ada.manager.place('bob');
    await settle();
    bob.manager.accept();
    await settle();
    ada.manager.hangUp();
    await settle();
    ada.manager.place('bob');
    await settle();
    // Bob's microphone never opens this time: his parked line stays silent.
    bob.microphoneHangs = true;
    bob.manager.accept();
    await settle(4_000);
    expect(ada.view).toMatchObject({ phase: 'connecting' });
    await settle(1_100);
    expect(ada.records.at(-1)).toMatchObject({ reason: 'failed' });
  });

  it('an unanswered call stops ringing after the timeout: no answer for the caller, missed for the callee', async () => {
    const { ada, bob } = pairOfDevices();
    ada.manager.place('bob');
    await settle();
    await settle(DEFAULT_RING_TIMEOUT_MS - 10);
    expect(bob.view).toMatchObject({ phase: 'incoming-ringing' });
    await settle(20);
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'no-answer', durationMs: null })]);
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'missed', durationMs: null })]);
    expect(ada.view).toBeNull();
    expect(bob.view).toBeNull();
    expect(ada.microphones[0]?.stopped).toBe(true);
    expect(bob.microphones).toHaveLength(0);
  });

  it('a declined call ends on both sides and closes the caller’s microphone', async () => {
    const { ada, bob } = pairOfDevices();
    ada.manager.place('bob');
    await settle();
    bob.manager.decline();
    await settle();
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'peer-declined' })]);
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'declined' })]);
    expect(ada.microphones[0]?.stopped).toBe(true);
    expect(bob.microphones).toHaveLength(0);
  });

  it('a device that cannot capture audio never rings: the caller learns why, and it cannot place a call', async () => {
    const { ada, bob } = pairOfDevices();
    bob.cannotCapture = true;
    expect(bob.manager.canCallHere).toBe(false);
    expect(ada.manager.canCallHere).toBe(true);
    expect(ada.manager.place('bob')).toBe('ringing');
    await settle();
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'peer-cannot-call' })]);
    expect(bob.records).toEqual([
      expect.objectContaining({ reason: 'cannot-call-here', direction: 'incoming' }),
    ]);
    // It never rang on Bob's side, and the caller's microphone is closed again.
    expect(bob.views.some((view) => view?.phase === 'incoming-ringing')).toBe(false);
    expect(ada.microphones[0]?.stopped).toBe(true);

    expect(bob.manager.place('ada')).toBe('unavailable');
    await settle();
    expect(ada.view).toBeNull();
    expect(bob.microphones).toHaveLength(0);
  });

  it('a device already in a call answers busy', async () => {
    const { ada, bob } = await connectedCall();
    const carol = new FakeDevice('carol');
    link(carol, bob);
    link(carol, ada);
    expect(carol.manager.place('bob')).toBe('ringing');
    await settle();
    expect(carol.records).toEqual([expect.objectContaining({ reason: 'busy' })]);
    expect(bob.view).toMatchObject({ phase: 'in-call', peerId: 'ada' });
    expect(ada.manager.place('carol')).toBe('busy');
  });

  it('mute disables the microphone track and unmute enables it again', async () => {
    const { ada } = await connectedCall();
    const track = ada.microphones[0];
    ada.manager.toggleMute();
    expect(track?.enabled).toBe(false);
    expect(ada.view).toMatchObject({ muted: true });
    await settle(300);
    expect(ada.metrics.at(-1)?.localLevel).toBe(0);
    ada.manager.toggleMute();
    expect(track?.enabled).toBe(true);
    expect(ada.view).toMatchObject({ muted: false });
  });

  it('a dropped connection ends the call on both sides as lost and releases the media', async () => {
    const { ada, bob } = await connectedCall();
    ada.dropLink('bob');
    await settle();
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'connection-lost' })]);
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'connection-lost' })]);
    expect([...ada.microphones, ...bob.microphones].every((track) => track.stopped)).toBe(true);
  });

  it('closing the page mid-call tells the other side the call is over', async () => {
    const { ada, bob } = await connectedCall();
    bob.manager.dispose();
    await settle();
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'peer-hung-up' })]);
    expect(bob.microphones[0]?.stopped).toBe(true);
  });

  it('a callee without a microphone ends the call as failed on both sides', async () => {
    const { ada, bob } = pairOfDevices();
    bob.microphoneFails = true;
    ada.manager.place('bob');
    await settle();
    bob.manager.accept();
    await settle();
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'microphone-unavailable' })]);
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'peer-failed' })]);
  });

  it('a call whose audio never arrives fails after the connect timeout', async () => {
    const ada = new FakeDevice('ada', { connectTimeoutMs: 5_000 });
    const bob = new FakeDevice('bob');
    const { ba } = link(ada, bob);
    ada.manager.place('bob');
    await settle();
    // Bob accepts, but his track never reaches Ada (as if renegotiation were stuck).
    ba.mediaStuck = true;
    bob.manager.accept();
    await settle();
    expect(ada.view).toMatchObject({ phase: 'connecting' });
    await settle(5_000);
    expect(ada.records).toEqual([expect.objectContaining({ reason: 'failed' })]);
    expect(bob.records).toEqual([expect.objectContaining({ reason: 'peer-failed' })]);
  });

  it('cannot call a device that is offline', () => {
    const ada = new FakeDevice('ada');
    expect(ada.manager.place('nobody')).toBe('offline');
    expect(ada.views).toEqual([]);
  });
});
