/** Memory of Chromium processes on Linux, from /proc (kB figures as the kernel reports them). */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function parentOf(pid: number): number {
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
  const stat = readOr(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[1] ?? 0);
}

/** Every process below `root` (children, grandchildren, …). */
export function descendants(root: number): number[] {
  const all = allPids();
  const found: number[] = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const parent = frontier.pop() as number;
    for (const pid of all) {
      if (parentOf(pid) === parent) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The Chromium browser process (no `--type=`) whose command line carries `marker`. */
export function chromiumWithMarker(marker: string): number | undefined {
  return allPids().find((pid) => {
    const cmdline = readOr(`/proc/${pid}/cmdline`);
    return cmdline.includes(marker) && !cmdline.includes('--type=');
  });
}

export function isRenderer(pid: number): boolean {
  // Chromium rewrites its process title, so the arguments may be joined by spaces, not NULs.
  return /(^|[\0 ])--type=renderer([\0 ]|$)/.test(readOr(`/proc/${pid}/cmdline`));
}

export interface ProcMemory {
  /** Resident set now, KiB. */
  readonly rssKiB: number;
  /** Highest resident set since start or since `resetPeak`, KiB. */
  readonly peakKiB: number;
}

export function memoryOf(pid: number): ProcMemory {
  const status = readOr(`/proc/${pid}/status`);
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0; needs permission on the process, as root here). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Sums `measure(threadDir)` over every thread of a process and its descendants, keyed by
 * `process type/thread name`; numbered pool threads (ThreadPoolForegr, …) are summed under one name.
 */
function sumByThread(root: number, measure: (threadDir: string) => number): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of [root, ...descendants(root)]) {
    const type = /--type=([a-z-]+)/.exec(readOr(`/proc/${pid}/cmdline`))?.[1] ?? 'browser';
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended meanwhile
    }
    for (const tid of tids) {
      const threadDir = `/proc/${pid}/task/${tid}`;
      const key = `${type}/${readOr(`${threadDir}/comm`).trim().replace(/\d+$/, '')}`;
      totals.set(key, (totals.get(key) ?? 0) + measure(threadDir));
    }
  }
  return totals;
}

/**
 * CPU time (clock ticks) by `process type/thread name` of a process and its descendants: user +
 * system, or only the time spent in the kernel for it (`'system'`).
 */
export function cpuTicksByThread(root: number, kind: 'all' | 'system' = 'all'): Map<string, number> {
  return sumByThread(root, (threadDir) => {
    const stat = readOr(`${threadDir}/stat`);
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime); the split starts at field 3.
    const system = Number(fields[12] ?? 0);
    return kind === 'system' ? system : Number(fields[11] ?? 0) + system;
  });
}

/**
 * What each key used between two snapshots of clock ticks (`cpuTicksByThread`, `machineCpuTicks`,
 * `kernelThreadTicks`), in seconds; keys gone meanwhile drop out.
 */
export function cpuSecondsBetween(
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const used = new Map<string, number>();
  for (const [key, value] of after) {
    const delta = (value - (before.get(key) ?? 0)) / CLOCK_TICKS_PER_SECOND;
    if (delta > 0) used.set(key, delta);
  }
  return used;
}

/** USER_HZ: 100 on every Linux that runs Chromium. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The UDP counters of this process's network namespace (/proc/net/snmp): datagrams received, and
 * those the kernel dropped because a socket's receive buffer was full. On loopback a drop means
 * the receiving browser did not read its socket in time; SCTP then retransmits and slows down.
 */
export function udpCounters(): { readonly received: number; readonly dropped: number } {
  const lines = readOr('/proc/net/snmp')
    .split('\n')
    .filter((line) => line.startsWith('Udp:'));
  const names = (lines[0] ?? '').split(/\s+/);
  const values = (lines[1] ?? '').split(/\s+/).map(Number);
  const value = (name: string) => values[names.indexOf(name)] ?? 0;
  return { received: value('InDatagrams'), dropped: value('RcvbufErrors') };
}

/** Context switches (voluntary and not) by process type and thread name, as cpuTicksByThread keys them. */
export function contextSwitchesByThread(root: number): Map<string, number> {
  return sumByThread(root, (threadDir) =>
    [...readOr(`${threadDir}/status`).matchAll(/ctxt_switches:\s+(\d+)/g)].reduce(
      (sum, match) => sum + Number(match[1]),
      0,
    ),
  );
}

/**
 * The whole machine's CPU time by kind (/proc/stat's first line, clock ticks): what the browsers'
 * own threads do not show (kernel threads such as writeback and ksoftirqd, other processes, time
 * the hypervisor took, idle).
 */
export function machineCpuTicks(): Map<string, number> {
  const kinds = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
  const values = (readOr('/proc/stat').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  return new Map(kinds.map((kind, index) => [kind, values[index] ?? 0]));
}

/** CPU time (clock ticks) of the kernel's own threads (children of kthreadd), by name without numbers. */
export function kernelThreadTicks(): Map<string, number> {
  const totals = new Map<string, number>();
  for (const pid of allPids()) {
    if (parentOf(pid) !== 2) continue;
    const stat = readOr(`/proc/${pid}/stat`);
    const name =
      /\(([^)]*)/
        .exec(stat)?.[1]
        ?.replace(/[/:].*$/, '')
        .replace(/\d+$/, '') ?? '?';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
    totals.set(name, (totals.get(name) ?? 0) + ticks);
  }
  return totals;
}
