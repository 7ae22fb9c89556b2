/**
 * Prometheus metrics of one service instance (prom-client), served at GET /metrics: what an
 * operator needs to see an attack or an outage: connected sockets, open nameplates, pairings,
 * refusals by event and code, relays, limiter refusals by scope, slow readers cut, and the
 * process's own figures (RSS, event-loop lag, open file descriptors).
 *
 * Each service gets its own registry (not prom-client's global one), so that several services in
 * one process (tests, the desktop app) never share or double-register metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { ErrorCode } from '../../contracts/result';
import type { ClientEventName } from './io-types';
import type { SignalingEvents } from './server';

export interface MetricSources {
  sockets(): number;
  /** With Redis, read from Redis: the whole service's figure, not this instance's. */
  openNameplates(): number | Promise<number>;
}

export interface ServiceMetrics {
  readonly events: SignalingEvents;
  /** Counts a TCP connection turned away by the per-address cap. */
  connectionRefused(): void;
  /** Wires the live gauges to what they measure. */
  observe(sources: MetricSources): void;
  readonly contentType: string;
  render(): Promise<string>;
}

export function createServiceMetrics(): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ferry_signaling_' });
  let sources: MetricSources = { sockets: () => 0, openNameplates: () => 0 };

  new Gauge({
    name: 'ferry_signaling_sockets',
    help: 'socket.io clients connected to this instance',
    registers: [registry],
    collect() {
      this.set(sources.sockets());
    },
  });
  new Gauge({
    name: 'ferry_signaling_open_nameplates',
    help: 'Nameplates open and waiting for a second device',
    registers: [registry],
    async collect() {
      // Redis away: the gauge keeps its last value rather than failing the whole scrape.
      try {
        this.set(await sources.openNameplates());
      } catch {
        return;
      }
    },
  });
  const pairings = new Counter({
    name: 'ferry_signaling_pairings_total',
    help: 'Second devices that joined an open nameplate',
    registers: [registry],
  });
  const failures = new Counter({
    name: 'ferry_signaling_failures_total',
    help: 'Client events answered with an error, by event and error code',
    labelNames: ['event', 'code'] as const,
    registers: [registry],
  });
  const relays = new Counter({
    name: 'ferry_signaling_relays_total',
    help: 'Handshake messages relayed between the two devices of a pair',
    registers: [registry],
  });
  const limiterRefusals = new Counter({
    name: 'ferry_signaling_limiter_refusals_total',
    help: 'Requests refused by a limit, by scope (address, relay, session, connection)',
    labelNames: ['scope'] as const,
    registers: [registry],
  });
  const slowReaders = new Counter({
    name: 'ferry_signaling_slow_readers_cut_total',
    help: 'Clients disconnected because they stopped reading what they were sent',
    registers: [registry],
  });

  function refused(event: ClientEventName, code: ErrorCode): void {
    failures.inc({ event, code });
    if (code !== 'RATE_LIMITED') return;
    limiterRefusals.inc({ scope: event === 'signal:relay' ? 'relay' : 'address' });
  }

  return {
    events: {
      onRefused: refused,
      onPaired: () => pairings.inc(),
      onRelayed: () => relays.inc(),
      onSlowReaderCut: () => slowReaders.inc(),
      onSessionRefused: (code) => {
        if (code === 'RATE_LIMITED') limiterRefusals.inc({ scope: 'session' });
      },
    },
    connectionRefused: () => limiterRefusals.inc({ scope: 'connection' }),
    observe(next) {
      sources = next;
    },
    contentType: registry.contentType,
    render: () => registry.metrics(),
  };
}
