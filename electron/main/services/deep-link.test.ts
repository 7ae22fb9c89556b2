import { describe, expect, it } from 'vitest';
import { findDeepLinkInArgv, parseDeepLink } from './deep-link';

describe('parseDeepLink', () => {
  it.each([
    ['ferry://pair/K7M-Q2XW', 'K7M-Q2XW'],
    ['ferry://pair/k7mq2xw', 'K7M-Q2XW'],
    ['ferry://pair/K7M-Q2XW/', 'K7M-Q2XW'],
    ['ferry://PAIR/k7m%20q2xw', 'K7M-Q2XW'],
    ['FERRY://pair/K7M-Q2XW', 'K7M-Q2XW'],
  ])('reads %s', (link, code) => {
    expect(parseDeepLink(link)).toEqual({ type: 'pair', code });
  });

  it.each([
    'ferry://pair/',
    'ferry://pair',
    'ferry://pair/Q2XW',
    'ferry://pair/K7MABCD-Q2XW',
    'ferry://pair/K0M-Q2XW',
    'ferry://pair/K7M-Q2XW/extra',
    'ferry://pair/K7M-Q2XW?then=https://evil.example',
    'ferry://pair/K7M-Q2XW#x',
    'ferry://user:pw@pair/K7M-Q2XW',
    'ferry://pair:80/K7M-Q2XW',
    'ferry://call/K7M-Q2XW',
    'ferry:pair/K7M-Q2XW',
    'https://pair/K7M-Q2XW',
    'ferry://pair/%E0%A4%A',
    `ferry://pair/${'K7M-Q2XW'.repeat(20)}`,
    'not a link',
  ])('ignores %s', (link) => {
    expect(parseDeepLink(link)).toBeUndefined();
  });
});

describe('findDeepLinkInArgv', () => {
  it('finds the link among Electron and Chromium arguments', () => {
    expect(
      findDeepLinkInArgv(['C:\\Ferry\\Ferry.exe', '--allow-file-access-from-files', 'ferry://pair/K7M-Q2XW']),
    ).toEqual({ type: 'pair', code: 'K7M-Q2XW' });
  });

  it('finds nothing without a link, or with a malformed one', () => {
    expect(findDeepLinkInArgv(['/usr/bin/ferry', '--profile=alice'])).toBeUndefined();
    expect(findDeepLinkInArgv(['/usr/bin/ferry', 'ferry://pair/nope'])).toBeUndefined();
    expect(findDeepLinkInArgv(['/usr/bin/ferry', '/home/ada/ferry://pair/K7M-Q2XW'])).toBeUndefined();
  });
});
