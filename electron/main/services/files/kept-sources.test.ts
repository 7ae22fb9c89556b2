/**
 * The sources of unfinished outgoing transfers kept across restarts of the desktop app, through
 * the real IPC handlers on real files: a "restart" is a new set of services (empty grants, new
 * sources) over the same data folder, as main builds them at start (electron/main/index.ts).
 */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FILE_GRANT_CHANNEL } from '../../../../contracts/file-ipc';
import { createMemoryLogger } from '../../test-support/memory-logger';
import type { IpcMainLike } from '../ipc-handlers';
import type { IpcSenderInfo } from '../trusted-sender';
import { createFileServices, registerFileIpcHandlers } from './file-ipc';
import { MAX_KEPT_TRANSFERS, openKeptSources } from './kept-sources';
import { createPathGrants } from './path-grants';
import { createReceiveFolder } from './receive-folder';
import { openReceivedFiles } from './received-files';
import { openResumeRegistry } from './resume-registry';
import { createSendSources } from './send-sources';

type Listener = Parameters<IpcMainLike['handle']>[1];
type Reply<T = unknown> = { ok: true; value: T } | { ok: false; error: { code: string } };
type Opened = { kind: 'opened'; sourceId: string; files: { index: number; path: string; size: number }[] };

const fromWindow: IpcSenderInfo = {
  sender: { id: 1 },
  senderFrame: { url: 'file:///app/index.html', parent: null },
};
const fromElsewhere: IpcSenderInfo = {
  sender: { id: 2 },
  senderFrame: { url: 'https://evil.example/', parent: null },
};
const KEY = 'out:bob-device:transfer0001';

let base: string;
let userData: string;
beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-kept-sources-'));
  userData = join(base, 'userData');
  await fs.mkdir(userData);
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** Main's file services as they are at one start of the app. */
async function start() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const grants = createPathGrants();
  const sources = createSendSources();
  const errors: unknown[] = [];
  const kept = await openKeptSources({
    file: join(userData, 'kept-sources.json'),
    fs,
    sources,
    onError: (error) => void errors.push(error),
  });
  registerFileIpcHandlers({
    ipcMain,
    isTrustedSender: (event) => event.sender.id === 1,
    logger: createMemoryLogger(),
    grants,
    services: createFileServices({
      receiveFolder: createReceiveFolder({
        folder: () => join(base, 'Ferry'),
        registry: await openResumeRegistry(join(userData, 'resume.log'), fs),
        logger: createMemoryLogger(),
      }),
      sources,
      kept,
      shell: { openPath: async () => '', showItemInFolder: () => undefined },
      markDownloaded: async () => undefined,
      grants,
      received: await openReceivedFiles(join(userData, 'received-files.log'), fs),
      fs,
    }),
  });
  const invoke = async <T = unknown>(channel: string, ...args: unknown[]): Promise<Reply<T>> => {
    const listener = handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return (await listener(fromWindow, ...args)) as Reply<T>;
  };
  const invokeFrom = (event: IpcSenderInfo, channel: string, ...args: unknown[]) =>
    handlers.get(channel)?.(event, ...args);
  /** As the page does it: the person picks `paths`, main opens them, and reads every file whole. */
  const readAll = async (sourceId: string, files: readonly { index: number; size: number }[]) =>
    Promise.all(
      files.map(async (file) => {
        const bytes = await invoke<Uint8Array>('files:read-source', sourceId, file.index, 0, file.size);
        if (!bytes.ok) throw new Error(`read failed: ${bytes.error.code}`);
        return Buffer.from(bytes.value).toString();
      }),
    );
  return { invoke, invokeFrom, readAll, kept, errors };
}

/** A folder "album" with two files and a loose "note.txt", picked and opened as a source. */
async function sendingUnderWay() {
  const album = join(base, 'album');
  await fs.mkdir(album);
  await fs.writeFile(join(album, 'a.jpg'), 'first photo');
  await fs.writeFile(join(album, 'b.jpg'), 'second photo');
  const note = join(base, 'note.txt');
  await fs.writeFile(note, 'a note');
  const app = await start();
  expect(await app.invoke(FILE_GRANT_CHANNEL, [album, note])).toEqual({ ok: true, value: null });
  const opened = await app.invoke<{ sourceId: string; files: Opened['files'] }>('files:open-sources', [
    album,
    note,
  ]);
  if (!opened.ok) throw new Error('not opened');
  return { app, album, note, opened: opened.value };
}

describe('kept sources: the desktop sender reads its files again after its own restart', () => {
  it('kept for a transfer, they are opened again after a restart without a grant, the same files in the same order', async () => {
    const { app, album, note, opened } = await sendingUnderWay();
    expect(await app.invoke('files:keep-sources', opened.sourceId, KEY, 'bob-device')).toEqual({
      ok: true,
      value: null,
    });
    // Saved whole under its own name, nothing half-written left.
    expect((await fs.readdir(userData)).filter((name) => name.startsWith('kept-sources'))).toEqual([
      'kept-sources.json',
    ]);

    const again = await start();
    // This session granted nothing: the paths themselves stay closed to the page…
    expect(await again.invoke('files:open-sources', [album, note])).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // …but the transfer's files open again, as they were listed.
    const reopened = await again.invoke<Opened>('files:reopen-sources', KEY);
    expect(reopened).toMatchObject({ ok: true, value: { kind: 'opened', files: opened.files } });
    if (!reopened.ok) throw new Error('not reopened');
    expect(await again.readAll(reopened.value.sourceId, reopened.value.files)).toEqual([
      'first photo',
      'second photo',
      'a note',
    ]);
    expect(again.errors).toEqual([]);
  });

  it('dropped when the transfer ends or its device is forgotten, also across a restart', async () => {
    const { app, opened } = await sendingUnderWay();
    await app.invoke('files:keep-sources', opened.sourceId, KEY, 'bob-device');
    await app.invoke('files:keep-sources', opened.sourceId, 'out:bob-device:transfer0002', 'bob-device');
    await app.invoke('files:keep-sources', opened.sourceId, 'out:cat-device:transfer0003', 'cat-device');

    expect(await app.invoke('files:drop-sources', { key: KEY })).toEqual({ ok: true, value: null });
    let again = await start();
    expect(again.kept.keys()).toEqual(['out:bob-device:transfer0002', 'out:cat-device:transfer0003']);
    expect(await again.invoke('files:reopen-sources', KEY)).toEqual({ ok: true, value: { kind: 'none' } });

    expect(await again.invoke('files:drop-sources', { deviceId: 'bob-device' })).toEqual({
      ok: true,
      value: null,
    });
    again = await start();
    expect(again.kept.keys()).toEqual(['out:cat-device:transfer0003']);
  });

  it.each([
    [
      'same size, other bytes (its modification time tells)',
      async (album: string) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        await fs.writeFile(join(album, 'b.jpg'), 'SECOND PHOTO');
      },
      { kind: 'changed', path: 'album/b.jpg' },
    ],
    [
      'grown',
      async (album: string) => fs.appendFile(join(album, 'a.jpg'), '!'),
      { kind: 'changed', path: 'album/a.jpg' },
    ],
    [
      'a link where the file was (never followed)',
      async (album: string, note: string) => {
        await fs.rm(note);
        await fs.symlink(join(album, 'a.jpg'), note);
      },
      { kind: 'changed', path: 'note.txt' },
    ],
    [
      'gone (the person may pick it again from where it is now)',
      async (_album: string, note: string) => fs.rm(note),
      { kind: 'none' },
    ],
  ] as const)('a file %s after the restart is not read', async (_name, change, expected) => {
    const { app, album, note, opened } = await sendingUnderWay();
    await app.invoke('files:keep-sources', opened.sourceId, KEY, 'bob-device');
    await change(album, note);
    const again = await start();
    expect(await again.invoke('files:reopen-sources', KEY)).toEqual({ ok: true, value: expected });
    // Still kept: the renderer ends the transfer in words, and that drops it.
    expect(again.kept.keys()).toEqual([KEY]);
  });

  it('the page cannot add a path: only a source main opened, from our window, with valid arguments', async () => {
    const { app, opened } = await sendingUnderWay();
    expect(
      await app.invoke('files:keep-sources', '0123456789abcdef0123456789abcdef', KEY, 'bob-device'),
    ).toEqual({
      ok: false,
      error: { code: 'INVALID_PAYLOAD', message: 'unknown source' },
    });
    expect(await app.invoke('files:keep-sources', '/etc/passwd', KEY, 'bob-device')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(
      await app.invokeFrom(fromElsewhere, 'files:keep-sources', opened.sourceId, KEY, 'bob-device'),
    ).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await app.invokeFrom(fromElsewhere, 'files:reopen-sources', KEY)).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await app.invoke('files:drop-sources', { key: KEY, path: '/etc' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(app.kept.keys()).toEqual([]);
  });

  it('a damaged file keeps nothing, and the next keep writes a good one', async () => {
    await fs.writeFile(
      join(userData, 'kept-sources.json'),
      JSON.stringify({
        version: 1,
        transfers: [
          { key: KEY, deviceId: 'bob-device', keptAt: 1, files: [{ absolutePath: '/etc/passwd' }] },
        ],
      }),
    );
    const { app, opened } = await sendingUnderWay();
    expect(app.kept.keys()).toEqual([]);
    expect(app.errors).toHaveLength(1);
    expect(await app.invoke('files:reopen-sources', KEY)).toEqual({ ok: true, value: { kind: 'none' } });
    await app.invoke('files:keep-sources', opened.sourceId, KEY, 'bob-device');
    expect((await start()).kept.keys()).toEqual([KEY]);

    await fs.writeFile(join(userData, 'kept-sources.json'), '{"version":1,"transf');
    const again = await start();
    expect(again.kept.keys()).toEqual([]);
  });

  it('keeps at most MAX_KEPT_TRANSFERS, the oldest going first', async () => {
    const { app, opened } = await sendingUnderWay();
    for (let index = 0; index <= MAX_KEPT_TRANSFERS; index++)
      await app.invoke('files:keep-sources', opened.sourceId, `out:bob-device:t${index}`, 'bob-device');
    const keys = (await start()).kept.keys();
    expect(keys).toHaveLength(MAX_KEPT_TRANSFERS);
    expect(keys[0]).toBe('out:bob-device:t1');
  });
});
