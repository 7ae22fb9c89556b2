/**
 * The README's run command, as a new user runs it: `npm start` on a machine without the Electron
 * binary (as here) builds Ferry and runs the desktop's services headless, serving the browser
 * client. Two browsers pair through it and chat, and Ctrl+C stops it cleanly. This is the command
 * that once failed from a fresh clone without any test noticing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { conversation, expect, openAdaAndBob, pair, sendChat, test } from './support/fixtures';

const REPO = resolve(import.meta.dirname, '..');
const URL_ON_THIS_MACHINE = 'http://127.0.0.1:47100';

async function healthy(): Promise<boolean> {
  try {
    return (await fetch(`${URL_ON_THIS_MACHINE}/healthz`)).ok;
  } catch {
    return false;
  }
}

/** Signals npm and everything it started, as Ctrl+C in a terminal does; quiet if all are gone. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid ?? 0), signal);
  } catch {
    // ESRCH: the whole group has exited already.
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else child.once('exit', (code) => done(code));
  });
}

test('`npm start` without the Electron binary serves Ferry; two browsers pair and chat; Ctrl+C stops it', async ({
  browser,
}) => {
  // Building takes most of this: ~20 s on an idle machine, minutes on a very busy one.
  test.setTimeout(660_000);
  test.skip(await healthy(), 'port 47100 is taken here (run the suite in its own network namespace)');
  const home = await mkdtemp(join(tmpdir(), 'ferry-start-'));
  let output = '';
  const start = spawn('npm', ['start'], {
    cwd: REPO,
    // Its own process group, so that Ctrl+C reaches npm and everything it started, as in a terminal.
    detached: true,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const deadline = Date.now() + 600_000;
    while (!(await healthy())) {
      if (start.exitCode !== null || Date.now() > deadline) {
        throw new Error(`npm start did not come up (exit code ${start.exitCode}):\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(output).toContain(`Open ${URL_ON_THIS_MACHINE} in a browser on this computer.`);

    const { ada, bob } = await openAdaAndBob(browser, URL_ON_THIS_MACHINE);
    await pair(ada, bob);
    await sendChat(ada, bob, 'Started with npm start');
    await expect(conversation(bob, ada).getByText('Started with npm start')).toBeVisible();
    await sendChat(bob, ada, 'Works here too');
    await expect(conversation(ada, bob).getByText('Works here too')).toBeVisible();
    await ada.context.close();
    await bob.context.close();

    signalGroup(start, 'SIGINT');
    await exited(start);
    expect(output).toContain('Ferry stopped.');
    expect(output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace anywhere
    expect(await healthy()).toBe(false);
  } finally {
    if (start.exitCode === null) signalGroup(start, 'SIGKILL');
    await rm(home, { recursive: true, force: true });
  }
});
