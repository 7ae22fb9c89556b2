/**
 * Test support for file transfers: gives a browser peer the desktop app's real receive-folder
 * services (electron/main/services/files), running in the test process on a temporary folder, so
 * received files are written, hashed and renamed on a real disk and the test can hash them there.
 *
 * The seam is small on purpose: Playwright exposes one binding per receive function, and an init
 * script puts them together as `window.ferryTestFiles`, which the web host uses instead of OPFS
 * when it is present (renderer/src/host/web-host.ts, `testFiles`).
 */
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { ReceiveBegin, ReceiveKey } from '../contracts/file-ipc';
import {
  createReceiveFolder,
  type ReceiveFileSystem,
  type ReceiveFolder,
} from '../electron/main/services/files/receive-folder';
import { createSendSources } from '../electron/main/services/files/send-sources';
import { openResumeRegistry } from '../electron/main/services/files/resume-registry';
import { expect, type Peer } from './support/fixtures';

const silentLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export interface ReceiveFolderSeam {
  /** Where received files land. */
  readonly folder: string;
  readonly service: ReceiveFolder;
  /** Bytes written through the seam so far (resume tests compare before and after). */
  bytesWritten(): number;
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(join(tmpdir(), prefix));
}

export interface ReceiveFolderFaults {
  /**
   * The disk fails once, with this errno (ENOSPC: full, EACCES: no permission), at the first write
   * that would take what was written past `afterBytes`; later writes succeed (the problem was fixed).
   */
  readonly failOnce?: { readonly afterBytes: number; readonly errno: 'ENOSPC' | 'EACCES' };
}

/** node:fs/promises, with file handles whose writes fail once as `faults` says. */
function faultyFileSystem(faults: ReceiveFolderFaults): ReceiveFileSystem {
  const failOnce = faults.failOnce;
  if (!failOnce) return fs;
  let written = 0;
  let failed = false;
  return {
    ...fs,
    open: (async (...args: Parameters<typeof fs.open>) => {
      const handle = await fs.open(...args);
      const write = handle.write.bind(handle) as (
        ...writeArgs: unknown[]
      ) => Promise<{ bytesWritten: number }>;
      Object.assign(handle, {
        write: async (...writeArgs: unknown[]) => {
          const length = typeof writeArgs[2] === 'number' ? writeArgs[2] : 0;
          if (!failed && written + length > failOnce.afterBytes) {
            failed = true;
            throw Object.assign(new Error(`${failOnce.errno}: injected by the test`), {
              code: failOnce.errno,
            });
          }
          const result = await write(...writeArgs);
          written += result.bytesWritten;
          return result;
        },
      });
      return handle;
    }) as typeof fs.open,
  };
}

/** Gives `peer` the real receive folder and reloads its page so the web host picks it up. */
export async function installReceiveFolder(
  peer: Peer,
  base: string,
  faults: ReceiveFolderFaults = {},
): Promise<ReceiveFolderSeam> {
  const folder = join(base, 'Ferry');
  const service = createReceiveFolder({
    folder: () => folder,
    registry: await openResumeRegistry(join(base, 'receive-resume.log'), fs),
    logger: silentLogger,
    fs: faultyFileSystem(faults),
  });
  let written = 0;
  const context: BrowserContext = peer.context;
  await context.exposeBinding('__ferryReceiveStatus', (_source, key: ReceiveKey) => service.status(key));
  await context.exposeBinding('__ferryReceiveBegin', (_source, request: ReceiveBegin) =>
    service.begin(request),
  );
  await context.exposeBinding(
    '__ferryReceiveWrite',
    async (_source, fileId: string, offset: number, base64: string) => {
      const bytes = Buffer.from(base64, 'base64');
      const result = await service.write(fileId, offset, bytes);
      if (result.ok) written += bytes.byteLength;
      return result;
    },
  );
  await context.exposeBinding('__ferryReceiveFinish', (_source, fileId: string, sha256: string) =>
    service.finish(fileId, sha256),
  );
  await context.exposeBinding('__ferryReceiveAbort', (_source, fileId: string, keep: boolean) =>
    service.abort(fileId, keep),
  );
  await context.exposeBinding('__ferryReceiveForget', (_source, key: ReceiveKey, discard: boolean) =>
    service.forget(key, discard),
  );
  await context.addInitScript(() => {
    type Binding = (...args: unknown[]) => Promise<unknown>;
    const scope = window as unknown as Record<string, Binding>;
    const call =
      (name: string) =>
      (...args: unknown[]) =>
        (scope[name] as Binding)(...args);
    // Bindings carry JSON: chunks travel as base64 (CDP has no binary argument type).
    const toBase64 = (bytes: Uint8Array) => {
      let text = '';
      for (let i = 0; i < bytes.byteLength; i += 0x8000) {
        text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(text);
    };
    Object.defineProperty(window, 'ferryTestFiles', {
      value: {
        receiveStatus: call('__ferryReceiveStatus'),
        receiveBegin: call('__ferryReceiveBegin'),
        receiveWrite: (fileId: string, offset: number, bytes: Uint8Array) =>
          call('__ferryReceiveWrite')(fileId, offset, toBase64(bytes)),
        receiveFinish: call('__ferryReceiveFinish'),
        receiveAbort: call('__ferryReceiveAbort'),
        receiveForget: call('__ferryReceiveForget'),
      },
    });
  });
  await peer.page.reload();
  await expect(peer.page.getByText(`This device: ${peer.name}`)).toBeVisible();
  return { folder, service, bytesWritten: () => written };
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file under `dir`, relative and '/'-separated, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string) => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  await walk(dir).catch(() => undefined);
  return out.sort();
}

/** Deterministic bytes of any size, written in pieces (no big buffers in the test process). */
export async function writePatternFile(path: string, size: number, seed: number): Promise<void> {
  // An AES-CTR keystream: fast, reproducible from the seed, and different in every block, so a
  // misplaced or repeated block changes the hash.
  const key = createHash('sha256').update(`ferry-test-${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  const handle = await fs.open(path, 'w');
  try {
    for (let offset = 0; offset < size; offset += zeros.byteLength) {
      await handle.write(cipher.update(zeros.subarray(0, Math.min(zeros.byteLength, size - offset))));
    }
  } finally {
    await handle.close();
  }
}

/** The transfer card on a page, for the transfer with `other`. */
export function transferCard(page: Page, direction: 'in' | 'out', otherName: string) {
  return page.getByRole('article', {
    name: direction === 'in' ? `Files from ${otherName}` : `Files to ${otherName}`,
  });
}

/** What the last card says when a transfer from Ada to Bob ended well, on each side. */
export const RECEIVED = 'Received. Every file was checked.';
export const SENT = 'Sent. Bob desktop has every file, checked.';

/** The state line of the newest transfer card with `other`. */
export const status = (peer: Peer, direction: 'in' | 'out', other: string) =>
  transferCard(peer.page, direction, other).last().getByTestId('transfer-status');

/** Ada offers `paths` to Bob through the conversation's file input, as a person picking files. */
export async function sendFiles(ada: Peer, paths: string[]): Promise<void> {
  await ada.page.getByLabel('Files to send to Bob desktop').setInputFiles(paths);
}

/** Bob accepts Ada's newest offer. */
export async function accept(bob: Peer): Promise<void> {
  await transferCard(bob.page, 'in', 'Ada laptop').last().getByRole('button', { name: 'Accept' }).click();
}

/** Waits until the receiver's overall progress bar shows at least `bytes`. */
export async function receivedAtLeast(bob: Peer, bytes: number): Promise<void> {
  const bar = transferCard(bob.page, 'in', 'Ada laptop')
    .last()
    .getByRole('progressbar', { name: 'Overall progress' });
  await expect
    .poll(async () => Number(await bar.getAttribute('value')), { timeout: 60_000 })
    .toBeGreaterThanOrEqual(bytes);
}

/** Adds an init script to a peer's page and reloads it so the script is in place. */
export async function withInitScript<A>(
  peer: Peer,
  script: Parameters<BrowserContext['addInitScript']>[0] & ((arg: A) => void),
  arg: A,
): Promise<void> {
  await peer.context.addInitScript(script, arg);
  await peer.page.reload();
  await expect(peer.page.getByText(`This device: ${peer.name}`)).toBeVisible();
}

/** Which calls of a built-in method `countCalls` counts: on objects with that `label`, with that first argument. */
export interface CountedCalls {
  readonly className: 'Blob' | 'RTCDataChannel';
  readonly method: string;
  readonly label?: string;
  readonly firstArg?: string;
}

/**
 * Counts, in the peer's page (not its workers), calls of a built-in method; read the count with
 * `callsCounted`. Installed before the page connects (it reloads the page).
 */
export async function countCalls(peer: Peer, calls: CountedCalls): Promise<void> {
  await withInitScript(
    peer,
    (spec: CountedCalls) => {
      type Counted = Record<string, (this: { label?: string }, ...args: unknown[]) => unknown>;
      const scope = window as unknown as Record<string, { prototype: Counted }> & {
        __ferryCalls?: Record<string, number>;
      };
      const counts = (scope.__ferryCalls ??= {});
      const key = `${spec.className}.${spec.method}`;
      counts[key] = 0;
      const prototype = scope[spec.className]?.prototype;
      const original = prototype?.[spec.method];
      if (!prototype || !original) return;
      prototype[spec.method] = function (...args) {
        const labelled = spec.label === undefined || this.label === spec.label;
        if (labelled && (spec.firstArg === undefined || args[0] === spec.firstArg))
          counts[key] = (counts[key] ?? 0) + 1;
        return original.apply(this, args);
      };
    },
    calls,
  );
}

/** How many calls `countCalls` has counted since the page loaded. */
export async function callsCounted(
  peer: Peer,
  calls: Pick<CountedCalls, 'className' | 'method'>,
): Promise<number> {
  const key = `${calls.className}.${calls.method}`;
  return peer.page.evaluate(
    (counted) =>
      (window as unknown as { __ferryCalls?: Record<string, number> }).__ferryCalls?.[counted] ?? -1,
    key,
  );
}

/**
 * Records the page's RTCPeerConnections so a test can cut the connection as a network failure
 * would. Installed before the page connects (it reloads the page).
 */
export async function recordPeerConnections(peer: Peer): Promise<void> {
  await withInitScript(
    peer,
    () => {
      const Original = window.RTCPeerConnection;
      const made: RTCPeerConnection[] = [];
      (window as unknown as { __ferryTestConnections: RTCPeerConnection[] }).__ferryTestConnections = made;
      window.RTCPeerConnection = class extends Original {
        constructor(config?: RTCConfiguration) {
          super(config);
          made.push(this);
        }
      };
    },
    null,
  );
}

/** Closes the page's peer connections (all of them, or the one made `index`th), as a network failure would. */
export async function cutConnections(page: Page, index?: number): Promise<void> {
  await page.evaluate((only) => {
    const made = (window as unknown as { __ferryTestConnections: RTCPeerConnection[] })
      .__ferryTestConnections;
    for (const pc of only === null ? made : made.slice(only, only + 1)) pc.close();
  }, index ?? null);
}

/** How many peer connections the page has made (see recordPeerConnections). */
export async function connectionCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      (window as unknown as { __ferryTestConnections: RTCPeerConnection[] }).__ferryTestConnections.length,
  );
}

/**
 * Gives `peer` the desktop app's real send-sources service (files read by path in main), running
 * in the test process, as `window.ferry.files` of the fake desktop host (support/desktop-fake.ts
 * picks it up from `window.ferryTestDesktopFiles`). Call before `installCallSeams(peer, { desktop:
 * true })`, which reloads the page.
 */
export async function installSendSources(peer: Peer): Promise<void> {
  const sources = createSendSources();
  const context: BrowserContext = peer.context;
  await context.exposeBinding('__ferryOpenSources', (_source, paths: string[]) => sources.open(paths));
  await context.exposeBinding(
    '__ferryReadSource',
    async (_source, sourceId: string, index: number, offset: number, length: number) => {
      const result = await sources.read(sourceId, index, offset, length);
      return result.ok ? { ok: true, value: Buffer.from(result.value).toString('base64') } : result;
    },
  );
  await context.exposeBinding('__ferryCloseSource', (_source, sourceId: string) => sources.close(sourceId));
  await context.addInitScript(() => {
    type Binding = (...args: unknown[]) => Promise<unknown>;
    const scope = window as unknown as Record<string, Binding>;
    const call =
      (name: string) =>
      (...args: unknown[]) =>
        (scope[name] as Binding)(...args);
    const refused = () =>
      Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'not in this test' } });
    Object.defineProperty(window, 'ferryTestDesktopFiles', {
      value: {
        receiveStatus: refused,
        receiveBegin: refused,
        receiveWrite: refused,
        receiveFinish: refused,
        receiveAbort: refused,
        receiveForget: refused,
        open: refused,
        showInFolder: refused,
        readReceived: refused,
        openSources: call('__ferryOpenSources'),
        // Bindings carry JSON: the bytes come back as base64.
        readSource: async (...args: unknown[]) => {
          const reply = (await call('__ferryReadSource')(...args)) as
            { ok: true; value: string } | { ok: false; error: unknown };
          if (!reply.ok) return reply;
          const text = atob(reply.value);
          const bytes = new Uint8Array(text.length);
          for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
          return { ok: true, value: bytes };
        },
        closeSource: call('__ferryCloseSource'),
      },
    });
  });
}

/** SHA-256 of each file under `received/` in the peer's OPFS (the browser client's receive folder), by path. */
export function opfsDigests(peer: Peer, paths: string[]): Promise<Record<string, string>> {
  return peer.page.evaluate(async (wanted) => {
    const digests: Record<string, string> = {};
    for (const path of wanted) {
      let dir = await (await navigator.storage.getDirectory()).getDirectoryHandle('received');
      const segments = path.split('/');
      for (const segment of segments.slice(0, -1)) dir = await dir.getDirectoryHandle(segment);
      const file = await (await dir.getFileHandle(segments[segments.length - 1] ?? '')).getFile();
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
      digests[path] = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    return digests;
  }, paths);
}
