import type { NetworkInterfaceInfo } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { localInfoSchema } from '../../../contracts/local-service';
import { startSignalingService } from '../../../signaling/src/service';
import { createMemoryLogger } from '../test-support/memory-logger';
import { startDesktopRuntime, type DesktopRuntime } from './desktop-runtime';

const running: DesktopRuntime[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
});

function lan(address: string): NetworkInterfaceInfo {
  return {
    address,
    family: 'IPv4',
    internal: false,
    netmask: '255.255.255.0',
    mac: '02:00:00:00:00:01',
    cidr: null,
  };
}

describe('the desktop runtime (real embedded service on an ephemeral port)', () => {
  it("tells its pages this machine's LAN join addresses, never loopback, fresh at every request", async () => {
    let interfaces: Record<string, NetworkInterfaceInfo[]> = { wlan0: [lan('192.168.1.20')] };
    const runtime = await startDesktopRuntime({
      // 0.0.0.0: the embedded service listens on the network, as it does by default.
      env: { FERRY_EMBEDDED_PORT: '0', FERRY_EMBEDDED_HOST: '0.0.0.0' },
      startService: (options) => startSignalingService(options),
      fetch,
      networkInterfaces: () => interfaces,
      nearby: () => [{ instanceId: 'ada-1', name: 'Ada laptop', url: 'http://192.168.1.30:47100' }],
      logger: createMemoryLogger(),
    });
    running.push(runtime);
    const url = runtime.signaling?.url ?? '';
    const port = new URL(url).port;
    const read = async () => localInfoSchema.parse(await (await fetch(`${url}/api/local`)).json());

    expect(await read()).toEqual({
      joinBaseUrls: [`http://192.168.1.20:${port}`],
      nearby: [{ instanceId: 'ada-1', name: 'Ada laptop', url: 'http://192.168.1.30:47100' }],
    });
    interfaces = { eth0: [lan('10.0.0.7')], lo: [{ ...lan('127.0.0.1'), internal: true }] };
    expect((await read()).joinBaseUrls).toEqual([`http://10.0.0.7:${port}`]);
  });

  it('offers no join address when the service listens on loopback only', async () => {
    const runtime = await startDesktopRuntime({
      env: { FERRY_EMBEDDED_PORT: '0', FERRY_EMBEDDED_HOST: '127.0.0.1' },
      startService: (options) => startSignalingService(options),
      fetch,
      networkInterfaces: () => ({ wlan0: [lan('192.168.1.20')] }),
      logger: createMemoryLogger(),
    });
    running.push(runtime);
    expect(runtime.localInfo()).toEqual({ joinBaseUrls: [], nearby: [] });
  });

  it('keeps running without a service when none can start, and says why in the log', async () => {
    const logger = createMemoryLogger();
    const runtime = await startDesktopRuntime({
      env: {},
      startService: () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })),
      fetch,
      networkInterfaces: () => ({}),
      logger,
    });
    expect(runtime.signaling).toBeUndefined();
    expect(logger.entries.some((entry) => entry.level === 'error')).toBe(true);
    await runtime.stop();
  });
});
