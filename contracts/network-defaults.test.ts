import { describe, expect, it } from 'vitest';
import { NetworkDefaultsError, resolveNetworkDefaults } from './network-defaults';

const stun = { urls: 'stun:stun.ferry.example:3478' };

describe('network defaults chosen at build time', () => {
  it('are empty unless set', () => {
    expect(resolveNetworkDefaults(undefined, {})).toEqual({ internetSignalingUrl: '', iceServers: [] });
  });

  it('come from package.json, and the environment of the build overrides them', () => {
    const fromPackage = { internetSignalingUrl: 'https://signal.ferry.example', iceServers: [stun] };
    expect(resolveNetworkDefaults(fromPackage, {})).toEqual(fromPackage);
    expect(
      resolveNetworkDefaults(fromPackage, {
        FERRY_DEFAULT_SIGNALING_URL: 'https://other.example',
        FERRY_DEFAULT_ICE_SERVERS: '[]',
      }),
    ).toEqual({ internetSignalingUrl: 'https://other.example', iceServers: [] });
  });

  it('refuse what the app could not use, with a sentence for the packager', () => {
    expect(() => resolveNetworkDefaults({ internetSignalingUrl: 'ftp://x' }, {})).toThrow(
      NetworkDefaultsError,
    );
    expect(() => resolveNetworkDefaults({}, { FERRY_DEFAULT_ICE_SERVERS: '{oops' })).toThrow(/not JSON/);
    expect(() => resolveNetworkDefaults({ iceServers: [{ urls: '' }] }, {})).toThrow(/iceServers/);
    expect(() => resolveNetworkDefaults({ extra: 1 }, {})).toThrow(NetworkDefaultsError);
  });
});
