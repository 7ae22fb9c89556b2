/**
 * `npm run bench:receive-folder`: what each file of a folder costs the desktop app's receive folder
 * (electron/main/services/files/receive-folder.ts, with its resume journal, on the real file
 * system), for a folder of 250 files and one of 2 000. The cost per file should not grow with the
 * folder: the ratio of the two is printed (it was well above 1 while the resume records were one
 * JSON document rewritten on every change). Figures, not assertions; no browser involved.
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { FileDigest } from '../../electron/main/services/files/file-digest';
import { createReceiveFolder } from '../../electron/main/services/files/receive-folder';
import { openResumeRegistry } from '../../electron/main/services/files/resume-registry';
import { createMemoryLogger } from '../../electron/main/test-support/memory-logger';

const FILE_BYTES = 4096;

/** Receives a folder of `count` files as the renderer drives it; returns ms per file. */
async function receiveFolder(base: string, count: number): Promise<number> {
  const registry = await openResumeRegistry(join(base, `resume-${count}.log`), fs);
  const folder = createReceiveFolder({
    folder: () => join(base, 'Downloads', 'Ferry'),
    registry,
    logger: createMemoryLogger(),
  });
  const bytes = new Uint8Array(FILE_BYTES).fill(count % 251);
  const digest = new FileDigest().update(bytes).digestHex();
  const key = { senderId: 'ada-device', transferId: `folder-${count}` };
  const started = performance.now();
  for (let index = 0; index < count; index++) {
    const opened = await folder.begin({
      ...key,
      index,
      path: `Photos/day ${index % 10}/img-${index}.jpg`,
      size: bytes.byteLength,
    });
    if (!opened.ok) throw new Error(`begin failed: ${opened.error.code}`);
    const written = await folder.write(opened.value.fileId, 0, bytes);
    if (!written.ok) throw new Error(`write failed: ${written.error.code}`);
    const saved = await folder.finish(opened.value.fileId, digest);
    if (!saved.ok) throw new Error(`finish failed: ${saved.error.code}`);
  }
  await folder.forget(key, false);
  return (performance.now() - started) / count;
}

test('receive folder: cost per file of a folder of 250 and of 2 000 small files', async () => {
  test.setTimeout(10 * 60_000);
  const base = await fs.mkdtemp(join(tmpdir(), 'ferry-bench-receive-'));
  try {
    const small = await receiveFolder(base, 250);
    const large = await receiveFolder(base, 2000);
    // Every file landed (both folders under Photos, Photos (1)).
    const landed = await fs.readdir(join(base, 'Downloads', 'Ferry'), { recursive: true });
    expect(landed.filter((name) => name.endsWith('.jpg'))).toHaveLength(2250);
    process.stdout.write(
      [
        '',
        `Desktop receive folder, files of ${FILE_BYTES} B (begin, write, fsync, verify, rename, resume journal):`,
        `  250 files: ${small.toFixed(2)} ms per file`,
        `  2000 files: ${large.toFixed(2)} ms per file   (ratio ${(large / small).toFixed(2)}; 1 = linear)`,
        '',
      ].join('\n'),
    );
  } finally {
    await fs.rm(base, { recursive: true, force: true });
  }
});
