/**
 * Two (or more) computers on one LAN, inside this machine: each "computer" is a network namespace
 * with one Ethernet-like interface (a veth) plugged into a bridge that lives in a namespace of its
 * own, with multicast on and a route for 224.0.0.0/4, so DNS-SD (mDNS) works between them as on a
 * home network. Addresses are private (10.77.0.0/24) and exist only inside these namespaces:
 * nothing reaches the machine's own network.
 *
 * Needs root (`ip netns add`); it works from inside the suite's loopback-only namespace
 * (scripts/in-loopback-netns.sh), because named namespaces are made fresh, not entered from there.
 * Everything made is removed by `close()`, and by an exit hook if the test process dies first;
 * leftovers of a run that was killed outright are swept at the next start.
 */
import { spawnSync } from 'node:child_process';
import type { Browser } from '@playwright/test';
import { systemChromium } from './chromium';
import { ip, openNamespaceGroup, type RunningProgram } from './netns';

export type { RunningProgram } from './netns';

const PREFIX = 'ferry-e2e';
const SUBNET = '10.77.0';

export interface LanHost {
  readonly name: string;
  /** The namespace's name (`ip netns exec <netns> …`). */
  readonly netns: string;
  /** This computer's LAN address, e.g. 10.77.0.1. */
  readonly address: string;
  /** Starts a long-lived program on this computer; it is stopped by `Lan.close()`. */
  start(
    command: string,
    args: readonly string[],
    options: { readonly env: NodeJS.ProcessEnv; readonly cwd: string },
  ): RunningProgram;
  /** A Chromium running on this computer (its network is this namespace's). */
  launchChromium(): Promise<Browser>;
}

export interface Lan {
  readonly hosts: readonly LanHost[];
  close(): Promise<void>;
}

/** Why a LAN cannot be made here, or undefined when it can. */
export function lanUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces (ip netns add)';
  if (spawnSync('ip', ['-V']).status !== 0) return 'needs iproute2 (ip)';
  if (systemChromium() === undefined) return 'needs a system Chromium to run inside a namespace';
  return undefined;
}

export async function createLan(names: readonly string[]): Promise<Lan> {
  const group = await openNamespaceGroup(PREFIX);
  try {
    const switchNs = `${group.tag}-lan`;
    group.add(switchNs);
    ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0');
    ip('-n', switchNs, 'link', 'set', 'br0', 'up');

    const hosts = names.map((name, index): LanHost => {
      const netns = `${group.tag}-${name}`;
      const address = `${SUBNET}.${index + 1}`;
      group.add(netns);
      ip(
        'link',
        'add',
        'eth0',
        'netns',
        netns,
        'type',
        'veth',
        'peer',
        'name',
        `port${index}`,
        'netns',
        switchNs,
      );
      ip('-n', switchNs, 'link', 'set', `port${index}`, 'master', 'br0');
      ip('-n', switchNs, 'link', 'set', `port${index}`, 'up');
      ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', netns, 'link', 'set', 'eth0', 'multicast', 'on', 'up');
      ip('-n', netns, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');

      return {
        name,
        netns,
        address,
        start: (command, args, options) => group.start(netns, command, args, options),
        launchChromium: () => group.launchChromium(netns, name),
      };
    });
    return { hosts, close: () => group.close() };
  } catch (error) {
    await group.close();
    throw error;
  }
}
