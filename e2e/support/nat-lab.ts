/**
 * The NAT lab: two homes behind home routers, and an "internet" between them holding Ferry's
 * signaling service (the built `node out/signaling/cli.js`, serving the web client) and coturn
 * (STUN and TURN). Every computer is a network namespace:
 *
 *   home A (10.0.1.2) ─ lan │ router A │ wan (203.0.113.11) ─┐
 *                                                          ├─ br0 "internet" (203.0.113.1: service, coturn)
 *   home B (10.0.2.2) ─ lan │ router B │ wan (203.0.113.12) ─┘
 *
 * Each router behaves as one of the NAT behaviours of e2e/support/nat-rules.ts. Addresses are
 * documentation ranges that exist only inside these namespaces; nothing reaches the machine's own
 * network, and the lab works from inside the suite's loopback-only namespace (named namespaces are
 * made fresh). Everything is removed by `close()`, by an exit hook when the process ends first, and
 * by a sweep at the next start when a run was killed outright.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Browser } from '@playwright/test';
import { systemChromium } from './chromium';
import { coturnArgs, turnserverPath } from './coturn';
import { WEB_CLIENT_DIR } from './fixtures';
import { inNamespace, ip, openNamespaceGroup } from './netns';
import { routerRuleset, type NatBehaviour } from './nat-rules';

export { NAT_BEHAVIOURS, type NatBehaviour } from './nat-rules';

const PREFIX = 'ferry-nat';
const REPO = resolve(import.meta.dirname, '../..');
const INTERNET = '203.0.113.1';
const SERVICE_PORT = 8080;
const TURN_PORT = 3478;
const TURN_SECRET = 'ferry-nat-lab-turn-secret';

export interface NatLabOptions {
  /** The routers of home A and home B. */
  readonly routers: readonly [NatBehaviour, NatBehaviour];
  /** What ICE servers the service hands out: STUN and TURN (default), or STUN alone. */
  readonly iceServers?: 'stun-and-turn' | 'stun-only';
  /**
   * A slow, lossy uplink for home A (both directions; the other links are perfect): every path
   * from home A, to home B or to the relay, gets this round-trip time and loss, and each frame's
   * one-way delay varies by up to ± `jitterMs`. Needs python3 (e2e/support/link-emulator.py; this
   * kernel has no netem).
   */
  readonly uplinkA?: { readonly rttMs: number; readonly lossPercent: number; readonly jitterMs?: number };
}

const LINK_EMULATOR = resolve(import.meta.dirname, 'link-emulator.py');

export interface NatHome {
  readonly label: 'a' | 'b';
  readonly behaviour: NatBehaviour;
  /** The home computer's namespace (where its Chromium runs). */
  readonly netns: string;
  /** The router's namespace (`conntrack -L` there shows its mappings). */
  readonly routerNetns: string;
  /** The router's public address now. */
  publicAddress(): string;
  /** A Chromium on the home computer. */
  launchChromium(): Promise<Browser>;
  /**
   * The router gets a new public address (as after a reconnect of its uplink): the old one is
   * gone, and every mapping it held with it.
   */
  renumber(): void;
}

export interface NatLab {
  /** Where the browsers open Ferry: the service in the "internet". */
  readonly serviceUrl: string;
  readonly internetAddress: string;
  /** The lab's STUN server (coturn), for a page's own RTCPeerConnection. */
  readonly stunUrl: string;
  readonly homes: readonly [NatHome, NatHome];
  /** Everything the service and coturn printed, for a failure's sake. */
  output(): string;
  close(): Promise<void>;
}

/** Why the lab cannot run here, or undefined when it can. */
export function natLabUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces (ip netns add)';
  for (const [program, args] of [
    ['ip', ['-V']],
    ['nft', ['--version']],
    ['conntrack', ['--version']],
  ] as const) {
    if (spawnSync(program, args).status !== 0) {
      return `needs ${program} (run \`bash scripts/ensure-nat-lab.sh\` as root)`;
    }
  }
  if (turnserverPath() === undefined) return 'needs coturn (run `bash scripts/ensure-nat-lab.sh` as root)';
  if (systemChromium() === undefined) return 'needs a system Chromium to run inside a namespace';
  return undefined;
}

function sysctl(netns: string, setting: string): void {
  inNamespace(netns, 'sysctl', ['-qw', setting]);
}

export async function createNatLab(options: NatLabOptions): Promise<NatLab> {
  const group = await openNamespaceGroup(PREFIX);
  const internet = `${group.tag}-net`;
  try {
    group.add(internet);
    ip('-n', internet, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', internet, 'addr', 'add', `${INTERNET}/24`, 'dev', 'br0');
    ip('-n', internet, 'link', 'set', 'br0', 'up');
    // The internet routes to homes without NAT (their addresses are "public").
    sysctl(internet, 'net.ipv4.ip_forward=1');
    // Anything else (a home's private address, offered as a host candidate) leaves by a default
    // route into a link where nothing answers, and is lost without a word, as on the real internet.
    // Without that route (or with a blackhole or unreachable route) the send fails at once, and
    // coturn then closes the whole allocation of the peer that asked to relay there.
    ip('-n', internet, 'link', 'add', 'void0', 'type', 'veth', 'peer', 'name', 'void1');
    ip('-n', internet, 'addr', 'add', '198.51.100.1/30', 'dev', 'void0');
    ip('-n', internet, 'link', 'set', 'void0', 'up');
    ip('-n', internet, 'link', 'set', 'void1', 'up');
    ip(
      '-n',
      internet,
      'neigh',
      'add',
      '198.51.100.2',
      'lladdr',
      '02:00:00:00:00:02',
      'dev',
      'void0',
      'nud',
      'permanent',
    );
    ip('-n', internet, 'route', 'add', 'default', 'via', '198.51.100.2');

    const homes: NatHome[] = [];
    for (const [index, behaviour] of options.routers.entries()) {
      const label = index === 0 ? 'a' : 'b';
      const router = `${group.tag}-r${label}`;
      const home = `${group.tag}-h${label}`;
      const lanNet = `10.0.${index + 1}`;
      const hostAddress = `${lanNet}.2`;
      let wanAddress = `203.0.113.${11 + index}`;
      let renumbered = 0;
      group.add(router);
      group.add(home);
      const uplink = index === 0 ? options.uplinkA : undefined;
      if (uplink === undefined) {
        ip(
          'link',
          'add',
          'wan',
          'netns',
          router,
          'type',
          'veth',
          'peer',
          'name',
          `to-${label}`,
          'netns',
          internet,
        );
      } else {
        // Two TAP devices with the emulator between them instead of a veth pair: the round trip
        // crosses the link twice, so each way gets half of it.
        const link = group.start(
          internet,
          'python3',
          [
            LINK_EMULATOR,
            `to-${label}`,
            `/run/netns/${router}`,
            'wan',
            String(uplink.rttMs / 2),
            String(uplink.lossPercent),
            String(uplink.jitterMs ?? 0),
          ],
          { env: process.env, cwd: group.workDir },
        );
        await link.waitForLine(/^ready$/, 10_000);
      }
      ip('-n', internet, 'link', 'set', `to-${label}`, 'master', 'br0', 'up');
      ip('link', 'add', 'lan', 'netns', router, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', home);
      // Deleting the old public address must not take the new one (a secondary) with it.
      sysctl(router, 'net.ipv4.conf.all.promote_secondaries=1');
      sysctl(router, 'net.ipv4.ip_forward=1');
      ip('-n', router, 'addr', 'add', `${wanAddress}/24`, 'dev', 'wan');
      ip('-n', router, 'addr', 'add', `${lanNet}.1/24`, 'dev', 'lan');
      ip('-n', router, 'link', 'set', 'wan', 'up');
      ip('-n', router, 'link', 'set', 'lan', 'up');
      ip('-n', router, 'route', 'add', 'default', 'via', INTERNET);
      ip('-n', home, 'addr', 'add', `${hostAddress}/24`, 'dev', 'eth0');
      ip('-n', home, 'link', 'set', 'eth0', 'up');
      ip('-n', home, 'route', 'add', 'default', 'via', `${lanNet}.1`);
      if (behaviour === 'no-nat') ip('-n', internet, 'route', 'add', `${lanNet}.0/24`, 'via', wanAddress);
      const applyRules = (): void => {
        inNamespace(
          router,
          'nft',
          ['-f', '-'],
          routerRuleset(behaviour, { wan: wanAddress, host: hostAddress }),
        );
      };
      applyRules();

      homes.push({
        label,
        behaviour,
        netns: home,
        routerNetns: router,
        publicAddress: () => wanAddress,
        launchChromium() {
          return group.launchChromium(home, label, [
            // The page comes from the service's "public" http address; Ferry needs a secure context.
            `--unsafely-treat-insecure-origin-as-secure=http://${INTERNET}:${SERVICE_PORT}`,
          ]);
        },
        renumber() {
          const previous = wanAddress;
          renumbered += 1;
          wanAddress = `203.0.113.${100 + 10 * renumbered + index}`;
          ip('-n', router, 'addr', 'add', `${wanAddress}/24`, 'dev', 'wan');
          ip('-n', router, 'addr', 'del', `${previous}/24`, 'dev', 'wan');
          ip('-n', router, 'route', 'replace', 'default', 'via', INTERNET);
          if (behaviour === 'no-nat') {
            ip('-n', internet, 'route', 'replace', `${lanNet}.0/24`, 'via', wanAddress);
          }
          applyRules();
          // The mappings on the old address die with it (a real router's table is new too).
          spawnSync('ip', ['netns', 'exec', router, 'conntrack', '-F'], { stdio: 'ignore' });
        },
      });
    }
    const [homeA, homeB] = homes;
    if (homeA === undefined || homeB === undefined) throw new Error('the lab has two homes');

    const turnserver = turnserverPath();
    if (turnserver === undefined) throw new Error(natLabUnavailableReason());
    const coturn = group.start(
      internet,
      turnserver,
      coturnArgs({ address: INTERNET, port: TURN_PORT, secret: TURN_SECRET }),
      { env: process.env, cwd: group.workDir },
    );
    await coturn.waitForLine(/TCP listener opened on/, 30_000);

    const withTurn = (options.iceServers ?? 'stun-and-turn') === 'stun-and-turn';
    const service = group.start(internet, process.execPath, [join(REPO, 'out/signaling/cli.js')], {
      cwd: REPO,
      env: {
        ...process.env,
        FERRY_SIGNAL_HOST: INTERNET,
        FERRY_SIGNAL_PORT: String(SERVICE_PORT),
        FERRY_STATIC_DIR: WEB_CLIENT_DIR,
        FERRY_STUN_URLS: `stun:${INTERNET}:${TURN_PORT}`,
        FERRY_TURN_URLS: withTurn
          ? `turn:${INTERNET}:${TURN_PORT}?transport=udp,turn:${INTERNET}:${TURN_PORT}?transport=tcp`
          : '',
        FERRY_TURN_SECRET: withTurn ? TURN_SECRET : '',
        LOG_LEVEL: 'info',
      },
    });
    await service.waitForLine(/signaling service listening/, 30_000);

    return {
      serviceUrl: `http://${INTERNET}:${SERVICE_PORT}`,
      internetAddress: INTERNET,
      stunUrl: `stun:${INTERNET}:${TURN_PORT}`,
      homes: [homeA, homeB],
      output: () => `--- signaling service ---\n${service.output()}\n--- coturn ---\n${coturn.output()}`,
      close: () => group.close(),
    };
  } catch (error) {
    await group.close();
    throw error;
  }
}
