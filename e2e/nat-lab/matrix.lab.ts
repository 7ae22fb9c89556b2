/**
 * The NAT lab's figures (`npm run lab:nat`, scripts/lab-nat.mjs).
 *
 * The matrix: for each pair of router behaviours, a fresh lab with STUN and TURN from the service;
 * Ada (home A) shows a code, Bob (home B) types it; then Ada sends Bob a 32 MiB file. Each row: the
 * path ICE took, the candidate types of the selected pair on each side, the time from Bob pressing
 * "Connect" to "Connected", and the transfer's throughput (accept to "Received. Every file was
 * checked.", the bytes then hashed again in Bob's OPFS and compared). Which pairs:
 * FERRY_LAB_NAT_PAIRS ("a:b,c:d"), else every unordered pair of the six behaviours.
 *
 * Slow paths (FERRY_LAB_NAT_RTT "20,80" and FERRY_LAB_NAT_LOSS "0,1"): one pair of routers (the
 * first of FERRY_LAB_NAT_PAIRS, else two port-restricted cones: a direct path), home A's uplink with
 * each round-trip time × loss; Ferry's 8 MiB transfer and then a bare RTCDataChannel's 8 MiB on
 * the same path, side by side.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { enterCode, showMyCode, type Peer } from '../support/fixtures';
import { NAT_BEHAVIOURS, natLabUnavailableReason, type NatBehaviour, type NatLab } from '../support/nat-lab';
import { withNatLab } from '../support/nat-lab-peers';
import { selectedPairTypes, type SelectedPair } from '../support/selected-pair';
import {
  RECEIVED,
  accept,
  opfsDigests,
  sendFiles,
  sha256OfFile,
  status,
  tempDir,
  writePatternFile,
} from '../transfer-support';
import { bareChannelThroughput } from './bare-channel';
import { installMarks, readMarks } from './marks';
import { matrixPairs, matrixTable, pathsTable, writeDocBlock, type MatrixRow, type PathRow } from './report';

const MiB = 1024 * 1024;
const FILE_BYTES = 32 * MiB;
/** On slow, lossy paths a 32 MiB file takes minutes (0.3 MiB/s at 40 ms and 1 %): 8 MiB there. */
const SLOW_PATH_BYTES = 8 * MiB;
const FILE_NAME = 'nat-lab.bin';

const skipReason = natLabUnavailableReason();
test.skip(skipReason !== undefined, `the NAT lab ${skipReason}`);

const chosenPairs = process.env['FERRY_LAB_NAT_PAIRS'];
const rtts = process.env['FERRY_LAB_NAT_RTT'];
const losses = process.env['FERRY_LAB_NAT_LOSS'];
/** ± ms on each frame's one-way delay (0: none). */
const jitters = process.env['FERRY_LAB_NAT_JITTER'];
const slowPaths = rtts !== undefined || losses !== undefined || jitters !== undefined;

function describePairs(pairs: readonly SelectedPair[]): string {
  if (pairs.length === 0) return 'none';
  return [...new Set(pairs.map((pair) => `${pair.local} → ${pair.remote}`))].join(', ');
}

/** The file every run sends (`bytes` long), and its SHA-256. */
async function testFile(bytes: number): Promise<{ path: string; digest: string; bytes: number }> {
  const path = join(await tempDir('ferry-nat-lab-'), FILE_NAME);
  await writePatternFile(path, bytes, 15);
  return { path, digest: await sha256OfFile(path), bytes };
}

/** Ctrl-C reaches the worker too: the lab in hand finishes (and cleans up), no other starts. */
function interruptible(): { interrupted(): boolean; done(): void } {
  let interrupted = false;
  const stop = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', stop);
  return { interrupted: () => interrupted, done: () => process.off('SIGINT', stop) };
}

/** Pairs Ada and Bob, then moves the file; `more` runs on the same lab afterwards. */
async function measure(
  routers: readonly [NatBehaviour, NatBehaviour],
  file: { path: string; digest: string; bytes: number },
  uplinkA?: { rttMs: number; lossPercent: number; jitterMs: number },
  more?: (lab: NatLab, ada: Peer, bob: Peer) => Promise<void>,
): Promise<MatrixRow> {
  let row: MatrixRow = { routers, path: 'error', adaPair: '—', bobPair: '—', note: 'no result' };
  await withNatLab({ routers, ...(uplinkA ? { uplinkA } : {}) }, async (lab, ada, bob) => {
    await installMarks(bob.page, RECEIVED);
    const code = await showMyCode(ada);
    await enterCode(bob, code);
    const connected = bob.page.getByTestId('announcer').filter({ hasText: 'Connected to Ada laptop' });
    const failed = bob.page.getByRole('alert');
    await expect(connected.or(failed).first()).toBeVisible({ timeout: 90_000 });
    if (await failed.isVisible()) {
      row = { routers, path: 'none', adaPair: '—', bobPair: '—', note: (await failed.textContent()) ?? '' };
      return;
    }
    await expect(ada.page.getByTestId('announcer')).toHaveText('Connected to Bob desktop');
    const marks = await readMarks(bob.page);
    const adaPairs = await selectedPairTypes(ada.page);
    const bobPairs = await selectedPairTypes(bob.page);
    const viaRelay = [...adaPairs, ...bobPairs].some(
      (pair) => pair.local === 'relay' || pair.remote === 'relay',
    );

    await sendFiles(ada, [file.path]);
    await accept(bob);
    await expect(status(bob, 'in', 'Ada laptop')).toHaveText(RECEIVED, { timeout: 20 * 60_000 });
    const received = await readMarks(bob.page);
    const intact = (await opfsDigests(bob, [FILE_NAME]))[FILE_NAME] === file.digest;
    const transferMs = (received.received ?? Number.NaN) - (received.accepted ?? Number.NaN);
    row = {
      routers,
      path: viaRelay ? 'relay' : 'direct',
      adaPair: describePairs(adaPairs),
      bobPair: describePairs(bobPairs),
      connectedMs: (marks.connected ?? Number.NaN) - (marks.submitted ?? Number.NaN),
      throughputMiBps: intact ? file.bytes / MiB / (transferMs / 1000) : undefined,
      note: intact ? '' : 'SHA-256 of the received bytes differs',
    };
    await more?.(lab, ada, bob);
  });
  return row;
}

const failure = (error: unknown): string => String(error).split('\n')[0] ?? '';

test('NAT lab matrix', async () => {
  test.skip(slowPaths, 'slow paths asked for (--rtt/--loss)');
  const file = await testFile(FILE_BYTES);
  const rows: MatrixRow[] = [];
  const run = interruptible();
  for (const routers of matrixPairs(chosenPairs, NAT_BEHAVIOURS)) {
    if (run.interrupted()) break;
    const started = Date.now();
    const row = await measure(routers, file).catch((error: unknown): MatrixRow => ({
      routers,
      path: 'error',
      adaPair: '—',
      bobPair: '—',
      note: failure(error),
    }));
    rows.push(row);
    process.stdout.write(`${routers.join(' ↔ ')}: ${row.path} (${Date.now() - started} ms)\n`);
  }
  run.done();
  const table = matrixTable(rows);
  if (!run.interrupted() && chosenPairs === undefined) await writeDocBlock('matrix', table);
  process.stdout.write(`\n${table}\n`);
});

test('slow paths: Ferry beside a bare data channel', async () => {
  test.skip(!slowPaths, 'run with --rtt, --loss and/or --jitter');
  test.skip(
    spawnSync('python3', ['--version']).status !== 0,
    'slow paths need python3 (e2e/support/link-emulator.py: this kernel has no netem)',
  );
  const direct: [NatBehaviour, NatBehaviour] = ['port-restricted-cone', 'port-restricted-cone'];
  const routers =
    chosenPairs === undefined ? direct : (matrixPairs(chosenPairs, NAT_BEHAVIOURS)[0] ?? direct);
  const numbers = (text: string | undefined) => (text ?? '0').split(',').map(Number);
  const file = await testFile(SLOW_PATH_BYTES);
  const rows: PathRow[] = [];
  const run = interruptible();
  for (const rttMs of numbers(rtts)) {
    for (const lossPercent of numbers(losses)) {
      for (const jitterMs of numbers(jitters)) {
        if (run.interrupted()) break;
        let bare: number | undefined;
        let note = '';
        const row = await measure(routers, file, { rttMs, lossPercent, jitterMs }, async (lab, ada, bob) => {
          const iceServers = [{ urls: lab.stunUrl }];
          bare = await bareChannelThroughput(ada.page, bob.page, iceServers, SLOW_PATH_BYTES).catch(
            (error: unknown) => {
              note = `bare channel: ${failure(error)}`;
              return undefined;
            },
          );
        }).catch((error: unknown): MatrixRow => ({
          routers,
          path: 'error',
          adaPair: '—',
          bobPair: '—',
          note: failure(error),
        }));
        rows.push({
          rttMs,
          lossPercent,
          jitterMs,
          ferry: row,
          bareMiBps: bare,
          note: [row.note, note].filter(Boolean).join('; '),
        });
        process.stdout.write(`rtt ${rttMs} ms ± ${jitterMs} ms, loss ${lossPercent} %: ${row.path}\n`);
      }
    }
  }
  run.done();
  const table = pathsTable(rows);
  if (!run.interrupted() && chosenPairs === undefined) await writeDocBlock('paths', table);
  process.stdout.write(`\n${table}\n`);
});
