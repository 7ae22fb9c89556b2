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
