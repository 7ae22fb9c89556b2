#!/usr/bin/env node
/**
 * `npm run bench:signaling`: first the memory one instance holds for many idle clients (RSS before
 * and after BENCH_IDLE_SOCKETS, default 10,000, connect), then pairings per second and p50/p95/p99
 * pairing latency (open → join → first relayed message arrives) for ONE instance, then for TWO
 * instances on one Redis (opener on one, joiner on the other), side by side in one run: closed loop
 * (as fast as answers come) and, for the issue's target, paced ("open loop") at
 * BENCH_SUSTAINED_RATE (1,000/s) for BENCH_SUSTAINED_SECONDS (20 s). Figures, not assertions; the
 * issue's targets are printed beside them.
 *
 * Beside each figure, what explains it: the CPU each process used during that load (each
 * instance, Redis, the load generators, everything else on the machine) and, on Redis, the commands
 * per pairing (from INFO commandstats). With BENCH_BASELINE=<git revision> the Redis setups also run
 * on that revision's service (built into a temporary folder), so before and after come from one run
 * on one machine state.
 *
 * Everything is real and local: the built service (`node out/signaling/cli.js`, one process per
 * instance), Debian's redis-server on a free loopback port, and the load generator in processes of
 * its own, each pair of clients on its own 127.x.y.z source address so that the per-address limits
 * (which the service keeps, as deployed) do not throttle the measurement. All started processes
 * are stopped by PID at the end.
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */
/** @typedef {{ child: ChildProcess, url: string }} Instance */
/** @typedef {{ pairs: number, pairingsPerPair: number, rate: number }} LoadShape */
/**
 * @typedef {{
 *   rate: number, p50: number, p95: number, p99: number, pairings: number, failures: number,
 *   failureCodes: Record<string, number>, seconds: number, cpu: CpuShares,
 *   redis: RedisCounts | undefined,
 * }} Figures
 */
/** @typedef {{ latencies: number[], failures: number, failureCodes: Record<string, number>, cpuSeconds: number }} Report */
/**
 * Shares of one core (1.0 = one core busy the whole load) of each part, and of the whole machine.
 * @typedef {{ instances: number[], redis: number | undefined, generators: number, bench: number, machine: number, cores: number }} CpuShares
 */
/** @typedef {{ perPairing: number, byCommand: [string, number][], usecPerPairing: number }} RedisCounts */
/** @typedef {{ port: number, child: ChildProcess }} RedisServer */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'out/signaling/cli.js');
const GENERATORS = 2;
/** Closed loop: concurrent pairs per generator, each pairing over and over. */
const PAIRS_PER_GENERATOR = Number(process.env.BENCH_PAIRS ?? 50);
/**
 * Within the per-address burst (30 opens/joins), so no pairing waits on the limiter: an honest
 * client is never refused, and one that is shows up as a failure.
 */
const PAIRINGS_PER_PAIR = Number(process.env.BENCH_PAIRINGS_PER_PAIR ?? 25);
const SUSTAINED_RATE = Number(process.env.BENCH_SUSTAINED_RATE ?? 1000);
const SUSTAINED_SECONDS = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 20);
const IDLE_SOCKETS = Number(process.env.BENCH_IDLE_SOCKETS ?? 10_000);
/** Under the per-address session cap (32), as a crowd behind many addresses would be. */
const IDLE_SOCKETS_PER_ADDRESS = 20;
const IDLE_GENERATORS = 4;
/** Extra node options for each service instance, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const INSTANCE_NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
const CLOCK_TICKS_PER_SECOND = 100;

/** Each load gets address blocks of its own, so no rate-limit bucket carries over. */
let runNumber = 0;

if (process.argv[2] === 'generator') await generator();
else if (process.argv[2] === 'idle') await idleGenerator();
else await main();

async function main() {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the signaling build first`);
  const redisPath = ['/usr/bin/redis-server', '/usr/sbin/redis-server'].find((p) => existsSync(p));
  const baseline = process.env.BENCH_BASELINE;
  const baselineCli = baseline === undefined || baseline === '' ? undefined : buildRevision(baseline);
  /** @type {ChildProcess[]} */
  const started = [];
  const stopAll = async () => {
    for (const child of started.reverse()) await stop(child);
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const closed = { pairs: PAIRS_PER_GENERATOR, pairingsPerPair: PAIRINGS_PER_PAIR, rate: 0 };
  const sustainedPairings = SUSTAINED_RATE * SUSTAINED_SECONDS;
  const sustainedPairs = Math.ceil(sustainedPairings / GENERATORS / PAIRINGS_PER_PAIR);
  const sustained = {
    pairs: sustainedPairs,
    pairingsPerPair: Math.ceil(sustainedPairings / GENERATORS / sustainedPairs),
    rate: SUSTAINED_RATE,
  };
  try {
    /** @type {[string, Figures | string][]} */
    const results = [];
    if (IDLE_SOCKETS > 0) {
      const idle = await startInstance(CLI, {}, started);
      printIdle(await holdIdleSockets(idle));
      await stop(idle.child);
    }
    {
      const one = await startInstance(CLI, {}, started);
      // A short warm-up so that the first figure is not the JIT's.
      await load([one], one, one, { pairs: 20, pairingsPerPair: 5, rate: 0 });
      results.push(['1 instance (memory)', await load([one], one, one, closed)]);
      results.push([
        '1 instance, paced 200/s',
        await load([one], one, one, { pairs: PAIRS_PER_GENERATOR, pairingsPerPair: 10, rate: 200 }),
      ]);
      await stop(one.child);
    }
    if (redisPath === undefined) {
      results.push(['2 instances + Redis', 'skipped: redis-server not installed (scripts/ensure-redis.sh)']);
    } else {
      /** @type {[string, string][]} */
      const builds =
        baselineCli === undefined
          ? [['', CLI]]
          : [
              [`before ${baseline} `, baselineCli],
              ['after ', CLI],
            ];
      for (const [label, cli] of builds) {
        const redis = await startRedis(redisPath, started);
        const env = { REDIS_URL: `redis://127.0.0.1:${redis.port}` };
        const a = await startInstance(cli, env, started);
        const b = await startInstance(cli, env, started);
        await load([a, b], a, b, { pairs: 20, pairingsPerPair: 5, rate: 0 }, redis);
        results.push([`${label}1 instance + Redis`, await load([a, b], a, a, closed, redis)]);
        results.push([`${label}2 instances + Redis (cross)`, await load([a, b], a, b, closed, redis)]);
        results.push([
          `${label}2 inst. cross, paced ${SUSTAINED_RATE}/s ${SUSTAINED_SECONDS} s`,
          await load([a, b], a, b, sustained, redis),
        ]);
        for (const child of [b.child, a.child, redis.child]) await stop(child);
      }
    }
    print(results);
  } finally {
    await stopAll();
  }
}

/**
 * Builds the signaling service of git revision `revision` into a folder of its own (kept between
 * runs) and returns its cli.js. Uses this checkout's node_modules, so dependencies are today's.
 * @param {string} revision
 * @returns {string}
 */
function buildRevision(revision) {
  const commit = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', `${revision}^{commit}`], {
    encoding: 'utf8',
  }).trim();
  const dir = path.join(os.tmpdir(), `ferry-bench-signaling-${commit}`);
  const cli = path.join(dir, 'out/signaling/cli.js');
  if (existsSync(cli)) return cli;
  mkdirSync(dir, { recursive: true });
  execFileSync('bash', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'archive', ROOT, commit, dir], {
    stdio: 'inherit',
  });
  if (!existsSync(path.join(dir, 'node_modules'))) {
    symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
  }
  execFileSync(
    path.join(ROOT, 'node_modules/.bin/vite'),
    ['build', '--logLevel', 'warn', '--config', 'signaling/vite.config.ts'],
    { cwd: dir, stdio: 'inherit' },
  );
  console.log(`baseline: ${revision} (${commit}) built in ${dir}`);
  return cli;
}

/**
 * @param {string} redisPath
 * @param {ChildProcess[]} started
 * @returns {Promise<RedisServer>}
 */
async function startRedis(redisPath, started) {
  const port = await freePort();
  const child = spawn(
    redisPath,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  started.push(child);
  await untilPort(port);
  return { port, child };
}

/**
 * Calls and microseconds per Redis command so far.
 * @param {RedisServer} redis
 * @returns {Map<string, { calls: number, usec: number }>}
 */
function redisCommandStats(redis) {
  const text = execFileSync('redis-cli', ['-p', String(redis.port), 'INFO', 'commandstats'], {
    encoding: 'utf8',
  });
  /** @type {Map<string, { calls: number, usec: number }>} */
  const stats = new Map();
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    stats.set(String(match[1]), { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/**
 * @param {Map<string, { calls: number, usec: number }>} before
 * @param {Map<string, { calls: number, usec: number }>} after
 * @param {number} pairings
 * @returns {RedisCounts}
 */
function redisCounts(before, after, pairings) {
  /** @type {[string, number][]} */
  const byCommand = [];
  let calls = 0;
  let usec = 0;
  for (const [command, now] of after) {
    if (command === 'info') continue;
    const then = before.get(command) ?? { calls: 0, usec: 0 };
    const delta = now.calls - then.calls;
    if (delta === 0) continue;
    byCommand.push([command, delta / pairings]);
    calls += delta;
    usec += now.usec - then.usec;
  }
  byCommand.sort((x, y) => y[1] - x[1]);
  return { perPairing: calls / pairings, byCommand, usecPerPairing: usec / pairings };
}

/**
 * CPU seconds (user + system) a process has used so far.
 * @param {number | undefined} pid
 */
function cpuSecondsOf(pid) {
  if (pid === undefined) return 0;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Busy CPU seconds of the whole machine so far (every process, this bench's and others'). */
function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, n) => sum + n, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return (total - idle) / CLOCK_TICKS_PER_SECOND;
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
  const width = Math.max(30, ...results.map(([name]) => name.length + 1));
  console.log(
    `\nSignaling pairings (open → join → first relayed message → both leave), ${GENERATORS} load-generator processes, ` +
      'each pair of clients on its own two source addresses',
  );
  console.log(`${'setup'.padEnd(width)} pairings   pairings/s   p50 ms   p95 ms   p99 ms   failed (codes)`);
  for (const [name, r] of results) {
    if (typeof r === 'string') {
      console.log(`${name.padEnd(width)} ${r}`);
      continue;
    }
    const codes = Object.entries(r.failureCodes)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    console.log(
      `${name.padEnd(width)} ${String(r.pairings).padStart(8)} ${r.rate.toFixed(0).padStart(12)} ${r.p50.toFixed(1).padStart(8)} ${r.p95.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}   ${r.failures}${codes === '' ? '' : ` (${codes})`}`,
    );
  }
  console.log(
    `\nWhere the CPU went, in milliseconds of CPU per pairing (user + system, from /proc; less contention-prone than`,
    `\npairings/s while other work shares the machine), and what Redis was asked per pairing (INFO commandstats:`,
    '\nevalsha = one script call from an instance, publish = one socket.io adapter message; "all" counts the',
    '\ncommands the scripts run inside Redis too). "other" is the rest of the machine (other processes, in cores).',
    `\n"if alone": pairings/s these CPU costs allow on ${os.availableParallelism()} otherwise idle cores, with the generators / for the service alone.`,
  );
  console.log(
    `${'setup'.padEnd(width)} instance(s) ms   Redis ms   generators ms   other cores   if alone: with gen. / service   Redis per pairing: all, evalsha, publish`,
  );
  for (const [name, r] of results) {
    if (typeof r === 'string') continue;
    const { cpu } = r;
    const completed = Math.max(1, r.rate);
    const ms = (/** @type {number} */ cores) => (cores / completed) * 1000;
    const instancesMs = cpu.instances.map(ms);
    const serviceMs = instancesMs.reduce((sum, n) => sum + n, 0) + ms(cpu.redis ?? 0);
    const withGenerators = serviceMs + ms(cpu.generators);
    const other = Math.max(
      0,
      cpu.machine -
        cpu.instances.reduce((sum, n) => sum + n, 0) -
        (cpu.redis ?? 0) -
        cpu.generators -
        cpu.bench,
    );
    const count = (/** @type {string} */ command) =>
      (r.redis?.byCommand.find(([c]) => c === command)?.[1] ?? 0).toFixed(2);
    const redis =
      r.redis === undefined
        ? '-'
        : `${r.redis.perPairing.toFixed(1)}, ${count('evalsha')}, ${count('publish')} (${r.redis.usecPerPairing.toFixed(0)} µs in Redis)`;
    console.log(
      `${name.padEnd(width)} ${instancesMs
        .map((n) => n.toFixed(2))
        .join('+')
        .padStart(
          14,
        )} ${(cpu.redis === undefined ? '-' : ms(cpu.redis).toFixed(2)).padStart(10)} ${ms(cpu.generators).toFixed(2).padStart(15)} ${other.toFixed(2).padStart(13)} ${`${((cpu.cores * 1000) / withGenerators).toFixed(0)} / ${((cpu.cores * 1000) / serviceMs).toFixed(0)}`.padStart(31)}   ${redis}`,
    );
  }
  console.log(
    '\ntargets: p99 under 50 ms at 200 pairings/s on one instance; 1,000 pairings/s across two instances with no refusal.' +
      '\n(The load generators share the machine with the service: the "generators" column is CPU the service could not use.)',
  );
}

/**
 * @param {string} cli
 * @param {Record<string, string>} extraEnv
 * @param {ChildProcess[]} started
 * @returns {Promise<Instance>}
 */
async function startInstance(cli, extraEnv, started) {
  const child = spawn(process.execPath, [...INSTANCE_NODE_ARGS, cli], {
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
 * @param {Instance[]} instances every instance running (for their CPU figures)
 * @param {Instance} openerInstance
 * @param {Instance} joinerInstance
 * @param {LoadShape} shape per generator: pairs, pairings each pair makes; rate: pairings per second
 *   in all to pace at, 0: as fast as the service answers
 * @param {RedisServer} [redis]
 * @returns {Promise<Figures>}
 */
async function load(instances, openerInstance, joinerInstance, shape, redis) {
  const generators = Array.from({ length: GENERATORS }, (_, index) =>
    fork(fileURLToPath(import.meta.url), ['generator'], {
      env: {
        ...process.env,
        BENCH_OPENER_URL: openerInstance.url,
        BENCH_JOINER_URL: joinerInstance.url,
        BENCH_GENERATOR: String(index),
        BENCH_RUN: String(runNumber++),
        BENCH_RATE: String(shape.rate),
        BENCH_PAIRS: String(shape.pairs),
        BENCH_PAIRINGS_PER_PAIR: String(shape.pairingsPerPair),
      },
    }),
  );
  const ready = generators.map((g) => new Promise((resolve) => g.once('message', resolve)));
  await Promise.all(ready);
  const redisBefore = redis === undefined ? undefined : redisCommandStats(redis);
  const instancesBefore = instances.map((i) => cpuSecondsOf(i.child.pid));
  const redisCpuBefore = redis === undefined ? 0 : cpuSecondsOf(redis.child.pid);
  const machineBefore = machineBusySeconds();
  const benchBefore = process.cpuUsage();
  const startedAt = performance.now();
  /** @type {Report[]} */
  const reports = await Promise.all(
    generators.map((g) => {
      /** @type {Promise<Report>} */
      const report = new Promise((resolve) => {
        g.once('message', (message) => resolve(/** @type {Report} */ (message)));
        // A generator that dies without reporting is a failure in the table, not a bench that hangs.
        g.once('exit', (code, signal) =>
          resolve({
            latencies: [],
            failures: 0,
            failureCodes: { [`generator exited (${code ?? signal}) without a report`]: 1 },
            cpuSeconds: 0,
          }),
        );
      });
      g.send('go');
      return report;
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  const benchUsage = process.cpuUsage(benchBefore);
  const cpu = {
    instances: instances.map((i, n) => (cpuSecondsOf(i.child.pid) - (instancesBefore[n] ?? 0)) / elapsed),
    redis: redis === undefined ? undefined : (cpuSecondsOf(redis.child.pid) - redisCpuBefore) / elapsed,
    generators: reports.reduce((sum, r) => sum + r.cpuSeconds, 0) / elapsed,
    bench: (benchUsage.user + benchUsage.system) / 1e6 / elapsed,
    machine: (machineBusySeconds() - machineBefore) / elapsed,
    cores: os.availableParallelism(),
  };
  const redisAfter = redis === undefined ? undefined : redisCommandStats(redis);
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
  /** @type {Record<string, number>} */
  const failureCodes = {};
  for (const r of reports) {
    for (const [code, n] of Object.entries(r.failureCodes))
      failureCodes[code] = (failureCodes[code] ?? 0) + n;
  }
  const at = (/** @type {number} */ q) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const pairings = latencies.length + failures;
  return {
    rate: latencies.length / elapsed,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    pairings,
    failures,
    failureCodes,
    seconds: elapsed,
    cpu,
    redis:
      redisBefore === undefined || redisAfter === undefined
        ? undefined
        : redisCounts(redisBefore, redisAfter, Math.max(1, pairings)),
  };
}

/** One load-generator process: its pairs connect, then pair over and over when told to go. */
async function generator() {
  const { io } = await import('socket.io-client');
  const gen = Number(process.env.BENCH_GENERATOR);
  const run = Number(process.env.BENCH_RUN);
  const pairCount = Number(process.env.BENCH_PAIRS);
  const pairingsPerPair = Number(process.env.BENCH_PAIRINGS_PER_PAIR);
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
  /** @type {{ opener: ClientSocket, joiner: ClientSocket }[]} */
  const pairs = [];
  // A few dozen handshakes at a time: quick, without a burst that trips connect timeouts.
  for (let first = 0; first < pairCount; first += 50) {
    const batch = Array.from({ length: Math.min(50, pairCount - first) }, async (_, i) => {
      const n = first + i;
      // A fresh address block per run and generator: no bucket is shared with an earlier setup.
      const base = `127.${60 + run * GENERATORS + gen}.${Math.floor(n / 100)}`;
      const opener = await connect(String(process.env.BENCH_OPENER_URL), `${base}.${(n % 100) * 2 + 1}`);
      const joiner = await connect(String(process.env.BENCH_JOINER_URL), `${base}.${(n % 100) * 2 + 2}`);
      return { opener, joiner };
    });
    pairs.push(...(await Promise.all(batch)));
  }
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('the generator runs as a child of the bench');
  send('ready');
  await new Promise((resolve) => process.once('message', resolve));
  const cpuAtGo = process.cpuUsage();
  const goAt = performance.now();
  const ratePerGenerator = Number(process.env.BENCH_RATE ?? 0) / GENERATORS;
  /** @type {number[]} */
  const latencies = [];
  let failures = 0;
  /** @type {Record<string, number>} */
  const failureCodes = {};
  const offer = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  /**
   * An event that never comes is a failure, not a bench that waits forever.
   * @param {ClientSocket} socket
   * @param {'pair:peer-joined' | 'signal:relay'} event
   */
  const nextOf = (socket, event) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off(event, onEvent);
        reject(new Error(`no ${event}`));
      }, 10_000);
      const onEvent = () => {
        clearTimeout(timer);
        resolve(undefined);
      };
      socket.once(event, onEvent);
    });
  await Promise.all(
    pairs.map(async ({ opener, joiner }, k) => {
      for (let i = 0; i < pairingsPerPair; i++) {
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
          const peerJoined = nextOf(opener, 'pair:peer-joined');
          peerJoined.catch(() => undefined);
          const joined = await joiner
            .timeout(10_000)
            .emitWithAck('pair:join', { nameplate: opened.value.nameplate });
          if (!joined.ok) throw new Error(joined.error.code);
          await peerJoined;
          const relayed = nextOf(joiner, 'signal:relay');
          relayed.catch(() => undefined);
          const sent = await opener.timeout(10_000).emitWithAck('signal:relay', { data: offer });
          if (!sent.ok) throw new Error(sent.error.code);
          await relayed;
          latencies.push(performance.now() - t0);
        } catch (error) {
          failures++;
          const code = error instanceof Error ? error.message.slice(0, 40) : 'unknown';
          failureCodes[code] = (failureCodes[code] ?? 0) + 1;
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
  const cpu = process.cpuUsage(cpuAtGo);
  for (const { opener, joiner } of pairs) {
    opener.close();
    joiner.close();
  }
  // A report of 10,000 latencies is a large message: let it go out before the channel closes
  // (disconnecting at once lost it, and the bench waited for it forever).
  send({ latencies, failures, failureCodes, cpuSeconds: (cpu.user + cpu.system) / 1e6 }, undefined, {}, () =>
    process.disconnect(),
  );
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
