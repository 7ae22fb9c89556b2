import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../test-support/memory-logger';
import { createDownloadMark, macQuarantineValue, windowsZoneIdentifier } from './download-mark';

function world(platform: NodeJS.Platform, fail = false) {
  const writes: [string, string][] = [];
  const runs: [string, readonly string[]][] = [];
  const logger = createMemoryLogger();
  const mark = createDownloadMark({
    platform,
    now: () => 1_700_000_000_000,
    logger,
    writeFile: async (path, text) => {
      if (fail) throw Object.assign(new Error('no streams here'), { code: 'EINVAL' });
      writes.push([path, text]);
    },
    execFile: async (file, args) => {
      if (fail) throw new Error('xattr failed');
      runs.push([file, args]);
    },
  });
  return { mark, writes, runs, logger };
}

describe('the downloaded-file mark on received files', () => {
  it('macOS: the quarantine attribute, as a browser download has it', async () => {
    const { mark, runs, writes } = world('darwin');
    await mark('/Users/ada/Downloads/Ferry/tool.app');
    expect(runs).toEqual([
      [
        '/usr/bin/xattr',
        ['-w', 'com.apple.quarantine', '0081;6553f100;Ferry;', '/Users/ada/Downloads/Ferry/tool.app'],
      ],
    ]);
    expect(macQuarantineValue(1_700_000_000_000)).toBe('0081;6553f100;Ferry;');
    expect(writes).toEqual([]);
  });

  it('Windows: a Zone.Identifier stream saying Internet (zone 3)', async () => {
    const { mark, writes, runs } = world('win32');
    await mark('C:\\Users\\ada\\Downloads\\Ferry\\setup.exe');
    expect(writes).toEqual([
      ['C:\\Users\\ada\\Downloads\\Ferry\\setup.exe:Zone.Identifier', '[ZoneTransfer]\r\nZoneId=3\r\n'],
    ]);
    expect(windowsZoneIdentifier()).toContain('ZoneId=3');
    expect(runs).toEqual([]);
  });

  it('Linux has no such mark: nothing is written', async () => {
    const { mark, writes, runs } = world('linux');
    await mark('/home/ada/Downloads/Ferry/run.sh');
    expect(writes).toEqual([]);
    expect(runs).toEqual([]);
  });

  it('a mark that cannot be written is logged, never thrown: the file is saved already', async () => {
    const { mark, logger } = world('win32', true);
    await expect(mark('D:\\fat32\\a.exe')).resolves.toBeUndefined();
    expect(JSON.stringify(logger.entries)).toContain('could not mark a received file as downloaded');
  });
});
