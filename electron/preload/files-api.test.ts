import { describe, expect, it } from 'vitest';
import { FILE_GRANT_CHANNEL, FILE_IPC_FUNCTIONS } from '../../contracts/file-ipc';
import { createFerryFilesApi } from './files-api';

describe('window.ferry.files (preload)', () => {
  it('grants main the path of a dropped file before the files are opened to send', async () => {
    const log: string[] = [];
    let releaseGrant: () => void = () => undefined;
    const api = createFerryFilesApi(
      {
        invoke: (channel, ...args) => {
          log.push(`${channel} ${JSON.stringify(args)}`);
          if (channel === FILE_GRANT_CHANNEL) {
            // Main answers the grant late: opening must wait for it.
            return new Promise((resolve) => (releaseGrant = () => resolve({ ok: true, value: null })));
          }
          log.push(`answered ${channel}`);
          return Promise.resolve({ ok: true, value: { sourceId: 's', files: [] } });
        },
      },
      { getPathForFile: (file) => (file.name === 'made-in-page.txt' ? '' : `/home/ana/${file.name}`) },
    );
    expect(api.pathForFile?.(new File(['x'], 'cat.jpg'))).toBe('/home/ana/cat.jpg');
    // A File made by the page has no path, and nothing is granted for it.
    expect(api.pathForFile?.(new File(['x'], 'made-in-page.txt'))).toBe('');
    const opening = api.openSources(['/home/ana/cat.jpg']);
    await Promise.resolve();
    expect(log).toEqual([`${FILE_GRANT_CHANNEL} [["/home/ana/cat.jpg"]]`]);
    releaseGrant();
    expect(await opening).toMatchObject({ ok: true });
    expect(log).toEqual([
      `${FILE_GRANT_CHANNEL} [["/home/ana/cat.jpg"]]`,
      'files:open-sources [["/home/ana/cat.jpg"]]',
      'answered files:open-sources',
    ]);
  });

  it('exposes one function per file channel and pathForFile, none for the grant channel itself', () => {
    const api = createFerryFilesApi(
      { invoke: async () => ({ ok: true, value: null }) },
      { getPathForFile: () => '' },
    );
    expect(Object.keys(api).sort()).toEqual([...Object.values(FILE_IPC_FUNCTIONS), 'pathForFile'].sort());
  });
});
