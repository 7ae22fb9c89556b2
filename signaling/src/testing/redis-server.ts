/**
 * A real redis-server for tests: Debian's (installed by scripts/ensure-redis.sh), on 127.0.0.1 on a
 * free port, nothing saved to disk, stopped by its PID. Never a system-wide daemon.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

const CANDIDATES = ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'];

/** Where redis-server is, or undefined (then the tests that need it skip, saying why). */
export const REDIS_SERVER_PATH = CANDIDATES.find((candidate) => existsSync(candidate));
export const NO_REDIS_REASON = 'redis-server is not installed (scripts/ensure-redis.sh installs it)';

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  /** Stops it (SIGTERM by PID) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop`), empty. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function untilAnswers(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
      socket.once('error', () => resolve(false));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not answer within 15 s');
}

export async function startRedis(): Promise<RunningRedis> {
  if (REDIS_SERVER_PATH === undefined) throw new Error(NO_REDIS_REASON);
  const port = await freePort();
  let child: ChildProcess | undefined;

  async function launch(): Promise<void> {
    const launched = spawn(
      REDIS_SERVER_PATH as string,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    child = launched;
    await untilAnswers(port, launched);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null || running.pid === undefined) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    process.kill(running.pid, 'SIGTERM');
    await exited;
  }

  await launch();
  return { url: `redis://127.0.0.1:${port}`, port, stop, restart: launch };
}
