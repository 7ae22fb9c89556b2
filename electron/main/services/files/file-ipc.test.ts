import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FILE_GRANT_CHANNEL,
  FILE_IPC_CHANNELS,
  MAX_RECEIVED_READ_BYTES,
} from '../../../../contracts/file-ipc';
import { createMemoryLogger } from '../../test-support/memory-logger';
import type { IpcMainLike } from '../ipc-handlers';
import type { IpcSenderInfo } from '../trusted-sender';
import { createFileServices, registerFileIpcHandlers, type ShellLike } from './file-ipc';
import { FileDigest } from './file-digest';
import { createPathGrants } from './path-grants';
import { createReceiveFolder } from './receive-folder';
import { openReceivedFiles } from './received-files';
import { openKeptSources } from './kept-sources';
import { openResumeRegistry } from './resume-registry';
import { createSendSources } from './send-sources';

type Listener = Parameters<IpcMainLike['handle']>[1];

const fromWindow: IpcSenderInfo = {
  sender: { id: 1 },
  senderFrame: { url: 'file:///app/index.html', parent: null },
};
const fromElsewhere: IpcSenderInfo = {
  sender: { id: 2 },
  senderFrame: { url: 'https://evil.example/', parent: null },
};

let base: string;
beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'ferry-file-ipc-'));
});
afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function setup() {
  const handlers = new Map<string, Listener>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  const opened: string[] = [];
  const marked: string[] = [];
  const shell: ShellLike = {
    openPath: async (path) => {
      opened.push(path);
      return '';
    },
    showItemInFolder: (path) => void opened.push(`show:${path}`),
  };
  const folder = join(base, 'Ferry');
  const receiveFolder = createReceiveFolder({
    folder: () => folder,
    registry: await openResumeRegistry(join(base, 'resume.log'), fs),
    logger: createMemoryLogger(),
  });
  const grants = createPathGrants();
  const received = await openReceivedFiles(join(base, 'received-files.log'), fs);
  const sources = createSendSources();
  const kept = await openKeptSources({ file: join(base, 'kept-sources.json'), fs, sources });
  const dispose = registerFileIpcHandlers({
    ipcMain,
    isTrustedSender: (event) => event.sender.id === 1,
    logger: createMemoryLogger(),
    grants,
    services: createFileServices({
      receiveFolder,
      sources,
      kept,
      shell,
      markDownloaded: async (path) => void marked.push(path),
      grants,
      received,
      fs,
    }),
  });
  const invoke = (channel: string, event: IpcSenderInfo, ...args: unknown[]) => {
    const listener = handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(event, ...args);
  };
  return { handlers, dispose, invoke, opened, marked, folder, grants, received };
}

describe('file IPC handlers', () => {
  it('registers exactly the file channels, and removes them on dispose', async () => {
    const { handlers, dispose } = await setup();
    expect([...handlers.keys()].sort()).toEqual([...FILE_IPC_CHANNELS, FILE_GRANT_CHANNEL].sort());
    dispose();
    expect(handlers.size).toBe(0);
  });

  it('refuses a sender that is not our window', async () => {
    const { invoke } = await setup();
    expect(
      await invoke('files:receive-status', fromElsewhere, { senderId: 'a', transferId: 'transfer0001' }),
    ).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it.each([
    ['files:receive-write', ['0123456789abcdef', 0, 'not bytes']],
    ['files:receive-write', ['0123456789abcdef', 0, new Uint8Array(1024 * 1024 + 1)]],
    ['files:receive-begin', [{ senderId: 'a', transferId: '../..', index: 0, path: 'x', size: 1 }]],
    [
      'files:receive-begin',
      [{ senderId: 'a', transferId: 'transfer0001', index: 0, path: 'x', size: 1, extra: 1 }],
    ],
    ['files:read-source', ['0123456789abcdef', 0, 0, 1024 * 1024 + 1]],
    ['files:receive-finish', ['0123456789abcdef', 'not-a-digest']],
  ])('refuses bad arguments to %s', async (channel, args) => {
    const { invoke } = await setup();
    expect(await invoke(channel, fromWindow, ...args)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
  });

  it('opens and shows only files Ferry received, not others inside the receive folder', async () => {
    const { invoke, opened, folder, received } = await setup();
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(join(folder, 'planted.sh'), 'echo hi');
    await received.add(join(folder, 'a.txt'));
    expect(await invoke('files:open', fromWindow, '/etc/passwd')).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('files:open', fromWindow, join(folder, 'planted.sh'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('files:show-in-folder', fromWindow, join(folder, '..', 'x'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('files:open', fromWindow, join(folder, 'a.txt'))).toEqual({ ok: true, value: null });
    expect(await invoke('files:show-in-folder', fromWindow, join(folder, 'a.txt'))).toEqual({
      ok: true,
      value: null,
    });
    expect(opened).toEqual([join(folder, 'a.txt'), `show:${join(folder, 'a.txt')}`]);
  });

  it('hands the page the bytes of a received file for its thumbnail, only of files Ferry received and of a photo’s size', async () => {
    const { invoke, folder, received } = await setup();
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(join(folder, 'cat.png'), 'png bytes');
    await fs.writeFile(join(folder, 'planted.png'), 'not received');
    await received.add(join(folder, 'cat.png'));
    const reply = (await invoke('files:read-received', fromWindow, join(folder, 'cat.png'))) as {
      ok: true;
      value: Uint8Array;
    };
    expect(reply.ok).toBe(true);
    expect(new TextDecoder().decode(reply.value)).toBe('png bytes');
    expect(await invoke('files:read-received', fromWindow, join(folder, 'planted.png'))).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke('files:read-received', fromElsewhere, join(folder, 'cat.png'))).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // Larger than any thumbnail is made from: refused without reading it.
    await fs.truncate(join(folder, 'cat.png'), MAX_RECEIVED_READ_BYTES + 1);
    expect(await invoke('files:read-received', fromWindow, join(folder, 'cat.png'))).toEqual({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    // Gone since: said so, nothing thrown.
    await fs.rm(join(folder, 'cat.png'));
    expect(await invoke('files:read-received', fromWindow, join(folder, 'cat.png'))).toEqual({
      ok: false,
      error: { code: 'FILE_NOT_FOUND' },
    });
  });

  it('reads to send only paths the person chose this session, through main or the grant channel', async () => {
    const { invoke } = await setup();
    const chosen = join(base, 'chosen.txt');
    const secret = join(base, 'secret.txt');
    await fs.writeFile(chosen, 'hello');
    await fs.writeFile(secret, 'key');
    expect(await invoke('files:open-sources', fromWindow, [secret])).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // The grant channel checks its sender and arguments like every other channel.
    expect(await invoke(FILE_GRANT_CHANNEL, fromElsewhere, [secret])).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await invoke(FILE_GRANT_CHANNEL, fromWindow, 'not a list')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PAYLOAD' },
    });
    expect(await invoke('files:open-sources', fromWindow, [secret])).toMatchObject({ ok: false });
    expect(await invoke(FILE_GRANT_CHANNEL, fromWindow, [chosen])).toEqual({ ok: true, value: null });
    expect(await invoke('files:open-sources', fromWindow, [chosen])).toMatchObject({
      ok: true,
      value: { files: [{ index: 0, path: 'chosen.txt', size: 5 }] },
    });
    // One path not chosen refuses the whole request.
    expect(await invoke('files:open-sources', fromWindow, [chosen, secret])).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });

  it('carries a whole receive through the channels, and marks the saved file as downloaded', async () => {
    const { invoke, folder, marked } = await setup();
    const begun = (await invoke('files:receive-begin', fromWindow, {
      senderId: 'ada',
      transferId: 'transfer0001',
      index: 0,
      path: 'note.txt',
      size: 2,
    })) as { ok: true; value: { fileId: string } };
    expect(begun.ok).toBe(true);
    await invoke('files:receive-write', fromWindow, begun.value.fileId, 0, Uint8Array.from([104, 105]));
    const digest = new FileDigest().update(Uint8Array.from([104, 105])).digestHex();
    expect(await invoke('files:receive-finish', fromWindow, begun.value.fileId, digest)).toEqual({
      ok: true,
      value: { name: 'note.txt', location: join(folder, 'note.txt') },
    });
    expect(marked).toEqual([join(folder, 'note.txt')]);
    expect(await invoke('files:open', fromWindow, join(folder, 'note.txt'))).toEqual({
      ok: true,
      value: null,
    });
    // A file that fails its check is not saved, so not marked either.
    const second = (await invoke('files:receive-begin', fromWindow, {
      senderId: 'ada',
      transferId: 'transfer0001',
      index: 1,
      path: 'bad.txt',
      size: 1,
    })) as { ok: true; value: { fileId: string } };
    await invoke('files:receive-write', fromWindow, second.value.fileId, 0, Uint8Array.from([1]));
    expect(await invoke('files:receive-finish', fromWindow, second.value.fileId, digest)).toMatchObject({
      ok: false,
    });
    expect(marked).toEqual([join(folder, 'note.txt')]);
  });
});
