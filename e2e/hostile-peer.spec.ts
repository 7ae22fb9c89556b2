/**
 * A peer that pairs correctly and then turns hostile: it writes 10 000 generated control frames
 * (fast-check over the protocol's zod schemas: messages shaped like the real ones, malformed ones,
 * and frames that are not even JSON) straight onto the real data channel. The other side must stay
 * usable — chat both ways, the window answering — with its JavaScript heap bounded.
 */
import fc from 'fast-check';
import { peerMessageSchema } from '../contracts/peer-protocol';
import { conversation, expect, openPeer, outgoingLine, pair, sendChat, test } from './support/fixtures';
import { openHostilePeer, sendRawControlFrames } from './support/raw-frames';
import { malformedOf, validOf, type Schema } from './support/zod-arbitrary';

const FRAMES = 10_000;
const BATCH = 500;
/** Heap growth allowed after garbage collection: what 10 000 frames may leave behind (offers, lines). */
const HEAP_BOUND_BYTES = 64 * 1024 * 1024;
/** Chromium's maxMessageSize (FIELD-NOTES): a larger frame cannot be sent at all. */
const MAX_FRAME_BYTES = 262_144;

/**
 * Message types left out of the stream: they end (`peer:bye`) or renegotiate (`peer:signal`,
 * `transfer:signal`) the connection by design, which any peer may do, and the stream would stop.
 */
const ENDS_OR_RENEGOTIATES = new Set(['peer:bye', 'peer:signal', 'transfer:signal']);

function frameArbitrary(): fc.Arbitrary<string> {
  const members = (peerMessageSchema as unknown as Schema)._zod.def.options ?? [];
  const fuzzed = members.filter((member) => {
    const type = member._zod.def.shape?.['type']?._zod.def.values?.[0];
    return typeof type === 'string' && !ENDS_OR_RENEGOTIATES.has(type);
  });
  const messages = fc.oneof(
    ...fuzzed.map((member) =>
      fc.oneof({ arbitrary: validOf(member), weight: 3 }, { arbitrary: malformedOf(member), weight: 2 }),
    ),
  );
  return fc.oneof(
    { arbitrary: messages.map((message) => JSON.stringify(message) ?? 'undefined'), weight: 18 },
    // Not a message at all: any text, JSON of any shape, a future protocol version.
    { arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }), weight: 1 },
    { arbitrary: fc.jsonValue().map((value) => JSON.stringify(value) ?? 'null'), weight: 1 },
  );
}

test('10 000 generated frames from a paired peer: the other side stays usable and its heap bounded', async ({
  browser,
  signaling,
}) => {
  test.setTimeout(20 * 60_000);
  const ada = await openHostilePeer(browser, signaling.url, 'Ada laptop');
  const bob = await openPeer(browser, signaling.url, 'Bob desktop');
  await pair(ada, bob);

  const cdp = await bob.context.newCDPSession(bob.page);
  const heapAfterGc = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  const heapBefore = await heapAfterGc();

  const frames = fc
    .sample(frameArbitrary(), { numRuns: FRAMES, seed: 13 })
    .filter((frame) => new TextEncoder().encode(frame).byteLength < MAX_FRAME_BYTES);
  expect(frames.length).toBeGreaterThanOrEqual(FRAMES * 0.99);
  let sent = 0;
  for (let start = 0; start < frames.length; start += BATCH) {
    sent += await sendRawControlFrames(ada, frames.slice(start, start + BATCH));
  }
  // Topped up to the full count with frames that are not JSON (whatever the size filter dropped).
  sent += await sendRawControlFrames(
    ada,
    Array.from({ length: Math.max(0, FRAMES - sent) }, (_, i) => `not json ${i}`),
  );
  expect(sent).toBeGreaterThanOrEqual(FRAMES);
  // The stream renamed Ada now and then (hello): she says who she is again.
  await sendRawControlFrames(ada, [
    JSON.stringify({
      v: 1,
      type: 'hello',
      deviceId: 'ignored',
      deviceName: 'Ada laptop',
      appVersion: '0.1.0',
    }),
  ]);

  // Still connected, nothing on Bob's side broke, and chat goes both ways.
  await expect(bob.page.getByTestId('presence')).toHaveText('Online');
  await expect(bob.page.getByText('ran into a problem', { exact: false })).toHaveCount(0);
  await sendChat(bob, ada, 'Still here after the flood');
  await expect(conversation(ada, bob).getByText('Still here after the flood')).toBeVisible({
    timeout: 120_000,
  });
  await expect(
    outgoingLine(bob, ada, 'Still here after the flood').getByRole('img', { name: 'Delivered' }),
  ).toBeVisible({ timeout: 120_000 });
  await sendChat(ada, bob, 'And back again');
  await expect(conversation(bob, ada).getByText('And back again')).toBeVisible({ timeout: 120_000 });
  // The window answers: Settings opens and closes.
  await bob.page.getByRole('button', { name: 'Settings' }).click();
  await expect(bob.page.getByLabel('Device name')).toHaveValue('Bob desktop');
  await bob.page.getByRole('button', { name: 'Settings' }).click();

  const heapAfter = await heapAfterGc();
  const growth = heapAfter - heapBefore;
  process.stdout.write(
    `hostile peer fuzz: ${sent} frames; Bob's JS heap after GC ${(heapBefore / 1e6).toFixed(1)} MB → ${(heapAfter / 1e6).toFixed(1)} MB\n`,
  );
  expect(growth).toBeLessThan(HEAP_BOUND_BYTES);
});
