/**
 * The NAT lab's figures as Markdown tables, printed and kept in docs/nat-lab.md (the latest run of
 * the default set; a run of chosen pairs only prints).
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { NatBehaviour } from '../support/nat-lab';

export interface MatrixRow {
  readonly routers: readonly [NatBehaviour, NatBehaviour];
  readonly path: 'direct' | 'relay' | 'none' | 'error';
  /** Selected candidate pair types on Ada's side ("local → remote"). */
  readonly adaPair: string;
  readonly bobPair: string;
  readonly connectedMs?: number;
  readonly throughputMiBps?: number | undefined;
  readonly note: string;
}

export interface PathRow {
  readonly rttMs: number;
  readonly lossPercent: number;
  readonly jitterMs: number;
  readonly ferry: MatrixRow;
  readonly bareMiBps: number | undefined;
  readonly note: string;
}

const DOC = resolve(import.meta.dirname, '../../docs/nat-lab.md');

/** "a:b,c:d" → those pairs (each name checked); unset → every unordered pair of `behaviours`. */
export function matrixPairs(
  chosen: string | undefined,
  behaviours: readonly NatBehaviour[],
): [NatBehaviour, NatBehaviour][] {
  if (chosen === undefined || chosen.trim() === '') {
    return behaviours.flatMap((a, i) => behaviours.slice(i).map((b): [NatBehaviour, NatBehaviour] => [a, b]));
  }
  const known = (name: string | undefined): NatBehaviour => {
    const found = behaviours.find((behaviour) => behaviour === name);
    if (found === undefined)
      throw new Error(`unknown router behaviour "${name}" (one of ${behaviours.join(', ')})`);
    return found;
  };
  return chosen.split(',').map((text) => {
    const [a, b] = text.split(':');
    return [known(a), known(b)];
  });
}

const figure = (value: number | undefined, digits: number): string =>
  value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);

const table = (header: readonly string[], align: readonly string[], rows: readonly (readonly string[])[]) =>
  [header, align, ...rows.map((row) => row.map((cell) => cell.replaceAll('|', '\\|')))]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');

export function matrixTable(rows: readonly MatrixRow[]): string {
  return table(
    [
      'Home A router',
      'Home B router',
      'Path',
      'A: local → remote',
      'B: local → remote',
      'Code → "Connected" (ms)',
      '32 MiB (MiB/s)',
      'Note',
    ],
    ['---', '---', '---', '---', '---', '---:', '---:', '---'],
    rows.map((row) => [
      row.routers[0],
      row.routers[1],
      row.path,
      row.adaPair,
      row.bobPair,
      figure(row.connectedMs, 0),
      figure(row.throughputMiBps, 1),
      row.note,
    ]),
  );
}

export function pathsTable(rows: readonly PathRow[]): string {
  return table(
    [
      'Routers',
      'RTT (ms)',
      'Jitter (± ms each way)',
      'Loss (%)',
      'Path',
      'Ferry 8 MiB (MiB/s)',
      'Bare data channel 8 MiB (MiB/s)',
      'Note',
    ],
    ['---', '---:', '---:', '---:', '---', '---:', '---:', '---'],
    rows.map((row) => [
      row.ferry.routers.join(' ↔ '),
      String(row.rttMs),
      String(row.jitterMs),
      String(row.lossPercent),
      row.ferry.path,
      figure(row.ferry.throughputMiBps, 1),
      figure(row.bareMiBps, 1),
      row.note,
    ]),
  );
}

/** Replaces the `block` section of docs/nat-lab.md (between its markers) with `body` and when/where it ran. */
export async function writeDocBlock(block: 'matrix' | 'paths', body: string): Promise<void> {
  const begin = `<!-- nat-lab ${block}: written by \`npm run lab:nat\` -->`;
  const end = `<!-- end of nat-lab ${block} -->`;
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const section = [
    begin,
    `Latest run: ${when} UTC, ${cpus().length} cores, Linux ${kernel}, one run each.`,
    '',
    body,
    end,
  ];
  const doc = await readFile(DOC, 'utf8');
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`${DOC} has no ${block} markers`);
  await writeFile(DOC, `${doc.slice(0, start)}${section.join('\n')}${doc.slice(stop + end.length)}`);
}
