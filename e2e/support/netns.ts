/**
 * What the tests' network namespaces share (e2e/support/lan.ts, e2e/support/nat-lab.ts): named
 * namespaces swept by owner when a killed run left them, programs started inside one (stopped by
 * their process group), and a Chromium whose network is a namespace's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, systemChromium } from './chromium';

export interface RunningProgram {
  readonly process: ChildProcess;
  /** Everything it wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the first output line that matches; rejects if the program exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

/** Runs `ip …`, throwing with ip's own message when it fails. */
export function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

/** Runs a command inside `netns` and returns its stdout, throwing with its stderr when it fails. */
export function inNamespace(netns: string, command: string, args: readonly string[], input?: string): string {
  const result = spawnSync('ip', ['netns', 'exec', netns, command, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} in ${netns} failed: ${result.stderr.trim()}`);
  }
  return result.stdout;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes namespaces named `<prefix>-<pid>-…` whose owner process is gone: what a run killed
 * outright (no exit hook) left behind.
 */
export function sweepNamespaces(prefix: string): void {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const netns of listed.split('\n').map((line) => line.split(' ')[0] ?? '')) {
    if (!netns.startsWith(`${prefix}-`)) continue;
    const owner = Number(netns.slice(prefix.length + 1).split('-')[0]);
    if (Number.isInteger(owner) && owner !== process.pid && !alive(owner)) {
      spawnSync('ip', ['netns', 'del', netns]);
    }
  }
}

/** Starts a long-lived program inside `netns`, in its own process group (see `stopProgram`). */
export function startInNamespace(
  netns: string,
  command: string,
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
): RunningProgram {
  const child = spawn('ip', ['netns', 'exec', netns, command, ...args], {
    env: options.env,
    cwd: options.cwd,
    // Its own process group, so that stopping it reaches everything it started.
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  return runningProgram(child);
}

/**
 * A Chromium whose network is `netns`'s: Playwright talks to it over a pipe, which crosses
 * namespaces, so the browser is exactly like a browser on that computer. `extraArgs` add to the
 * suite's flags (e2e/support/chromium.ts).
 */
export async function launchChromiumIn(
  netns: string,
  workDir: string,
  label: string,
  extraArgs: readonly string[] = [],
): Promise<Browser> {
  const wrapper = join(workDir, `chromium-${label}.sh`);
  await writeFile(wrapper, `#!/bin/sh\nexec ip netns exec '${netns}' '${systemChromium() ?? ''}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return chromium.launch({ executablePath: wrapper, args: [...chromiumArgs, ...extraArgs] });
}

function runningProgram(child: ChildProcess): RunningProgram {
  let output = '';
  const lineWaiters = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const waiter of lineWaiters) waiter();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return {
    process: child,
    output: () => output,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = output.split('\n').find((candidate) => pattern.test(candidate));
          if (line === undefined) return;
          finish();
          resolve(line);
        };
        const onExit = (code: number | null): void => {
          finish();
          reject(new Error(`exited (${code}) before printing ${pattern}:\n${output}`));
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no line matching ${pattern} after ${timeoutMs} ms:\n${output}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          lineWaiters.delete(check);
          child.off('exit', onExit);
        };
        lineWaiters.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

/** SIGTERM to the program's whole process group (ip netns exec → node), SIGKILL if it lingers. */
export async function stopProgram(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  const timeout = setTimeout(() => signalGroup('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timeout);
}

/**
 * The namespaces, programs and browsers one test setup made, all removed by `close()`, or by an
 * exit hook when the process ends first (an uncaught error, the runner stopping). Names are
 * `<prefix>-<pid>-…`, so a run killed outright (no hook) is swept by the next `openNamespaceGroup`.
 */
export interface NamespaceGroup {
  /** `<prefix>-<pid>-<time>`: the start of every namespace name of this group. */
  readonly tag: string;
  /** A scratch folder of the group, removed with it. */
  readonly workDir: string;
  /** Makes a namespace with loopback up. */
  add(netns: string): void;
  /** Starts a program inside `netns`, stopped with the group. */
  start(
    netns: string,
    command: string,
    args: readonly string[],
    options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
  ): RunningProgram;
  /** A Chromium inside `netns` (see `launchChromiumIn`), closed with the group. */
  launchChromium(netns: string, label: string, extraArgs?: readonly string[]): Promise<Browser>;
  close(): Promise<void>;
}

export async function openNamespaceGroup(prefix: string): Promise<NamespaceGroup> {
  sweepNamespaces(prefix);
  const tag = `${prefix}-${process.pid}-${Date.now().toString(36)}`;
  const namespaces: string[] = [];
  const programs: RunningProgram[] = [];
  const browsers: Browser[] = [];
  const workDir = await mkdtemp(join(tmpdir(), `${prefix}-`));

  const removeNamespaces = (): void => {
    for (const netns of namespaces.splice(0).reverse()) spawnSync('ip', ['netns', 'del', netns]);
  };
  const onExit = (): void => {
    for (const program of programs) {
      try {
        if (program.process.pid !== undefined) process.kill(-program.process.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    removeNamespaces();
  };
  process.once('exit', onExit);

  let closing: Promise<void> | undefined;
  return {
    tag,
    workDir,
    add(netns) {
      ip('netns', 'add', netns);
      namespaces.push(netns);
      ip('-n', netns, 'link', 'set', 'lo', 'up');
    },
    start(netns, command, args, options) {
      const program = startInNamespace(netns, command, args, options);
      programs.push(program);
      return program;
    },
    async launchChromium(netns, label, extraArgs = []) {
      const browser = await launchChromiumIn(netns, workDir, label, extraArgs);
      browsers.push(browser);
      return browser;
    },
    close: () =>
      (closing ??= (async () => {
        for (const browser of browsers) await browser.close().catch(() => undefined);
        await Promise.all(programs.map((program) => stopProgram(program.process)));
        removeNamespaces();
        process.off('exit', onExit);
        await rm(workDir, { recursive: true, force: true });
      })()),
  };
}
