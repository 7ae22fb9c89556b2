import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReceivedFiles } from './received-files';

let base: string;
beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-received-'));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

describe('the list of files Ferry received', () => {
  it('knows exactly the files it was told of, and still knows them after a restart', async () => {
    const file = join(base, 'received-files.log');
    const list = await openReceivedFiles(file, fs);
    await list.add('/home/ana/Downloads/Ferry/report.pdf');
    expect(list.has('/home/ana/Downloads/Ferry/report.pdf')).toBe(true);
    expect(list.has('/home/ana/Downloads/Ferry/./report.pdf')).toBe(true);
    expect(list.has('/home/ana/Downloads/Ferry/other.pdf')).toBe(false);
    expect(list.has('/home/ana/Downloads/Ferry')).toBe(false);

    const again = await openReceivedFiles(file, fs);
    expect(again.has('/home/ana/Downloads/Ferry/report.pdf')).toBe(true);
    expect(again.has('/etc/passwd')).toBe(false);
  });

  it('skips a line cut short by a crash and keeps only the newest entries past its limit', async () => {
    const file = join(base, 'received-files.log');
    await fs.writeFile(
      file,
      `${JSON.stringify('/r/a')}\n${JSON.stringify('/r/b')}\n"/r/c\n${JSON.stringify(42)}\n`,
    );
    const list = await openReceivedFiles(file, fs, 1);
    expect(list.has('/r/a')).toBe(false);
    expect(list.has('/r/b')).toBe(true);
    expect(list.has('/r/c')).toBe(false);
    // Compacted on disk: the dropped entries do not come back.
    expect(await fs.readFile(file, 'utf8')).toBe(`${JSON.stringify('/r/b')}\n`);
    await list.add('/r/d');
    expect(list.has('/r/b')).toBe(false);
    expect(list.has('/r/d')).toBe(true);
  });
});
