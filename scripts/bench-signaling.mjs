#!/usr/bin/env node
/**
 * `npm run bench:signaling`: first the memory one instance holds for many idle clients (RSS before
 * and after BENCH_IDLE_SOCKETS, default 10,000, connect), then pairings per second and p50/p95/p99
 * pairing latency (open → join → first relayed message arrives) for ONE instance, then for TWO
 * instances on one Redis (opener on one, joiner on the other), side by side in one run. Figures,
 * not assertions; the targets are printed beside them.
 *
 * Everything is real and local: the built service (`node out/signaling/cli.js`, one process per
 * instance), Debian's redis-server on a free loopback port, and the load generator in processes of
 * its own, each pair of clients on its own 127.x.y.z source address so that the per-address limits
 * (which the service keeps, as deployed) do not throttle the measurement. All started processes
 * are stopped by PID at the end.
 */
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
/** Under the per-address session cap (32), as a crowd behind many addresses would be. */
const IDLE_SOCKETS_PER_ADDRESS = 20;
const IDLE_GENERATORS = 4;

/** Each load gets address blocks of its own, so no rate-limit bucket carries over. */
let runNumber = 0;

if (process.argv[2] === 'generator') await generator();
else if (process.argv[2] === 'idle') await idleGenerator();
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
      const idle = await startInstance({}, started);
      printIdle(await holdIdleSockets(idle));
      await stop(idle.child);
    }
    {
      const one = await startInstance({}, started);
      results.push(['1 instance (memory)', await load(one, one)]);
      results.push(['1 instance, paced 200/s', await load(one, one, 200)]);
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

/**
 * @param {Instance} instance
 * @returns {Promise<{ sockets: number, before: number, after: number }>}
 */
async function holdIdleSockets(instance) {
  const before = rssBytes(instance.child);
  const generators = Array.from({ length: IDLE_GENERATORS }, (_, index) =>
    fork(fileURLToPath(import.meta.url), ['idle'], {
      env: {
        ...process.env,
        BENCH_URL: instance.url,
        BENCH_GENERATOR: String(index),
        BENCH_COUNT: String(Math.ceil(IDLE_SOCKETS / IDLE_GENERATORS)),
      },
    }),
  );
  /** @type {number[]} */
  const held = await Promise.all(
    generators.map((g) => new Promise((resolve) => g.once('message', (count) => resolve(Number(count))))),
  );
  // Let the service settle (handshakes done, buffers released) before reading its memory.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const after = rssBytes(instance.child);
  for (const g of generators) g.send('done');
  await Promise.all(
    generators.map(
      (g) =>
        /** @type {Promise<void>} */ (
          new Promise((resolve) => (g.exitCode === null ? g.once('exit', () => resolve()) : resolve()))
        ),
    ),
  );
  return { sockets: held.reduce((sum, n) => sum + n, 0), before, after };
}

/** @param {ChildProcess} child */
function rssBytes(child) {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no RSS for process ${child.pid}`);
  return Number(kib) * 1024;
}

/** @param {{ sockets: number, before: number, after: number }} idle */
function printIdle({ sockets, before, after }) {
  const mib = (/** @type {number} */ bytes) => (bytes / 1024 / 1024).toFixed(0);
  const perSocket = sockets === 0 ? NaN : (after - before) / sockets / 1024;
  console.log(
    `\nIdle clients on one instance: ${sockets} sockets held; RSS ${mib(before)} MiB → ${mib(after)} MiB ` +
      `(${perSocket.toFixed(1)} KiB per socket); target: 10,000 sockets under 1,024 MiB → ` +
      `${((after / (1024 * 1024 * 1024)) * (10_000 / Math.max(sockets, 1))).toFixed(2)} of the budget at 10,000`,
  );
}

/** An idle-load process: holds BENCH_COUNT connected sockets, spread over many source addresses. */
async function idleGenerator() {
  const { io } = await import('socket.io-client');
  const gen = Number(process.env.BENCH_GENERATOR);
  const count = Number(process.env.BENCH_COUNT);
  const protocol = await protocolOf(String(process.env.BENCH_URL));
  /** @type {import('socket.io-client').Socket[]} */
  const sockets = [];
  const connectOne = (/** @type {number} */ n) =>
    new Promise((resolve) => {
      const address = Math.floor(n / IDLE_SOCKETS_PER_ADDRESS);
      const socket = io(String(process.env.BENCH_URL), {
        auth: { protocol },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        .../** @type {object} */ ({
          localAddress: `127.${200 + gen}.${Math.floor(address / 250)}.${(address % 250) + 1}`,
        }),
      });
      socket.once('connect', () => {
        sockets.push(socket);
        resolve(undefined);
      });
      socket.once('connect_error', () => resolve(undefined));
    });
  // A few hundred handshakes at a time: a crowd arriving, not one burst that trips connect timeouts.
  for (let n = 0; n < count; n += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count - n) }, (_, i) => connectOne(n + i)));
  }
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('the generator runs as a child of the bench');
  send(sockets.length);
  await new Promise((resolve) => process.once('message', resolve));
  for (const socket of sockets) socket.close();
  process.disconnect();
}

/**
 * The signaling protocol the service speaks (its /healthz says), so the bench follows the service.
 * @param {string} url
 * @returns {Promise<number>}
 */
async function protocolOf(url) {
  const health = /** @type {{ protocol?: unknown }} */ (await (await fetch(`${url}/healthz`)).json());
  if (typeof health.protocol !== 'number') throw new Error('the service did not say its protocol');
  return health.protocol;
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
  console.log(
    'targets: p99 under 50 ms at 200 pairings/s on one instance; 1,000 pairings/s across two instances with no refusal.' +
      '\n(The load generator shares the machine with the service: on 2 cores these figures are a floor, not the service alone.)',
  );
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
 * @param {number} [rate] pairings per second to pace at; 0: as fast as the service answers
 * @returns {Promise<Figures>}
 */
async function load(openerInstance, joinerInstance, rate = 0) {
  const generators = Array.from({ length: GENERATORS }, (_, index) =>
    fork(fileURLToPath(import.meta.url), ['generator'], {
      env: {
        ...process.env,
        BENCH_OPENER_URL: openerInstance.url,
        BENCH_JOINER_URL: joinerInstance.url,
        BENCH_GENERATOR: String(index),
        BENCH_RUN: String(runNumber++),
        BENCH_RATE: String(rate),
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
  const protocol = await protocolOf(String(process.env.BENCH_OPENER_URL));
  /** @typedef {import('socket.io-client').Socket} ClientSocket */
  /**
   * @param {string} url
   * @param {string} localAddress
   * @returns {Promise<ClientSocket>}
   */
  const connect = (url, localAddress) =>
    new Promise((resolve, reject) => {
      const socket = io(url, {
        auth: { protocol },
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
  const goAt = performance.now();
  const ratePerGenerator = Number(process.env.BENCH_RATE ?? 0) / GENERATORS;
  /** @type {number[]} */
  const latencies = [];
  let failures = 0;
  const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  await Promise.all(
    pairs.map(async ({ opener, joiner }, k) => {
      for (let i = 0; i < PAIRINGS_PER_PAIR; i++) {
        let t0 = performance.now();
        if (ratePerGenerator > 0) {
          // Paced (open loop): each pairing has its slot, and a late start counts in its latency,
          // so a slow service cannot hide behind a generator that waits for it.
          const slot = goAt + ((i * pairs.length + k) / ratePerGenerator) * 1000;
          if (slot > t0) await new Promise((resolve) => setTimeout(resolve, slot - t0));
          t0 = slot;
        }
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
