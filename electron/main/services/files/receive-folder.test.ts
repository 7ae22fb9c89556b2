import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceiveBegin } from '../../../../contracts/file-ipc';
import { createMemoryLogger } from '../../test-support/memory-logger';
import { FileDigest } from './file-digest';
import { createReceiveFolder, type ReceiveFileSystem, type ReceiveFolder } from './receive-folder';
import { openResumeRegistry } from './resume-registry';

/** The transfer digest (SHA-256 per 256 KiB block, see contracts/transfer.ts) the sender would send. */
const digestOf = (bytes: Uint8Array) => new FileDigest().update(bytes).digestHex();
const bytesOf = (text: string) => new TextEncoder().encode(text);

let base: string;
let folder: string;
let registryFile: string;

beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-receive-'));
  folder = join(base, 'Downloads', 'Ferry');
  registryFile = join(base, 'receive-resume.log');
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function openFolder(fileSystem?: ReceiveFileSystem): Promise<ReceiveFolder> {
  const registry = await openResumeRegistry(registryFile, fs);
  return createReceiveFolder({
    folder: () => folder,
    registry,
    logger: createMemoryLogger(),
    ...(fileSystem ? { fs: fileSystem } : {}),
  });
}

const request = (path: string, size: number, index = 0, transferId = 'transfer0001'): ReceiveBegin => ({
  senderId: 'ada-device',
  transferId,
  index,
  path,
  size,
});

function value<T>(result: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}`);
  return result.value;
}

/** Receives one whole file in chunks and returns where it landed. */
async function receive(receiver: ReceiveFolder, begin: ReceiveBegin, content: Uint8Array, chunk = 5) {
  const opened = value(await receiver.begin(begin));
  for (let offset = opened.offset; offset < content.byteLength; offset += chunk) {
    value(await receiver.write(opened.fileId, offset, content.subarray(offset, offset + chunk)));
  }
  return value(await receiver.finish(opened.fileId, digestOf(content)));
}

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTree(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe('receive folder', () => {
  it('writes to name.part, then renames to the final name once the digest matches', async () => {
    const receiver = await openFolder();
    const content = bytesOf('hello, ferry');
    const opened = value(await receiver.begin(request('greeting.txt', content.byteLength)));
    expect(opened).toMatchObject({ offset: 0, name: 'greeting.txt' });
    value(await receiver.write(opened.fileId, 0, content.subarray(0, 5)));
    expect(await listTree(folder)).toEqual(['greeting.txt.part']);
    value(await receiver.write(opened.fileId, 5, content.subarray(5)));
    const saved = value(await receiver.finish(opened.fileId, digestOf(content)));
    expect(saved).toEqual({ name: 'greeting.txt', location: join(folder, 'greeting.txt') });
    expect(await listTree(folder)).toEqual(['greeting.txt']);
    expect(await fs.readFile(saved.location, 'utf8')).toBe('hello, ferry');
  });

  it('saves empty files', async () => {
    const receiver = await openFolder();
    const saved = await receive(receiver, request('empty.bin', 0), new Uint8Array());
    expect((await fs.stat(saved.location)).size).toBe(0);
  });

  it('never overwrites: a clash becomes name (1).ext, also against files still arriving', async () => {
    const receiver = await openFolder();
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(join(folder, 'report.pdf'), 'the user’s own file');
    const first = value(await receiver.begin(request('report.pdf', 1, 0, 'transfer0001')));
    const second = value(await receiver.begin(request('report.pdf', 1, 0, 'transfer0002')));
    expect(first.name).toBe('report (1).pdf');
    expect(second.name).toBe('report (2).pdf');
    expect(await fs.readFile(join(folder, 'report.pdf'), 'utf8')).toBe('the user’s own file');
  });

  it('does not overwrite a file that appeared while the .part was being written', async () => {
    const receiver = await openFolder();
    const content = bytesOf('abc');
    const opened = value(await receiver.begin(request('late.txt', 3)));
    value(await receiver.write(opened.fileId, 0, content));
    await fs.writeFile(join(folder, 'late.txt'), 'made meanwhile');
    const saved = value(await receiver.finish(opened.fileId, digestOf(content)));
    expect(saved.name).toBe('late (1).txt');
    expect(await fs.readFile(join(folder, 'late.txt'), 'utf8')).toBe('made meanwhile');
  });

  it('lands a folder transfer under one fresh folder, keeping its structure', async () => {
    const receiver = await openFolder();
    await fs.mkdir(join(folder, 'Photos'), { recursive: true });
    const files = ['Photos/a.jpg', 'Photos/2024/b.jpg', 'Photos/2024/deep/c.jpg'];
    for (const [index, path] of files.entries())
      await receive(receiver, request(path, 1, index), bytesOf('x'));
    expect(await listTree(folder)).toEqual([
      'Photos (1)/2024/b.jpg',
      'Photos (1)/2024/deep/c.jpg',
      'Photos (1)/a.jpg',
    ]);
  });

  it.each([
    ['../../x', 'x'],
    ['/etc/x', 'etc/x'],
    ['C:\\x', 'x'],
    ['con.txt', '_con.txt'],
    ['bad\u0001name\u202e.txt', 'bad_name_.txt'],
  ])('keeps the hostile name %j inside the folder as %j', async (hostile, expected) => {
    const receiver = await openFolder();
    const saved = await receive(receiver, request(hostile, 1), bytesOf('!'));
    expect(saved.name).toBe(expected);
    expect(saved.location.startsWith(folder)).toBe(true);
    expect(await listTree(base)).toEqual([`Downloads/Ferry/${expected}`, 'receive-resume.log']);
  });

  it('does not follow a symlink planted where a file will land', async () => {
    const receiver = await openFolder();
    await fs.mkdir(folder, { recursive: true });
    const outside = join(base, 'outside.txt');
    await fs.writeFile(outside, 'precious');
    await fs.symlink(outside, join(folder, 'trap.txt.part'));
    await fs.symlink(outside, join(folder, 'trap.txt'));
    const saved = await receive(receiver, request('trap.txt', 3), bytesOf('bad'));
    expect(saved.name).toBe('trap (1).txt');
    expect(await fs.readFile(outside, 'utf8')).toBe('precious');
  });

  it('refuses writes with a gap, an overlap or beyond the announced size', async () => {
    const receiver = await openFolder();
    const opened = value(await receiver.begin(request('strict.bin', 4)));
    expect(await receiver.write(opened.fileId, 1, bytesOf('a'))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    value(await receiver.write(opened.fileId, 0, bytesOf('ab')));
    expect(await receiver.write(opened.fileId, 1, bytesOf('b'))).toMatchObject({ ok: false });
    expect(await receiver.write(opened.fileId, 2, bytesOf('cde'))).toMatchObject({ ok: false });
    expect(await receiver.finish(opened.fileId, digestOf(bytesOf('ab')))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('runs writes issued together in order (the renderer keeps several in flight)', async () => {
    const receiver = await openFolder();
    const content = bytesOf('0123456789abcdefghijklmnopqrstuvwxyz');
    const opened = value(await receiver.begin(request('pipelined.txt', content.byteLength)));
    const writes = [];
    for (let offset = 0; offset < content.byteLength; offset += 4) {
      writes.push(receiver.write(opened.fileId, offset, content.subarray(offset, offset + 4)));
    }
    expect((await Promise.all(writes)).every((result) => result.ok)).toBe(true);
    const saved = value(await receiver.finish(opened.fileId, digestOf(content)));
    expect(await fs.readFile(saved.location, 'utf8')).toBe('0123456789abcdefghijklmnopqrstuvwxyz');
  });

  it('catches a digest mismatch, deletes the bad bytes and presents nothing as done', async () => {
    const receiver = await openFolder();
    const opened = value(await receiver.begin(request('photo.jpg', 4)));
    value(await receiver.write(opened.fileId, 0, bytesOf('abXd')));
    const result = await receiver.finish(opened.fileId, digestOf(bytesOf('abcd')));
    expect(result).toMatchObject({ ok: false, error: { code: 'DIGEST_MISMATCH' } });
    expect(await listTree(folder)).toEqual([]);
  });

  it('resumes from a .part after a restart: status, re-hash, append, verified digest', async () => {
    const content = bytesOf('0123456789abcdefghij');
    const first = await openFolder();
    const done = await receive(first, request('one.txt', 3, 0), bytesOf('one'));
    const opened = value(await first.begin(request('two.txt', content.byteLength, 1)));
    value(await first.write(opened.fileId, 0, content.subarray(0, 12)));
    await first.closeAll(); // the app quits mid-file

    const second = await openFolder();
    expect(value(await second.status({ senderId: 'ada-device', transferId: 'transfer0001' }))).toEqual({
      completedBelow: 1,
      offsets: [{ index: 1, offset: 12 }],
    });
    const resumed = value(await second.begin(request('two.txt', content.byteLength, 1)));
    expect(resumed).toMatchObject({ offset: 12, name: 'two.txt' });
    value(await second.write(resumed.fileId, 12, content.subarray(12)));
    const saved = value(await second.finish(resumed.fileId, digestOf(content)));
    expect(saved.name).toBe('two.txt');
    expect(await fs.readFile(saved.location, 'utf8')).toBe('0123456789abcdefghij');
    expect(await listTree(folder)).toEqual([done.name, 'two.txt']);
    // A file already saved is not received again.
    expect(await second.begin(request('one.txt', 3, 0))).toMatchObject({ ok: false });
  });

  it('takes over a file a reloaded page left open, from what reached the disk', async () => {
    const receiver = await openFolder();
    const content = bytesOf('abcdefgh');
    const stale = value(await receiver.begin(request('t.txt', 8)));
    value(await receiver.write(stale.fileId, 0, content.subarray(0, 3)));
    const fresh = value(await receiver.begin(request('t.txt', 8)));
    expect(fresh.offset).toBe(3);
    expect(await receiver.write(stale.fileId, 3, content.subarray(3))).toMatchObject({ ok: false });
    value(await receiver.write(fresh.fileId, 3, content.subarray(3)));
    expect(value(await receiver.finish(fresh.fileId, digestOf(content))).name).toBe('t.txt');
  });

  it('resumes a folder transfer into the same folder it started in', async () => {
    const first = await openFolder();
    await receive(first, request('Album/a.txt', 1, 0), bytesOf('a'));
    await fs.mkdir(join(folder, 'Album (1)')); // unrelated folder made meanwhile
    const second = await openFolder();
    await receive(second, request('Album/b.txt', 1, 1), bytesOf('b'));
    expect(await listTree(folder)).toEqual(['Album/a.txt', 'Album/b.txt']);
  });

  it('forget with discardPartials deletes the .part files (cancel), without it keeps them', async () => {
    const receiver = await openFolder();
    const key = { senderId: 'ada-device', transferId: 'transfer0001' };
    const opened = value(await receiver.begin(request('big.bin', 10)));
    value(await receiver.write(opened.fileId, 0, bytesOf('12345')));
    value(await receiver.forget(key, true));
    expect(await listTree(folder)).toEqual([]);
    expect(value(await receiver.status(key))).toEqual({ completedBelow: 0, offsets: [] });
  });

  it('abort keeping the partial leaves it for resume; abort without deletes it', async () => {
    const receiver = await openFolder();
    const key = { senderId: 'ada-device', transferId: 'transfer0001' };
    const opened = value(await receiver.begin(request('keep.bin', 10)));
    value(await receiver.write(opened.fileId, 0, bytesOf('123')));
    value(await receiver.abort(opened.fileId, true));
    expect(value(await receiver.status(key)).offsets).toEqual([{ index: 0, offset: 3 }]);
    const again = value(await receiver.begin(request('keep.bin', 10)));
    value(await receiver.abort(again.fileId, false));
    expect(await listTree(folder)).toEqual([]);
  });

  it.each([
    ['ENOSPC', 'DISK_FULL'],
    ['EACCES', 'PERMISSION_DENIED'],
    ['EIO', 'IO_FAILED'],
  ])('reports %s while writing as %s and keeps the partial for resume', async (errno, code) => {
    let failNextWrite = false;
    const failing: ReceiveFileSystem = {
      ...fs,
      open: (async (...args: Parameters<typeof fs.open>) => {
        const handle = await fs.open(...args);
        const write = handle.write.bind(handle) as (...a: unknown[]) => Promise<{ bytesWritten: number }>;
        return Object.assign(handle, {
          write: async (...a: unknown[]) => {
            if (failNextWrite) throw Object.assign(new Error(errno), { code: errno });
            return write(...a);
          },
        });
      }) as typeof fs.open,
    };
    const receiver = await openFolder(failing);
    const key = { senderId: 'ada-device', transferId: 'transfer0001' };
    const opened = value(await receiver.begin(request('video.mp4', 10)));
    value(await receiver.write(opened.fileId, 0, bytesOf('12345')));
    failNextWrite = true;
    expect(await receiver.write(opened.fileId, 5, bytesOf('67890'))).toMatchObject({
      ok: false,
      error: { code },
    });
    value(await receiver.abort(opened.fileId, true));
    expect(value(await receiver.status(key)).offsets).toEqual([{ index: 0, offset: 5 }]);
  });

  it('reports a receive folder it may not create as PERMISSION_DENIED', async () => {
    const denied: ReceiveFileSystem = {
      ...fs,
      mkdir: (async () => {
        throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
      }) as typeof fs.mkdir,
    };
    const receiver = await openFolder(denied);
    expect(await receiver.begin(request('x', 1))).toMatchObject({
      ok: false,
      error: { code: 'PERMISSION_DENIED' },
    });
  });

  it('knows what is inside the folder (open / show in folder accept nothing else)', async () => {
    const receiver = await openFolder();
    expect(receiver.contains(join(folder, 'a.txt'))).toBe(true);
    expect(receiver.contains(join(folder, 'sub', 'a.txt'))).toBe(true);
    expect(receiver.contains(folder)).toBe(false);
    expect(receiver.contains(join(folder, '..', 'a.txt'))).toBe(false);
    expect(receiver.contains('/etc/passwd')).toBe(false);
  });
});
