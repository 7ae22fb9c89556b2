import { describe, expect, it } from 'vitest';
import { isConnectAllowed } from './connect-policy';

const services = ['http://127.0.0.1:47100', 'https://signal.example.org/ferry', 'http://192.168.1.20:47100'];

describe('which servers the page may reach', () => {
  it.each([
    ['http://127.0.0.1:47100/socket.io/?EIO=4&transport=polling', true],
    ['ws://127.0.0.1:47100/socket.io/?EIO=4&transport=websocket', true],
    ['wss://signal.example.org/socket.io/', true],
    ['https://signal.example.org/healthz', true],
    ['http://192.168.1.20:47100/socket.io/', true],
  ])('a signaling service: %s', (url, expected) => {
    expect(isConnectAllowed(url, services)).toBe(expected);
  });

  it.each([
    'https://evil.example/collect?chat=hello',
    'http://127.0.0.1:8080/',
    'ws://127.0.0.1:47101/',
    'http://signal.example.org/socket.io/',
    'ws://signal.example.org/socket.io/',
    'https://signal.example.org:8443/',
    'http://192.168.1.21:47100/',
    'file:///home/ana/.ssh/id_ed25519',
    'not a url',
  ])('anything else: %s', (url) => {
    expect(isConnectAllowed(url, services)).toBe(false);
  });

  it('leaves the page itself, data: and blob: to the CSP', () => {
    for (const url of [
      'app://ferry/assets/index.js',
      'data:image/png;base64,AAAA',
      'blob:app://ferry/1234',
    ]) {
      expect(isConnectAllowed(url, services)).toBe(true);
    }
  });

  it('follows the services as they change: a nearby device that left is no longer reachable', () => {
    const url = 'http://192.168.1.20:47100/socket.io/';
    expect(isConnectAllowed(url, services)).toBe(true);
    expect(isConnectAllowed(url, services.slice(0, 2))).toBe(false);
  });
});
