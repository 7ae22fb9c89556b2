import { describe, expect, it } from 'vitest';
import { appCommandSchema } from '../../../../contracts/ipc';
import type { FerryFilesApi, OpenedSources } from '../../../../contracts/file-ipc';
import { err, ok } from '../../../../contracts/result';
import { sha256Hex } from '../../engine/transfer/sha256';
import { FakeConnection, Side, patternBytes, until } from '../../engine/transfer/testing/transfer-harness';
import { filesApiReadPaths } from '../../host/files-api-sink';
import { createFerryStore } from '../../state/store';
import { routeAppCommand, type CommandCalls } from '../desktop/command-router';
import { sendChosenPaths } from './send-paths';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

const settings = testSettings({ deviceId: 'ada-device', deviceName: 'Ada laptop' });
const noCalls: CommandCalls = {
  place: () => 'offline',
  accept: () => false,
  decline: () => undefined,
  hangUp: () => undefined,
  toggleMute: () => undefined,
};

function storeWithBob() {
  const store = createFerryStore(testAppInfo, settings);
  store.getState().peerOnline({ id: 'bob-device', name: 'Bob desktop', appVersion: '0.1.0' });
  store.getState().openPairing();
  return store;
}

/** The main-process file services as the preload exposes them, over files kept in memory. */
function memoryFilesApi(files: Record<string, Uint8Array>) {
  const opened: string[][] = [];
  const closed: string[] = [];
  const api: Pick<FerryFilesApi, 'openSources' | 'readSource' | 'closeSource'> = {
    openSources: async (paths) => {
      opened.push(paths);
      if (paths.some((path) => !(path in files))) return err('FILE_NOT_FOUND');
      const value: OpenedSources = {
        sourceId: 'source-1',
        files: paths.map((path, index) => ({
          index,
          path: path.split('/').pop() ?? path,
          size: files[path]?.byteLength ?? 0,
        })),
      };
      return ok(value);
    },
    readSource: async (_sourceId, index, offset, length) => {
      const bytes = files[opened.at(-1)?.[index] ?? ''] ?? new Uint8Array();
      return ok(bytes.slice(offset, offset + length));
    },
    closeSource: async (sourceId) => {
      closed.push(sourceId);
      return ok(null);
    },
  };
  return { api, opened, closed };
}

describe('files chosen from the tray’s “Send files…”', () => {
  it('a send-paths command opens the conversation and hands the paths to transfers', () => {
    const store = storeWithBob();
    const asked: [string, readonly string[]][] = [];
    const command = appCommandSchema.parse({
      type: 'send-paths',
      peerId: 'bob-device',
      paths: ['/home/ada/a.txt'],
    });
    routeAppCommand(command, store, noCalls, { sendPaths: (peerId, paths) => asked.push([peerId, paths]) });
    expect(asked).toEqual([['bob-device', ['/home/ada/a.txt']]]);
    expect(store.getState()).toMatchObject({ selectedDeviceId: 'bob-device', pairingOpen: false });

    routeAppCommand({ type: 'send-paths', peerId: 'stranger', paths: ['/x'] }, store, noCalls, {
      sendPaths: (peerId, paths) => asked.push([peerId, paths]),
    });
    expect(asked).toHaveLength(1);
    expect(store.getState().announcement?.key).toBe('desktop.unknownDevice');
  });

  it('offers them read by path in main, and the bytes arrive with the same SHA-256', async () => {
    const store = storeWithBob();
    const photo = patternBytes(700_000, 3);
    const notes = patternBytes(1234, 4);
    const { api, opened, closed } = memoryFilesApi({
      '/home/ada/photo.jpg': photo,
      '/home/ada/notes.txt': notes,
    });
    const ada = new Side('ada-device');
    const bob = new Side('bob-device');
    bob.autoAccept = true;
    new FakeConnection(ada, bob);

    await sendChosenPaths(
      { store, host: { readPaths: filesApiReadPaths(api) }, manager: ada.manager },
      'bob-device',
      ['/home/ada/photo.jpg', '/home/ada/notes.txt'],
    );
    expect(opened).toEqual([['/home/ada/photo.jpg', '/home/ada/notes.txt']]);
    expect(store.getState().announcement).toMatchObject({
      key: 'transfer.sendingChosen',
      params: { name: 'Bob desktop' },
    });
    await until(() => bob.sink.saved.size === 2 && ada.only('out').phase === 'done', 'both files arrived');
    expect(sha256Hex(bob.sink.saved.get('photo.jpg') ?? new Uint8Array())).toBe(sha256Hex(photo));
    expect(sha256Hex(bob.sink.saved.get('notes.txt') ?? new Uint8Array())).toBe(sha256Hex(notes));
    expect(closed).toEqual(['source-1']);
  });

  it('says so when the files cannot be read or the device went offline', async () => {
    const store = storeWithBob();
    const { api, closed } = memoryFilesApi({ '/here.txt': patternBytes(10) });
    const ada = new Side('ada-device');
    const host = { readPaths: filesApiReadPaths(api) };
    await sendChosenPaths({ store, host, manager: ada.manager }, 'bob-device', ['/gone.txt']);
    expect(store.getState().announcement?.key).toBe('transfer.notSentTo.unreadable');
    await sendChosenPaths({ store, host, manager: ada.manager }, 'bob-device', ['/here.txt']);
    expect(store.getState().announcement?.key).toBe('transfer.notSentTo.offline');
    expect(closed).toEqual(['source-1']);
  });
});
