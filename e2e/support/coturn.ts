/**
 * A real coturn (Debian's `turnserver`) for a test: on 127.0.0.1, on a free port, with REST
 * shared-secret authentication, stopped by its PID. Installed by scripts/ensure-coturn.sh (which
 * .ci/run calls); where it is not installed, `coturnMissing()` says why and the test skips.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TURNSERVER_PATHS = ['/usr/bin/turnserver', '/usr/sbin/turnserver'];

export function turnserverPath(): string | undefined {
  return TURNSERVER_PATHS.find((path) => existsSync(path));
}

/** Undefined when coturn can run here; otherwise the reason to print when skipping. */
export function coturnMissing(): string | undefined {
  return turnserverPath() === undefined
    ? 'coturn is not installed (turnserver not found): run `bash scripts/ensure-coturn.sh` as root'
    : undefined;
}

export interface RunningCoturn {
  readonly port: number;
  /** Its TURN-over-TLS port (`turns:`), when started with a certificate. */
  readonly tlsPort?: number;
  /** Everything coturn logged so far (it logs 401 for refused credentials). */
  log(): string;
  stop(): Promise<void>;
}

/**
 * turnserver's flags for a relay listening and relaying on `address`, with REST shared-secret
 * authentication (the credentials the signaling service issues), logging to stdout.
 */
export function coturnArgs(options: {
  address: string;
  port: number;
  secret: string;
  tls?: TlsListener;
}): string[] {
  const tls = options.tls;
  return [
    '-n',
    `--listening-ip=${options.address}`,
    `--relay-ip=${options.address}`,
    `--listening-port=${options.port}`,
    '--use-auth-secret',
    `--static-auth-secret=${options.secret}`,
    '--realm=ferry.test',
    '--fingerprint',
    ...(tls
      ? [
          `--tls-listening-port=${tls.port}`,
          `--cert=${tls.certificate.certPath}`,
          `--pkey=${tls.certificate.keyPath}`,
        ]
      : ['--no-tls']),
    '--no-dtls',
    '--no-cli',
    '--no-software-attribute',
    '--log-file=stdout',
    '--simple-log',
    '--verbose',
  ];
}

/** A self-signed certificate for 127.0.0.1, made with openssl in a fresh temporary folder. */
export interface TestCertificate {
  readonly certPath: string;
  readonly keyPath: string;
}

interface TlsListener {
  readonly port: number;
  readonly certificate: TestCertificate;
}

/** Undefined when a test certificate can be made here; otherwise why not. */
export function opensslMissing(): string | undefined {
  return spawnSync('openssl', ['version']).status === 0
    ? undefined
    : 'openssl is not installed: run `bash scripts/ensure-coturn.sh` as root';
}

export async function selfSignedCertificate(): Promise<TestCertificate> {
  const folder = await mkdtemp(join(tmpdir(), 'ferry-e2e-tls-'));
  const certPath = join(folder, 'cert.pem');
  const keyPath = join(folder, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1']
      .concat(['-addext', 'subjectAltName=IP:127.0.0.1'])
      .concat(['-keyout', keyPath, '-out', certPath]),
    { stdio: 'ignore' },
  );
  return { certPath, keyPath };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A coturn on 127.0.0.1; with `certificate`, it also takes TURN over TLS on a port of its own. */
export async function startCoturn(secret: string, certificate?: TestCertificate): Promise<RunningCoturn> {
  const path = turnserverPath();
  if (path === undefined) throw new Error(coturnMissing());
  const port = await freePort();
  const tls = certificate ? { port: await freePort(), certificate } : undefined;
  // The flags FIELD-NOTES lists for loopback: listen and relay on 127.0.0.1, allow loopback peers.
  const child: ChildProcess = spawn(
    path,
    [
      ...coturnArgs({ address: '127.0.0.1', port, secret, ...(tls ? { tls } : {}) }),
      '--allow-loopback-peers',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForListening(
    port,
    () => child.exitCode !== null,
    () => output,
  );
  if (tls) {
    await waitForListening(
      tls.port,
      () => child.exitCode !== null,
      () => output,
    );
  }
  return {
    port,
    ...(tls ? { tlsPort: tls.port } : {}),
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
      await exited;
    },
  };
}

/** coturn says nothing useful on start; it is ready once its TCP listener accepts. */
async function waitForListening(port: number, hasExited: () => boolean, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (hasExited()) throw new Error(`turnserver exited at start:\n${output()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`turnserver did not listen on 127.0.0.1:${port}:\n${output()}`);
}
