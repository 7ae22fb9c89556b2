/**
 * `npm run bench:receive-path`: what the receiving side's essential work costs, outside Ferry.
 * Two Chromium processes, one negotiated data channel of 256 KiB frames (a 16-byte header, like
 * Ferry's), the sender sending one buffer over and over; the receiver either
 *
 *   - discards the frames (the bare channel's receiver in bench:transfer),
 *   - copies each payload into 1 MiB buffers posted to a worker that writes them into OPFS and
 *     hashes them in 256 KiB blocks (what Ferry's browser client does, without its protocol), or
 *   - hands the channel itself to that worker, which writes and hashes each frame where it arrives.
 *
 * Rounds of 128 MiB alternate between the three; MB/s and the ratios are printed. It answers two
 * questions from docs/transfer-performance.md: how much storing and verifying costs by itself on
 * this machine, and whether moving the receive path off the page's thread would help.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, test, type BrowserContext, type Page } from '@playwright/test';
import { chromiumArgs, systemChromium } from '../support/chromium';

const MiB = 1024 * 1024;
const ROUND_BYTES = Number(process.env['FERRY_BENCH_ROUND_MIB'] ?? 128) * MiB;
const ROUNDS = Number(process.env['FERRY_BENCH_ROUNDS'] ?? 4);
const FRAME_BYTES = 262_144;
const HEADER_BYTES = 16;
type Mode = 'discard' | 'page' | 'worker';

/** The storage worker: writes what it gets into OPFS (a file per round) and hashes it. */
const WORKER = `
let access = null, written = 0, round = 0;
const hashes = [];
async function openRound() {
  const old = access; access = null; old?.close();
  const root = await navigator.storage.getDirectory();
  const handle = await root.getFileHandle('round-' + (round++ % 2) + '.bin', { create: true });
  const next = await handle.createSyncAccessHandle();
  next.truncate(0);
  written = 0;
  access = next;
}
function store(bytes) {
  if (!access) return;
  for (let done = 0; done < bytes.byteLength; ) done += access.write(bytes.subarray(done), { at: written + done });
  written += bytes.byteLength;
  for (let at = 0; at < bytes.byteLength; at += 262144) hashes.push(crypto.subtle.digest('SHA-256', bytes.subarray(at, at + 262144)));
  if (hashes.length > 64) hashes.splice(0, 32);
}
onmessage = async (event) => {
  const message = event.data;
  if (message.op === 'round') { await openRound(); postMessage({ op: 'ready' }); }
  else if (message.op === 'bytes') { store(new Uint8Array(message.buffer)); postMessage({ op: 'written', written, buffer: message.buffer }, [message.buffer]); }
  else if (message.op === 'channel') {
    const channel = message.channel;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (frame) => {
      store(new Uint8Array(frame.data, ${HEADER_BYTES}));
      postMessage({ op: 'written', written });
    };
  }
};`;

async function launch(profileDir: string): Promise<BrowserContext> {
  const executablePath = systemChromium();
  return chromium.launchPersistentContext(profileDir, {
    ...(executablePath ? { executablePath } : {}),
    args: [...chromiumArgs, `--ferry-bench-instance=${randomUUID()}`],
    permissions: ['microphone'],
  });
}

function serve(): Promise<Server> {
  const server = createServer((request, response) => {
    const script = request.url === '/worker.js';
    response.setHeader('content-type', script ? 'text/javascript' : 'text/html');
    response.end(script ? WORKER : '<!doctype html><title>receive path</title>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A fresh connection whose receiving end is set up for `mode`. */
async function connect(sender: Page, receiver: Page, mode: Mode): Promise<void> {
  const offer = await sender.evaluate(async () => {
    const scope = window as unknown as { pc?: RTCPeerConnection; channel?: RTCDataChannel };
    scope.pc?.close();
    const pc = new RTCPeerConnection({ iceServers: [] });
    scope.pc = pc;
    scope.channel = pc.createDataChannel('bulk', { negotiated: true, id: 1000, ordered: true });
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
    });
    return pc.localDescription?.toJSON();
  });
  const answer = await receiver.evaluate(
    async ({ offer, mode, headerBytes }) => {
      const scope = window as unknown as {
        pc?: RTCPeerConnection;
        worker?: Worker;
        written: number;
        ready: () => Promise<void>;
      };
      scope.pc?.close();
      scope.worker?.terminate();
      const worker = new Worker('/worker.js');
      scope.worker = worker;
      scope.written = 0;
      const pool: ArrayBuffer[] = [];
      worker.addEventListener(
        'message',
        (event: MessageEvent<{ op: string; written?: number; buffer?: ArrayBuffer }>) => {
          if (event.data.op !== 'written') return;
          scope.written = event.data.written ?? 0;
          if (event.data.buffer) pool.push(event.data.buffer);
        },
      );
      // What the page gathers for the worker, or counts when it discards; each round starts afresh.
      let batch: Uint8Array | null = null;
      let filled = 0;
      let discarded = 0;
      scope.ready = async () => {
        batch = null;
        filled = 0;
        discarded = 0;
        if (mode === 'discard') return;
        await new Promise<void>((resolve) => {
          const onReady = (event: MessageEvent<{ op: string }>) => {
            if (event.data.op !== 'ready') return;
            worker.removeEventListener('message', onReady);
            resolve();
          };
          worker.addEventListener('message', onReady);
          worker.postMessage({ op: 'round' });
        });
      };
      const pc = new RTCPeerConnection({ iceServers: [] });
      scope.pc = pc;
      const channel = pc.createDataChannel('bulk', { negotiated: true, id: 1000, ordered: true });
      if (mode === 'worker') {
        worker.postMessage({ op: 'channel', channel }, [channel as unknown as Transferable]);
      } else {
        channel.binaryType = 'arraybuffer';
        channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
          const payload = new Uint8Array(event.data, headerBytes);
          if (mode === 'discard') {
            discarded += payload.byteLength;
            scope.written = discarded;
            return;
          }
          for (let taken = 0; taken < payload.byteLength;) {
            batch ??= new Uint8Array(pool.pop() ?? new ArrayBuffer(1024 * 1024));
            const take = Math.min(batch.byteLength - filled, payload.byteLength - taken);
            batch.set(payload.subarray(taken, taken + take), filled);
            filled += take;
            taken += take;
            if (filled === batch.byteLength) {
              worker.postMessage({ op: 'bytes', buffer: batch.buffer }, [batch.buffer]);
              batch = null;
              filled = 0;
            }
          }
        });
      }
      await pc.setRemoteDescription(offer as RTCSessionDescriptionInit);
      await pc.setLocalDescription(await pc.createAnswer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.addEventListener(
          'icegatheringstatechange',
          () => pc.iceGatheringState === 'complete' && resolve(),
        );
      });
      return pc.localDescription?.toJSON();
    },
    { offer, mode, headerBytes: HEADER_BYTES },
  );
  await sender.evaluate(async (description) => {
    const scope = window as unknown as { pc: RTCPeerConnection; channel: RTCDataChannel };
    await scope.pc.setRemoteDescription(description as RTCSessionDescriptionInit);
    if (scope.channel.readyState !== 'open') {
      await new Promise((resolve) => scope.channel.addEventListener('open', resolve, { once: true }));
    }
  }, answer);
}

/** Sends `bytes` in frames; returns MB/s of payload, from the first frame to the last one stored. */
async function round(sender: Page, receiver: Page, mode: Mode, bytes: number): Promise<number> {
  await receiver.evaluate(async () => {
    const scope = window as unknown as { written: number; ready: () => Promise<void> };
    await scope.ready();
    scope.written = 0;
  });
  const frames = Math.floor(bytes / (FRAME_BYTES - HEADER_BYTES));
  const payload = frames * (FRAME_BYTES - HEADER_BYTES);
  const started = Date.now();
  await sender.evaluate(
    async ({ frames, frameBytes }) => {
      const channel = (window as unknown as { channel: RTCDataChannel }).channel;
      channel.bufferedAmountLowThreshold = 1024 * 1024;
      const frame = new Uint8Array(frameBytes).fill(7);
      for (let sent = 0; sent < frames; sent++) {
        while (channel.bufferedAmount > 4 * 1024 * 1024) {
          await new Promise((resolve) =>
            channel.addEventListener('bufferedamountlow', resolve, { once: true }),
          );
        }
        channel.send(frame);
      }
    },
    { frames, frameBytes: FRAME_BYTES },
  );
  // Through the page, bytes go to the worker in whole MiB: what is left of the last one stays.
  await receiver.waitForFunction(
    (target) => (window as unknown as { written: number }).written >= target,
    mode === 'page' ? payload - (payload % MiB) : payload,
    { polling: 20, timeout: 10 * 60_000 },
  );
  return payload / 1e6 / ((Date.now() - started) / 1000);
}

test('receive path: discard, store through the page, store in the worker', async () => {
  test.setTimeout(20 * 60_000);
  const base = await fs.mkdtemp(join(tmpdir(), 'ferry-bench-receive-path-'));
  const server = await serve();
  const sender = await launch(join(base, 'sender'));
  const receiver = await launch(join(base, 'receiver'));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const [senderPage, receiverPage] = [await sender.newPage(), await receiver.newPage()];
    await senderPage.goto(url);
    await receiverPage.goto(url);
    const rates: Record<Mode, number[]> = { discard: [], page: [], worker: [] };
    const orders: Mode[][] = [
      ['discard', 'page', 'worker'],
      ['worker', 'page', 'discard'],
    ];
    for (let index = 0; index < ROUNDS; index++) {
      for (const mode of orders[index % 2] ?? []) {
        await connect(senderPage, receiverPage, mode);
        await round(senderPage, receiverPage, mode, 16 * MiB); // a fresh connection starts slower
        rates[mode].push(await round(senderPage, receiverPage, mode, ROUND_BYTES));
      }
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const line = (mode: Mode, label: string) =>
      `  ${label}: ${mean(rates[mode]).toFixed(1)} MB/s (${rates[mode].map((rate) => rate.toFixed(1)).join(', ')})`;
    process.stdout.write(
      [
        '',
        `Receive path, ${ROUNDS} rounds of ${ROUND_BYTES / MiB} MiB each, alternated (two Chromium processes, loopback):`,
        line('discard', 'discarded (the bare channel)'),
        line('page', 'stored in OPFS and hashed, through the page'),
        line('worker', 'stored in OPFS and hashed, channel in the worker'),
        `  stored through the page / discarded: ${(mean(rates.page) / mean(rates.discard)).toFixed(2)}`,
        `  channel in the worker / through the page: ${(mean(rates.worker) / mean(rates.page)).toFixed(2)}`,
        '',
      ].join('\n'),
    );
  } finally {
    await sender.close();
    await receiver.close();
    server.close();
    await fs.rm(base, { recursive: true, force: true });
  }
});
