#!/usr/bin/env node
/**
 * `npm run bench:signaling`: pairings per second and p50/p95 pairing latency (open → join → first
 * relayed message arrives) for ONE instance, then for TWO instances on one Redis (opener on one,
 * joiner on the other), side by side in one run. Figures, not assertions.
 *
 * Everything is real and local: the built service (`node out/signaling/cli.js`, one process per
 * instance), Debian's redis-server on a free loopback port, and the load generator in processes of
 * its own, each pair of clients on its own 127.x.y.z source address so that the per-address limits
 * (which the service keeps, as deployed) do not throttle the measurement. All started processes
 * are stopped by PID at the end.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {{ child: ChildProcess, url: string }} Instance */
/** @typedef {{ rate: number, p50: number, p95: number, p99: number, failures: number }} Figures */
/** @typedef {{ latencies: number[], failures: number }} Report */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'out/signaling/cli.js');
const GENERATORS = 2;
const PAIRS_PER_GENERATOR = Number(process.env.BENCH_PAIRS ?? 50);
/** Within the per-address burst (30 opens/joins), so no pairing waits on the limiter. */
const PAIRINGS_PER_PAIR = Number(process.env.BENCH_PAIRINGS_PER_PAIR ?? 10);

/** Each load gets address blocks of its own, so no rate-limit bucket carries over. */
let runNumber = 0;

if (process.argv[2] === 'generator') await generator();
else await main();

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the signaling build first`);
  const redisPath = ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((p) => existsSync(p));
  /** @type {ChildProcess[]} */
  const started = [];
  const stopAll = async () => {
    for (const child of started.reverse()) await stop(child);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    /** @type {[string, Figures | string][]} */
    const results = [];
    {
      const one = await startInstance({}, started);
      results.push(['1 instance (memory)', await load(one, one)]);
      await stop(one.child);
    }
    if (redisPath === undefined) {
      results.push(['2 instances + Redis', 'skipped: redis-server not installed (scripts/ensure-redis.sh)']);
    } else {
      const redisPort = await freePort();
      const redis = spawn(
        redisPath,
        ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      started.push(redis);
      await untilPort(redisPort);
      const env = { REDIS_URL: `redis://127.0.0.1:${redisPort}` };
      const a = await startInstance(env, started);
      const b = await startInstance(env, started);
      results.push(['1 instance + Redis', await load(a, a)]);
      results.push(['2 instances + Redis (cross)', await load(a, b)]);
    }
    print(results);
  } finally {
    await stopAll();
  }
}

/** @param {[string, Figures | string][]} results */
function print(results) {
  const pairings = GENERATORS * PAIRS_PER_GENERATOR * PAIRINGS_PER_PAIR;
  console.log(
    `\nSignaling pairings: ${pairings} per setup, ${GENERATORS * PAIRS_PER_GENERATOR} concurrent pairs from as many address pairs, ${GENERATORS} load-generator processes`,
  );
  console.log('setup                          pairings/s   p50 ms   p95 ms   p99 ms   failures');
  for (const [name, r] of results) {
    if (typeof r === 'string') {
      console.log(`${name.padEnd(30)} ${r}`);
      continue;
    }
    console.log(
      `${name.padEnd(30)} ${r.rate.toFixed(0).padStart(10)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.failures).padStart(10)}`,
    );
  }
}

/**
 * @param {Record<string, string>} extraEnv
 * @param {ChildProcess[]} started
 * @returns {Promise<Instance>}
 */
async function startInstance(extraEnv, started) {
  const child = spawn(process.execPath, [CLI], {
    env: {
      ...process.env,
      FERRY_SIGNAL_HOST: '127.0.0.1',
      FERRY_SIGNAL_PORT: '0',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  started.push(child);
  /** @type {string} */
  const url = await new Promise((resolve, reject) => {
    let buffered = '';
    child.once('exit', (code) => reject(new Error(`signaling exited with ${code}`)));
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const match = /"url":"(http:\/\/[^"]+)"/.exec(buffered);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
  });
  child.stdout.resume();
  return { child, url };
}

/**
 * @param {Instance} openerInstance
 * @param {Instance} joinerInstance
 * @returns {Promise<Figures>}
 */
async function load(openerInstance, joinerInstance) {
  const generators = Array.from({ length: GENERATORS }, (_, index) =>
    fork(fileURLToPath(import.meta.url), ['generator'], {
      env: {
        ...process.env,
        BENCH_OPENER_URL: openerInstance.url,
        BENCH_JOINER_URL: joinerInstance.url,
        BENCH_GENERATOR: String(index),
        BENCH_RUN: String(runNumber++),
      },
    }),
  );
  const ready = generators.map((g) => new Promise((resolve) => g.once('message', resolve)));
  await Promise.all(ready);
  const startedAt = performance.now();
  /** @type {Report[]} */
  const reports = await Promise.all(
    generators.map((g) => {
      /** @type {Promise<Report>} */
      const report = new Promise((resolve) =>
        g.once('message', (message) => resolve(/** @type {Report} */ (message))),
      );
      g.send('go');
      return report;
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  await Promise.all(
    generators.map(
      (g) =>
        /** @type {Promise<void>} */ (
          new Promise((resolve) => (g.exitCode === null ? g.once('exit', () => resolve()) : resolve()))
        ),
    ),
  );
  const latencies = reports.flatMap((r) => r.latencies).sort((x, y) => x - y);
  const failures = reports.reduce((sum, r) => sum + r.failures, 0);
  const at = (/** @type {number} */ q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rate: latencies.length / elapsed, p50: at(0.5), p95: at(0.95), p99: at(0.99), failures };
}

/** One load-generator process: its pairs connect, then pair over and over when told to go. */
async function generator() {
  const { io } = await import('socket.io-client');
  const gen = Number(process.env.BENCH_GENERATOR);
  const run = Number(process.env.BENCH_RUN);
  /** @typedef {import('socket.io-client').Socket} ClientSocket */
  /**
   * @param {string} url
   * @param {string} localAddress
   * @returns {Promise<ClientSocket>}
   */
  const connect = (url, localAddress) =>
    new Promise((resolve, reject) => {
      const socket = io(url, {
        auth: { protocol: 1 },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        // engine.io-client hands it to ws in Node; socket.io-client's types leave it out.
        .../** @type {object} */ ({ localAddress }),
      });
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  const pairs = [];
  for (let n = 0; n < PAIRS_PER_GENERATOR; n++) {
    // A fresh address block per run and generator: no bucket is shared with an earlier setup.
    const base = `127.${60 + run * GENERATORS + gen}.${Math.floor(n / 100)}`;
    const opener = await connect(String(process.env.BENCH_OPENER_URL), `${base}.${(n % 100) * 2 + 1}`);
    const joiner = await connect(String(process.env.BENCH_JOINER_URL), `${base}.${(n % 100) * 2 + 2}`);
    pairs.push({ opener, joiner });
  }
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('the generator runs as a child of the bench');
  send('ready');
  await new Promise((resolve) => process.once('message', resolve));
  /** @type {number[]} */
  const latencies = [];
  let failures = 0;
  const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  await Promise.all(
    pairs.map(async ({ opener, joiner }) => {
      for (let i = 0; i < PAIRINGS_PER_PAIR; i++) {
        const t0 = performance.now();
        try {
          const opened = await opener.timeout(10_000).emitWithAck('pair:open', {});
          if (!opened.ok) throw new Error(opened.error.code);
          const peerJoined = new Promise((resolve) => opener.once('pair:peer-joined', resolve));
          const joined = await joiner
            .timeout(10_000)
            .emitWithAck('pair:join', { nameplate: opened.value.nameplate });
          if (!joined.ok) throw new Error(joined.error.code);
          await peerJoined;
          const relayed = new Promise((resolve) => joiner.once('signal:relay', resolve));
          const sent = await opener.timeout(10_000).emitWithAck('signal:relay', { data: offer });
          if (!sent.ok) throw new Error(sent.error.code);
          await relayed;
          latencies.push(performance.now() - t0);
        } catch {
          failures++;
        }
        await opener
          .timeout(10_000)
          .emitWithAck('pair:leave', {})
          .catch(() => undefined);
        await joiner
          .timeout(10_000)
          .emitWithAck('pair:leave', {})
          .catch(() => undefined);
      }
    }),
  );
  for (const { opener, joiner } of pairs) {
    opener.close();
    joiner.close();
  }
  send({ latencies, failures });
  process.disconnect();
}

/** @returns {Promise<number>} */
async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** @param {number} port */
async function untilPort(port) {
  for (let i = 0; i < 300; i++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** @param {ChildProcess} child */
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(
    () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'),
    10_000,
  );
  await exited;
  clearTimeout(timer);
}
