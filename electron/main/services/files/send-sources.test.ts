import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSendSources } from './send-sources';

let base: string;

beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-send-'));
  await fs.mkdir(join(base, 'Album', 'b-sub'), { recursive: true });
  await fs.writeFile(join(base, 'Album', 'z.txt'), 'zzz');
  await fs.writeFile(join(base, 'Album', 'a.txt'), 'a');
  await fs.writeFile(join(base, 'Album', 'b-sub', 'c.bin'), new Uint8Array(10).fill(7));
  await fs.writeFile(join(base, 'loose.txt'), '0123456789');
  await fs.symlink('/etc/hostname', join(base, 'Album', 'link'));
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe('send sources (files dropped from the OS, read by path in main)', () => {
  it('lists files and whole folders as a manifest with relative paths, skipping symlinks', async () => {
    const sources = createSendSources();
    const opened = await sources.open([join(base, 'Album'), join(base, 'loose.txt')]);
    expect(opened.ok && opened.value.files).toEqual([
      { index: 0, path: 'Album/a.txt', size: 1 },
      { index: 1, path: 'Album/b-sub/c.bin', size: 10 },
      { index: 2, path: 'Album/z.txt', size: 3 },
      { index: 3, path: 'loose.txt', size: 10 },
    ]);
  });

  it('reads chunks by source and index only', async () => {
    const sources = createSendSources();
    const opened = await sources.open([join(base, 'loose.txt')]);
    if (!opened.ok) throw new Error('open failed');
    const chunk = await sources.read(opened.value.sourceId, 0, 3, 4);
    expect(chunk.ok && new TextDecoder().decode(chunk.value)).toBe('3456');
    expect(await sources.read(opened.value.sourceId, 1, 0, 1)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await sources.read(opened.value.sourceId, 0, 8, 4)).toMatchObject({ ok: false });
    expect(await sources.read('0123456789abcdef', 0, 0, 1)).toMatchObject({ ok: false });
    await sources.close(opened.value.sourceId);
    expect(await sources.read(opened.value.sourceId, 0, 0, 1)).toMatchObject({ ok: false });
  });

  it('notices a file that shrank or vanished after it was listed', async () => {
    const sources = createSendSources();
    const opened = await sources.open([join(base, 'loose.txt'), join(base, 'Album', 'z.txt')]);
    if (!opened.ok) throw new Error('open failed');
    await fs.writeFile(join(base, 'loose.txt'), '01');
    expect(await sources.read(opened.value.sourceId, 0, 0, 10)).toMatchObject({
      ok: false,
      error: { code: 'IO_FAILED' },
    });
    await fs.rm(join(base, 'Album', 'z.txt'));
    expect(await sources.read(opened.value.sourceId, 1, 0, 3)).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });

  it('answers a path that does not exist with FILE_NOT_FOUND', async () => {
    expect(await createSendSources().open([join(base, 'nope')])).toMatchObject({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });
});
