/**
 * Two (or more) computers on one LAN, inside this machine: each "computer" is a network namespace
 * with one Ethernet-like interface (a veth) plugged into a bridge that lives in a namespace of its
 * own, with multicast on and a route for 224.0.0.0/4, so DNS-SD (mDNS) works between them as on a
 * home network. Addresses are private (10.77.0.0/24) and exist only inside these namespaces:
 * nothing reaches the machine's own network.
 *
 * Needs root (`ip netns add`); it works from inside the suite's loopback-only namespace
 * (scripts/in-loopback-netns.sh), because named namespaces are made fresh, not entered from there.
 * Everything made is removed by `close()`, and by an exit hook if the test process dies first;
 * leftovers of a run that was killed outright are swept at the next start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { chromiumArgs, systemChromium } from './chromium';

const PREFIX = 'ferry-e2e';
const SUBNET = '10.77.0';

export interface LanHost {
  readonly name: string;
  /** The namespace's name (`ip netns exec <netns> …`). */
  readonly netns: string;
  /** This computer's LAN address, e.g. 10.77.0.1. */
  readonly address: string;
  /** Starts a long-lived program on this computer; it is stopped by `Lan.close()`. */
  start(
    command: string,
    args: readonly string[],
    options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
  ): RunningProgram;
  /** A Chromium running on this computer (its network is this namespace's). */
  launchChromium(): Promise<Browser>;
}

export interface RunningProgram {
  readonly process: ChildProcess;
  /** Everything it wrote so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the first output line that matches; rejects if the program exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
}

export interface Lan {
  readonly hosts: readonly LanHost[];
  close(): Promise<void>;
}

/** Why a LAN cannot be made here, or undefined when it can. */
export function lanUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces (ip netns add)';
  if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (ip)';
  if (systemChromium() === undefined) return 'needs a system Chromium to run inside a namespace';
  return undefined;
}

function ip(...args: string[]): void {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
}

function existingNamespaces(): string[] {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return listed
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${PREFIX}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Removes namespaces a killed run left behind (their owner's pid is in the name and is gone). */
function sweepLeftovers(): void {
  for (const netns of existingNamespaces()) {
    const owner = Number(netns.split('-')[2]);
    if (Number.isInteger(owner) && owner !== process.pid && !alive(owner)) {
      spawnSync('ip', ['netns', 'del', netns]);
    }
  }
}

export async function createLan(names: readonly string[]): Promise<Lan> {
  sweepLeftovers();
  const tag = `${PREFIX}-${process.pid}-${Date.now().toString(36)}`;
  const switchNs = `${tag}-lan`;
  const namespaces: string[] = [];
  const programs: RunningProgram[] = [];
  const browsers: Browser[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'ferry-lan-'));

  const removeNamespaces = (): void => {
    for (const netns of namespaces.splice(0).reverse()) spawnSync('ip', ['netns', 'del', netns]);
  };
  // Last resort if the test process ends without close() (an uncaught error, Ctrl-C in the runner).
  const onExit = (): void => {
    for (const program of programs) program.process.kill('SIGKILL');
    removeNamespaces();
  };
  process.once('exit', onExit);

  try {
    ip('netns', 'add', switchNs);
    namespaces.push(switchNs);
    ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', switchNs, 'link', 'set', 'br0', 'up');

    const hosts = names.map((name, index): LanHost => {
      const netns = `${tag}-${name}`;
      const address = `${SUBNET}.${index + 1}`;
      ip('netns', 'add', netns);
      namespaces.push(netns);
      ip('-n', netns, 'link', 'set', 'lo', 'up');
      ip(
        'link',
        'add',
        'eth0',
        'netns',
        netns,
        'type',
        'veth',
        'peer',
        'name',
        `port${index}`,
        'netns',
        switchNs,
      );
      ip('-n', switchNs, 'link', 'set', `port${index}`, 'master', 'br0');
      ip('-n', switchNs, 'link', 'set', `port${index}`, 'up');
      ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', netns, 'link', 'set', 'eth0', 'multicast', 'on', 'up');
      ip('-n', netns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');

      return {
        name,
        netns,
        address,
        start(command, args, { env, cwd }) {
          const child = spawn('ip', ['netns', 'exec', netns, command, ...args], {
            env,
            cwd,
            // Its own process group, so that stopping it reaches everything it started.
            stdio: ['ignore', 'pipe', 'pipe'],
            detached: true,
          });
          const program = runningProgram(child);
          programs.push(program);
          return program;
        },
        async launchChromium() {
          // Playwright talks to Chromium over a pipe, which crosses namespaces; the browser's own
          // network is the namespace's, exactly like a browser on that computer.
          const wrapper = join(workDir, `chromium-${name}.sh`);
          await writeFile(
            wrapper,
            `#!/bin/sh\nexec ip netns exec '${netns}' '${systemChromium() ?? ''}' "$@"\n`,
          );
          await chmod(wrapper, 0o755);
          const browser = await chromium.launch({ executablePath: wrapper, args: chromiumArgs });
          browsers.push(browser);
          return browser;
        },
      };
    });

    let closing: Promise<void> | undefined;
    return {
      hosts,
      close: () =>
        (closing ??= (async () => {
          for (const browser of browsers) await browser.close().catch(() => undefined);
          await Promise.all(programs.map((program) => stop(program.process)));
          removeNamespaces();
          process.off('exit', onExit);
          await rm(workDir, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    onExit();
    process.off('exit', onExit);
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
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
async function stop(child: ChildProcess): Promise<void> {
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
