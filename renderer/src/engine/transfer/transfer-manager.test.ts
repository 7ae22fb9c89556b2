import { beforeEach, describe, expect, it } from 'vitest';
import {
  encodeTransferFrame,
  TRANSFER_CHUNK_BYTES,
  TRANSFER_CREDIT_WINDOW_BYTES,
  TRANSFER_FRAME_HEADER_BYTES,
} from '../../../../contracts/transfer';
import { sha256Hex } from './sha256';
import {
  FakeConnection,
  HoldingSink,
  MemorySink,
  Side,
  concat,
  memoryFiles,
  patternBytes,
  until,
} from './testing/transfer-harness';
import { batchManifest } from './outgoing-transfer';

const phaseOf = (side: Side, direction: 'in' | 'out') => side.only(direction).phase;

/**
 * Every test runs twice: with frames received on the page (the desktop app, where the main
 * process writes), and received where the sink writes them, the engine holding only handles (the
 * browser client's storage worker).
 */
const SINKS = [
  { receiving: 'on the page', makeSink: () => new MemorySink() },
  { receiving: 'where the sink writes', makeSink: () => new HoldingSink() },
];
let makeSink: () => MemorySink = () => new MemorySink();

function setup() {
  const ada = new Side('ada-device', makeSink());
  const bob = new Side('bob-device', makeSink());
  const connection = new FakeConnection(ada, bob);
  return { ada, bob, connection };
}

/**
 * Where frames are held for the engine, every one ends up written or released once nothing is
 * moving any more: none is kept for ever.
 */
async function nothingLeftHeld(side: Side): Promise<void> {
  const sink = side.sink;
  if (!(sink instanceof HoldingSink)) return;
  await until(() => sink.stillHeld === 0, 'every held frame written or released');
  expect(sink.framesHeld).toBeGreaterThan(0);
}

async function acceptWhenOffered(bob: Side) {
  await until(() => [...bob.views.values()].some((view) => view.phase === 'awaiting-you'), 'offer shown');
  bob.manager.accept(bob.only('in').key);
}

describe.each(SINKS)('TransferManager: two peers in one process, frames received $receiving', (sinks) => {
  beforeEach(() => {
    makeSink = sinks.makeSink;
  });

  it('moves files across chunk boundaries and a nested folder with identical SHA-256', async () => {
    const { ada, bob } = setup();
    const entries = [
      { path: 'empty.bin', bytes: new Uint8Array() },
      { path: 'one-byte.bin', bytes: patternBytes(1, 2) },
      { path: 'one-chunk.bin', bytes: patternBytes(TRANSFER_CHUNK_BYTES, 3) },
      { path: 'chunk-plus-one.bin', bytes: patternBytes(TRANSFER_CHUNK_BYTES + 1, 4) },
      { path: 'Album/2024/deep/photo.jpg', bytes: patternBytes(3 * TRANSFER_CHUNK_BYTES + 17, 5) },
      { path: 'Album/notes.txt', bytes: patternBytes(100, 6) },
    ];
    const source = memoryFiles(entries);
    expect(ada.manager.sendFiles('bob-device', source).outcome).toBe('offered');
    await acceptWhenOffered(bob);
    await until(() => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done', 'both done');

    for (const { path, bytes } of entries) {
      const saved = bob.sink.saved.get(path);
      expect(saved, path).toBeDefined();
      expect(sha256Hex(saved ?? new Uint8Array()), path).toBe(sha256Hex(bytes));
    }
    const incoming = bob.only('in');
    expect(incoming.doneBytes).toBe(incoming.totalBytes);
    expect(incoming.files.every((file) => file.state === 'done' && file.savedName === file.path)).toBe(true);
    expect(ada.only('out').doneBytes).toBe(ada.only('out').totalBytes);
    expect(source.closed).toBe(true);
    expect(bob.sink.openFiles).toBe(0);
    await nothingLeftHeld(bob);
    if (bob.sink instanceof HoldingSink) expect(bob.sink.framesReleased).toBe(0);
  });

  it('shows the receiver who sends what and how much before anything moves', async () => {
    const { ada, bob, connection } = setup();
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a.txt', bytes: patternBytes(10) }]));
    await until(() => bob.views.size === 1, 'offer');
    expect(bob.only('in')).toMatchObject({
      deviceId: 'ada-device',
      phase: 'awaiting-you',
      totalBytes: 10,
      files: [{ path: 'a.txt', size: 10, done: 0 }],
    });
    expect(connection.channels[0].sentBytes).toBe(0);
  });

  it('declined: both sides show it, nothing is written', async () => {
    const { ada, bob } = setup();
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a.txt', bytes: patternBytes(10) }]));
    await until(() => bob.views.size === 1, 'offer');
    bob.manager.decline(bob.only('in').key);
    await until(() => phaseOf(ada, 'out') === 'declined', 'sender sees decline');
    expect(ada.only('out').endedBy).toBe('peer');
    expect(bob.only('in')).toMatchObject({ phase: 'declined', endedBy: 'you' });
    expect(bob.sink.partials.size + bob.sink.saved.size).toBe(0);
  });

  it('an offer above the receiver’s limit is declined before anyone is asked, and both sides know the limit', async () => {
    const { ada, bob } = setup();
    bob.sink.limitBytes = 100;
    // Even from a trusted device: accepting could only fail.
    bob.autoAccept = true;
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'big.bin', bytes: patternBytes(101) }]));
    await until(() => phaseOf(ada, 'out') === 'declined', 'sender sees the decline');
    expect(ada.only('out')).toMatchObject({ phase: 'declined', endedBy: 'peer', limitBytes: 100 });
    expect(bob.only('in')).toMatchObject({ phase: 'declined', endedBy: 'you', limitBytes: 100 });
    // It never showed as a question on the receiver.
    expect(bob.history.some((view) => view.phase === 'awaiting-you')).toBe(false);
    expect(bob.sink.partials.size + bob.sink.saved.size).toBe(0);

    // Up to the limit, files go through as always.
    const fits = patternBytes(100, 3);
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'fits.bin', bytes: fits }]));
    await until(() => bob.sink.saved.has('fits.bin'), 'the file within the limit saved');
    expect(sha256Hex(bob.sink.saved.get('fits.bin') ?? new Uint8Array())).toBe(sha256Hex(fits));
  });

  it.each(['sender', 'receiver'] as const)(
    'cancelled by the %s mid-transfer: both show it, no .part is kept',
    async (who) => {
      const { ada, bob } = setup();
      bob.sink.writeDelayMs = 1;
      ada.manager.sendFiles(
        'bob-device',
        memoryFiles([{ path: 'big.bin', bytes: patternBytes(40 * TRANSFER_CHUNK_BYTES) }]),
      );
      await acceptWhenOffered(bob);
      await until(() => bob.sink.bytesWritten > 2 * TRANSFER_CHUNK_BYTES, 'some bytes written');
      const side = who === 'sender' ? ada : bob;
      side.manager.cancel(side.only(who === 'sender' ? 'out' : 'in').key);
      await until(
        () => phaseOf(ada, 'out') === 'cancelled' && phaseOf(bob, 'in') === 'cancelled',
        'both cancelled',
      );
      expect(ada.only('out').endedBy).toBe(who === 'sender' ? 'you' : 'peer');
      expect(bob.only('in').endedBy).toBe(who === 'sender' ? 'peer' : 'you');
      await nothingLeftHeld(bob);
      await until(() => bob.sink.openFiles === 0 && bob.sink.partials.size === 0, 'partials discarded');
      expect(bob.sink.saved.size).toBe(0);
      expect(bob.only('in').files.some((file) => file.state === 'done')).toBe(false);
    },
  );

  it('resumes after the connection drops mid-file: no byte missing, none duplicated, re-sent ≈ missing', async () => {
    const { ada, bob, connection } = setup();
    bob.sink.writeDelayMs = 1;
    const first = patternBytes(2 * TRANSFER_CHUNK_BYTES + 3, 11);
    const second = patternBytes(30 * TRANSFER_CHUNK_BYTES + 99, 12);
    ada.manager.sendFiles(
      'bob-device',
      memoryFiles([
        { path: 'first.bin', bytes: first },
        { path: 'second.bin', bytes: second },
      ]),
    );
    await acceptWhenOffered(bob);
    await until(
      () => bob.sink.bytesWritten > first.byteLength + 5 * TRANSFER_CHUNK_BYTES,
      'into the second file',
    );
    connection.cut();
    await until(() => phaseOf(ada, 'out') === 'paused' && phaseOf(bob, 'in') === 'paused', 'both paused');
    // While paused, the sender still shows how far every file got.
    expect(ada.only('out').files.map((file) => file.state)).toEqual(['done', 'active']);
    expect(ada.only('out').files[1]?.done).toBeGreaterThan(0);
    await until(() => bob.sink.openFiles === 0, 'partials closed');
    const onDisk = bob.sink.bytesWritten;
    const missing = first.byteLength + second.byteLength - onDisk;

    const again = new FakeConnection(ada, bob);
    await until(
      () => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done',
      'both done after resume',
    );
    expect(sha256Hex(bob.sink.saved.get('second.bin') ?? new Uint8Array())).toBe(sha256Hex(second));
    expect(sha256Hex(bob.sink.saved.get('first.bin') ?? new Uint8Array())).toBe(sha256Hex(first));
    // Exactly what was missing travelled again: the sender resumed at the receiver's offset.
    expect(again.channels[0].sentBytes).toBe(missing);
    expect(bob.sink.bytesWritten).toBe(first.byteLength + second.byteLength);
    await nothingLeftHeld(bob);
  });

  it('resumes when the devices reconnect while writes from the old connection are still queued', async () => {
    const { ada, bob, connection } = setup();
    bob.sink.writeDelayMs = 3;
    // Larger than the credit window, so the sender is still waiting for credit when the link drops.
    const bytes = patternBytes(TRANSFER_CREDIT_WINDOW_BYTES + 40 * TRANSFER_CHUNK_BYTES + 7, 31);
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'disk.img', bytes }]));
    await acceptWhenOffered(bob);
    await until(() => bob.sink.bytesWritten > 6 * TRANSFER_CHUNK_BYTES, 'some bytes written');
    connection.cut();
    // No waiting for the receiver's disk to settle: the re-offer arrives with writes still queued.
    const again = new FakeConnection(ada, bob);
    await until(
      () => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done',
      'both done after resume',
    );
    expect(sha256Hex(bob.sink.saved.get('disk.img') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    expect(bob.sink.bytesWritten).toBe(bytes.byteLength);
    expect(again.channels[0].sentBytes).toBeLessThan(bytes.byteLength);
    await nothingLeftHeld(bob);
  });

  it('a cut never becomes a failure: a read refused as the bulk connection closes, before its loss is reported, only pauses', async () => {
    const { ada, bob, connection } = setup();
    const bytes = patternBytes(24 * TRANSFER_CHUNK_BYTES + 5, 41);
    const source = memoryFiles([{ path: 'film.mkv', bytes }]);
    const [file] = source.files;
    if (!file) throw new Error('no file');
    // As on a loaded machine: the sender waits for a slow read (the reading worker) when the bulk
    // connection is closed under it; RTCPeerConnection.close() fires no close event (the other
    // side's relink tells later), and the read comes back refused.
    let refused = 0;
    let cutting = true;
    const slowThenRefused = async (offset: number, length: number) => {
      if (cutting && offset >= 6 * TRANSFER_CHUNK_BYTES) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        connection.channels[0].readyState = 'closed';
        refused++;
        throw new Error('the file could not be read');
      }
      return file.read(offset, length);
    };
    ada.manager.sendFiles('bob-device', { ...source, files: [{ ...file, read: slowThenRefused }] });
    await acceptWhenOffered(bob);
    await until(() => refused > 0, 'a read refused as the connection closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ada.history.map((view) => view.phase)).not.toContain('failed');
    connection.cut();
    await until(() => phaseOf(ada, 'out') === 'paused', 'paused');
    cutting = false;
    new FakeConnection(ada, bob);
    await until(
      () => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done',
      'both done after resume',
    );
    expect(sha256Hex(bob.sink.saved.get('film.mkv') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    expect(ada.history.map((view) => view.phase)).not.toContain('failed');
  });

  it('resumes after the receiving page reloaded: the offer is asked again, then continues from disk', async () => {
    const { ada, bob, connection } = setup();
    bob.sink.writeDelayMs = 1;
    const bytes = patternBytes(20 * TRANSFER_CHUNK_BYTES, 21);
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'video.mp4', bytes }]));
    await acceptWhenOffered(bob);
    await until(() => bob.sink.bytesWritten > 4 * TRANSFER_CHUNK_BYTES, 'some bytes written');
    connection.cut();
    bob.reload();
    await until(() => bob.sink.openFiles === 0 || bob.sink.bytesWritten > 0, 'settled');
    const again = new FakeConnection(ada, bob);
    await acceptWhenOffered(bob);
    await until(() => phaseOf(bob, 'in') === 'done', 'done');
    expect(sha256Hex(bob.sink.saved.get('video.mp4') ?? new Uint8Array())).toBe(sha256Hex(bytes));
    expect(again.channels[0].sentBytes).toBeLessThan(bytes.byteLength);
    await nothingLeftHeld(bob);
  });

  it('catches a corrupted chunk with the digest check; both sides show the error', async () => {
    const { ada, bob, connection } = setup();
    let frames = 0;
    connection.channels[0].tamper = (frame) => {
      if (++frames === 2)
        frame[TRANSFER_FRAME_HEADER_BYTES + 100] = (frame[TRANSFER_FRAME_HEADER_BYTES + 100] ?? 0) ^ 0xff;
      return frame;
    };
    ada.manager.sendFiles(
      'bob-device',
      memoryFiles([{ path: 'photo.jpg', bytes: patternBytes(4 * TRANSFER_CHUNK_BYTES) }]),
    );
    await acceptWhenOffered(bob);
    await until(() => phaseOf(ada, 'out') === 'failed' && phaseOf(bob, 'in') === 'failed', 'both failed');
    expect(bob.only('in')).toMatchObject({ error: 'DIGEST_MISMATCH', files: [{ state: 'failed' }] });
    expect(ada.only('out')).toMatchObject({ error: 'DIGEST_MISMATCH', endedBy: 'peer' });
    expect(bob.sink.saved.size).toBe(0);
    await nothingLeftHeld(bob);
  });

  it.each(['DISK_FULL', 'PERMISSION_DENIED'])(
    '%s on the receiver: both sides say so, the partial stays',
    async (code) => {
      const { ada, bob } = setup();
      bob.sink.failWritesAfterBytes = 3 * TRANSFER_CHUNK_BYTES;
      bob.sink.failCode = code;
      ada.manager.sendFiles(
        'bob-device',
        memoryFiles([{ path: 'big.iso', bytes: patternBytes(8 * TRANSFER_CHUNK_BYTES) }]),
      );
      await acceptWhenOffered(bob);
      await until(() => phaseOf(ada, 'out') === 'failed' && phaseOf(bob, 'in') === 'failed', 'both failed');
      expect(ada.only('out').error).toBe(code);
      expect(bob.only('in').error).toBe(code);
      expect(ada.only('out').files[0]?.state).toBe('failed');
      const kept = concat(bob.sink.partials.get('ada-device/' + bob.only('in').id + '/0') ?? []);
      expect(kept.byteLength).toBe(3 * TRANSFER_CHUNK_BYTES);
    },
  );

  describe('Retry after a problem is fixed: it continues from the bytes kept on disk', () => {
    const size = 8 * TRANSFER_CHUNK_BYTES;
    const kept = 3 * TRANSFER_CHUNK_BYTES;

    async function failOnFullDisk() {
      const { ada, bob, connection } = setup();
      bob.sink.failWritesAfterBytes = kept;
      const bytes = patternBytes(size, 11);
      const source = memoryFiles([{ path: 'big.iso', bytes }]);
      ada.manager.sendFiles('bob-device', source);
      await acceptWhenOffered(bob);
      await until(() => phaseOf(ada, 'out') === 'failed' && phaseOf(bob, 'in') === 'failed', 'both failed');
      // Frames the sender had in flight when it heard of the failure are dropped on arrival.
      await until(() => connection.channels.every((channel) => channel.bufferedAmount === 0), 'quiet');
      return { ada, bob, connection, bytes, source };
    }

    it('the receiver retries after its disk was full: no byte written twice, the hash matches', async () => {
      const { ada, bob, bytes, source } = await failOnFullDisk();
      // Each side says whose move it is: Retry here, a wait for the receiver there.
      expect(bob.only('in')).toMatchObject({ error: 'DISK_FULL', resumableBy: 'you' });
      expect(ada.only('out')).toMatchObject({ error: 'DISK_FULL', resumableBy: 'peer' });
      expect(source.closed).toBe(false);
      expect(ada.manager.retry(ada.only('out').key)).toBe(false);

      bob.sink.failWritesAfterBytes = null; // space was freed
      expect(bob.manager.retry(bob.only('in').key)).toBe(true);
      await until(() => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done', 'both done');
      expect(sha256Hex(bob.sink.saved.get('big.iso') ?? new Uint8Array())).toBe(sha256Hex(bytes));
      expect(bob.sink.bytesWritten).toBe(size);
      expect(bob.only('in')).not.toHaveProperty('error');
      expect(bob.only('in')).not.toHaveProperty('resumableBy');
      expect(source.closed).toBe(true);
    });

    it('a Retry without a connection waits, and goes on when the devices are connected again', async () => {
      const { ada, bob, connection, bytes } = await failOnFullDisk();
      connection.cut();
      bob.sink.failWritesAfterBytes = null;
      expect(bob.manager.retry(bob.only('in').key)).toBe(true);
      expect(phaseOf(bob, 'in')).toBe('paused');
      new FakeConnection(ada, bob);
      await until(() => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done', 'both done');
      expect(sha256Hex(bob.sink.saved.get('big.iso') ?? new Uint8Array())).toBe(sha256Hex(bytes));
      expect(bob.sink.bytesWritten).toBe(size);
    });

    it('the sender retries after a file could not be read, and the receiver goes on without asking', async () => {
      const { ada, bob } = setup();
      const bytes = patternBytes(size, 12);
      let unreadable = true;
      const source = memoryFiles([{ path: 'locked.db', bytes }]);
      const file = source.files[0];
      if (!file) throw new Error('no file');
      const read = file.read.bind(file);
      (source as { files: unknown }).files = [
        {
          ...file,
          read: async (offset: number, length: number) => {
            if (unreadable && offset >= kept)
              throw Object.assign(new Error('locked'), { code: 'PERMISSION_DENIED' });
            return read(offset, length);
          },
        },
      ];
      ada.manager.sendFiles('bob-device', source);
      await acceptWhenOffered(bob);
      await until(() => phaseOf(ada, 'out') === 'failed' && phaseOf(bob, 'in') === 'failed', 'both failed');
      expect(ada.only('out')).toMatchObject({ error: 'PERMISSION_DENIED', resumableBy: 'you' });
      expect(bob.only('in')).toMatchObject({ error: 'PERMISSION_DENIED', resumableBy: 'peer' });
      expect(bob.manager.retry(bob.only('in').key)).toBe(false);

      unreadable = false;
      expect(ada.manager.retry(ada.only('out').key)).toBe(true);
      await until(() => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done', 'both done');
      expect(sha256Hex(bob.sink.saved.get('locked.db') ?? new Uint8Array())).toBe(sha256Hex(bytes));
      expect(bob.sink.bytesWritten).toBe(size);
      expect(bob.history.filter((view) => view.phase === 'awaiting-you')).toHaveLength(1);
    });

    it('after the receiver restarted, the failed transfer comes back as an offer: accepting it goes on from disk', async () => {
      const { ada, bob, connection, bytes } = await failOnFullDisk();
      connection.cut();
      bob.reload(); // Retry is gone with the page; the kept bytes and resume records are not
      bob.sink.failWritesAfterBytes = null;
      new FakeConnection(ada, bob);
      await acceptWhenOffered(bob);
      await until(() => phaseOf(ada, 'out') === 'done' && phaseOf(bob, 'in') === 'done', 'both done');
      expect(sha256Hex(bob.sink.saved.get('big.iso') ?? new Uint8Array())).toBe(sha256Hex(bytes));
      expect(bob.sink.bytesWritten).toBe(size);
    });

    it('declining it then ends the sender’s wait for good', async () => {
      const { ada, bob, connection, source } = await failOnFullDisk();
      connection.cut();
      bob.reload();
      const again = new FakeConnection(ada, bob);
      await until(
        () => [...bob.views.values()].some((view) => view.phase === 'awaiting-you'),
        'offered again',
      );
      bob.manager.decline(bob.only('in').key);
      await until(() => source.closed, 'sender gave up');
      expect(ada.only('out')).toMatchObject({ phase: 'failed', error: 'DISK_FULL' });
      expect(ada.only('out')).not.toHaveProperty('resumableBy');
      // Not offered again on the next connection.
      again.cut();
      bob.reload();
      new FakeConnection(ada, bob);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bob.views.size).toBe(0);
    });

    it('a failed transfer can still be given up: both sides say cancelled, the kept bytes are dropped', async () => {
      const { ada, bob, source } = await failOnFullDisk();
      const key = bob.only('in').key;
      bob.manager.cancel(key);
      await until(() => phaseOf(ada, 'out') === 'cancelled', 'sender told');
      expect(bob.only('in')).toMatchObject({ phase: 'cancelled', endedBy: 'you' });
      expect(ada.only('out')).toMatchObject({ phase: 'cancelled', endedBy: 'peer' });
      await until(() => bob.sink.partials.size === 0, 'partials dropped');
      expect(source.closed).toBe(true);
      expect(bob.manager.retry(key)).toBe(false);
    });
  });

  it('never lets the sender run more than the credit window ahead of a slow disk', async () => {
    const { ada, bob, connection } = setup();
    bob.sink.writeDelayMs = 2;
    const size = TRANSFER_CREDIT_WINDOW_BYTES + 24 * TRANSFER_CHUNK_BYTES;
    let maxAhead = 0;
    const channel = connection.channels[0];
    const tamper = (frame: Uint8Array) => {
      maxAhead = Math.max(maxAhead, channel.sentBytes + frame.byteLength - 16 - bob.sink.bytesWritten);
      return frame;
    };
    channel.tamper = tamper;
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'slow.bin', bytes: patternBytes(size) }]));
    await acceptWhenOffered(bob);
    await until(() => phaseOf(bob, 'in') === 'done', 'done', 60_000);
    expect(maxAhead).toBeGreaterThan(TRANSFER_CREDIT_WINDOW_BYTES / 2); // the window is used…
    expect(maxAhead).toBeLessThanOrEqual(TRANSFER_CREDIT_WINDOW_BYTES + TRANSFER_CHUNK_BYTES); // …and never exceeded
  });

  it('auto-accepts from a trusted device', async () => {
    const { ada, bob } = setup();
    bob.autoAccept = true;
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a.txt', bytes: patternBytes(5) }]));
    await until(() => bob.views.size === 1 && phaseOf(bob, 'in') === 'done', 'done without asking');
    expect(bob.history.some((view) => view.phase === 'awaiting-you')).toBe(false);
  });

  it('sends a manifest too long for one control message in several, and it arrives whole', async () => {
    const { ada, bob } = setup();
    bob.autoAccept = true;
    const entries = Array.from({ length: 400 }, (_, i) => ({
      path: `Folder/${'long-name-'.repeat(30)}${i}.txt`,
      bytes: patternBytes(i % 3, i + 1),
    }));
    expect(
      batchManifest(entries.map((e, index) => ({ index, path: e.path, size: e.bytes.byteLength }))).length,
    ).toBeGreaterThan(1);
    ada.manager.sendFiles('bob-device', memoryFiles(entries));
    await until(() => bob.views.size === 1 && phaseOf(bob, 'in') === 'done', 'done');
    expect(bob.only('in').files).toHaveLength(400);
    expect(bob.sink.saved.size).toBe(400);
  });

  it('refuses an offer whose manifest does not add up', async () => {
    const { ada, bob } = setup();
    const failures: string[] = [];
    ada.observers.add({
      message: (_d, message) => void (message.type === 'transfer:error' && failures.push(message.code)),
    });
    // Speak the protocol directly, as a hostile peer would.
    const session = { send: () => true };
    for (const observer of bob.observers) {
      observer.message?.(
        'ada-device',
        {
          v: 1,
          type: 'transfer:offer',
          transferId: 'evil-transfer-1',
          slot: 1,
          fileCount: 2,
          totalBytes: 5,
          resume: false,
          files: [
            { index: 0, path: 'a', size: 2 },
            { index: 0, path: 'b', size: 3 },
          ],
        },
        session as never,
      );
    }
    await until(() => failures.length > 0, 'error sent back');
    expect(failures).toEqual(['PROTOCOL_ERROR']);
    expect(bob.views.size).toBe(0);
  });

  it('tells the sender it is offline rather than queueing silently', () => {
    const ada = new Side('ada-device');
    expect(
      ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a', bytes: patternBytes(1) }])).outcome,
    ).toBe('offline');
    expect(ada.manager.sendFiles('bob-device', memoryFiles([])).outcome).toBe('empty');
  });
});

describe('TransferManager: frames received where the sink writes', () => {
  it('lets go at once of frames nobody waits for (an unknown slot, a transfer not accepted)', async () => {
    const ada = new Side('ada-device');
    const bob = new Side('bob-device', new HoldingSink());
    const connection = new FakeConnection(ada, bob);
    const sink = bob.sink as HoldingSink;
    // Speak the bulk protocol directly, as a confused or hostile peer would.
    connection.channels[0].send(
      encodeTransferFrame({ slot: 77, fileIndex: 0, offset: 0, payload: patternBytes(1000) }),
    );
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'a.bin', bytes: patternBytes(50) }]));
    await until(() => bob.views.size === 1, 'offer');
    connection.channels[0].send(
      encodeTransferFrame({ slot: 1, fileIndex: 0, offset: 0, payload: patternBytes(50) }),
    );
    await until(() => sink.framesHeld === 2, 'both frames received');
    expect(sink.framesReleased).toBe(2);
    expect(sink.stillHeld).toBe(0);
    expect(bob.only('in').phase).toBe('awaiting-you');
  });
});
