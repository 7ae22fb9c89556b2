import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appDataDir, chooseProfile, profileUserDataDir } from './profile';

describe('chooseProfile', () => {
  it('uses the default profile when nothing is given', () => {
    expect(chooseProfile(['/usr/bin/ferry'], {})).toEqual({ kind: 'default' });
    expect(chooseProfile(['/usr/bin/ferry'], { FERRY_PROFILE: '' })).toEqual({ kind: 'default' });
  });

  it('takes FERRY_PROFILE', () => {
    expect(chooseProfile(['ferry'], { FERRY_PROFILE: 'bob' })).toEqual({ kind: 'named', name: 'bob' });
  });

  it('lets --profile= win over the environment', () => {
    expect(chooseProfile(['ferry', '--profile=alice'], { FERRY_PROFILE: 'bob' })).toEqual({
      kind: 'named',
      name: 'alice',
    });
  });

  it.each(['../../etc', 'a/b', 'C:\\x', '.hidden', 'x'.repeat(33), 'sp ace', '-dash'])(
    'refuses %j, which could escape or clash as a folder name',
    (value) => {
      expect(chooseProfile(['ferry', `--profile=${value}`], {})).toEqual({ kind: 'invalid', value });
    },
  );
});

describe('profileUserDataDir', () => {
  it('is a sibling of the default userData folder', () => {
    expect(profileUserDataDir('/home/ada/.config', 'Ferry', 'alice')).toBe(
      join('/home/ada/.config', 'Ferry-alice'),
    );
  });
});

describe('appDataDir (where Electron keeps profiles, for the services that run without it)', () => {
  it.each([
    ['linux', {}, '/home/ada/.config'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg'],
    ['darwin', {}, '/home/ada/Library/Application Support'],
    ['win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada\\AppData\\Roaming'],
  ] as const)('on %s with %o', (platform, env, expected) => {
    expect(appDataDir(platform, env, '/home/ada')).toBe(expected);
  });
});
