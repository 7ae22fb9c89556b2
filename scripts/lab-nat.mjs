#!/usr/bin/env node
// `npm run lab:nat [-- --pairs symmetric:full-cone,…]`: the NAT lab's matrix (e2e/nat-lab/), run
// by Playwright inside the suite's loopback-only namespace. Needs root (network namespaces) and a
// build (`npm run build`). Whatever way the run ends (done, failed, Ctrl-C, SIGTERM), the lab's
// namespaces are gone afterwards: the lab removes them itself, and this script sweeps any left by a
// run that was killed outright.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    pairs: { type: 'string' },
    rtt: { type: 'string' },
    loss: { type: 'string' },
    jitter: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run lab:nat [-- --pairs a:b,c:d] [--rtt 20,80 --loss 0,1 --jitter 0,10]\n' +
      '  behaviours: full-cone restricted-cone port-restricted-cone symmetric no-nat udp-blocked\n' +
      '  without --pairs: every unordered pair of the six, written to docs/nat-lab.md\n' +
      '  --rtt/--loss (ms, %): home A uplink delay/loss; Ferry beside a bare data channel\n' +
      '  --jitter (ms): each frame on that uplink delayed up to ± that much more or less (kept in order)\n',
  );
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  process.stderr.write('lab:nat needs root (it creates network namespaces); run it as root\n');
  process.exit(1);
}
if (!existsSync(join(repo, 'out/signaling/cli.js'))) {
  process.stderr.write('lab:nat runs the built service and web client: run `npm run build` first\n');
  process.exit(1);
}

const env = { ...process.env };
if (values.pairs) env.FERRY_LAB_NAT_PAIRS = values.pairs;
if (values.rtt) env.FERRY_LAB_NAT_RTT = values.rtt;
if (values.loss) env.FERRY_LAB_NAT_LOSS = values.loss;
if (values.jitter) env.FERRY_LAB_NAT_JITTER = values.jitter;
const child = spawn(
  'bash',
  [
    'scripts/in-loopback-netns.sh',
    'npx',
    'playwright',
    'test',
    '--config',
    'e2e/nat-lab/playwright.lab.config.ts',
  ],
  { cwd: repo, env, stdio: 'inherit' },
);

/** Namespaces of the lab (ferry-nat-<pid>-…) whose owning process is gone. */
function sweep() {
  const listed = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  for (const name of listed.split('\n').map((line) => line.split(' ')[0] ?? '')) {
    const owner = /^ferry-nat-(\d+)-/.exec(name)?.[1];
    if (owner === undefined) continue;
    try {
      process.kill(Number(owner), 0);
    } catch {
      spawnSync('ip', ['netns', 'del', name]);
    }
  }
}

// Ctrl-C reaches Playwright too (same process group); it stops the run and the lab cleans up.
// This process only waits for that, then sweeps.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (signal === 'SIGTERM') child.kill('SIGTERM');
  });
}
child.on('exit', (code, signal) => {
  sweep();
  process.exit(code ?? (signal ? 1 : 0));
});
