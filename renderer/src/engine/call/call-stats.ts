/**
 * What a call needs from `RTCPeerConnection.getStats()`: the other side's audio as it arrives
 * (packets, loss, jitter, level, energy), what we send, and the round-trip time of the path.
 *
 * Inbound audio is counted only for the remote tracks the current call plays (a connection keeps
 * its audio lines from one call to the next, see call-manager.ts). Their counters run from when
 * the line was made, so figures are compared between two samples, never read as totals of a call.
 */
import type { QualityInputs } from './call-quality';

/** An RTCStatsReport, or anything that lists stats objects the same way. */
export interface StatsReportLike {
  forEach(callback: (stats: unknown) => void): void;
}

export interface CallStatsSample {
  /** When the report was made, ms (the stats' own clock). */
  readonly timestamp: number;
  /** Inbound audio of this call: RTP packets received and lost (cumulative). */
  readonly packetsReceived: number;
  readonly packetsLost: number;
  /** Inbound interarrival jitter, seconds; null before any packet arrived. */
  readonly jitterSeconds: number | null;
  /** The other side's current audio level, 0..1 (linear); null before any audio arrived. */
  readonly audioLevel: number | null;
  /** Cumulative energy of the received audio, and the seconds of audio it covers. */
  readonly totalAudioEnergy: number;
  readonly totalSamplesDuration: number;
  /** Outbound audio packets sent on this connection (cumulative, every call's track). */
  readonly packetsSent: number;
  /** Round-trip time of the selected candidate pair, seconds. */
  readonly roundTripTimeSeconds: number | null;
}

type StatsRecord = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is StatsRecord {
  return typeof value === 'object' && value !== null;
}

function numberOf(stats: StatsRecord, field: string): number | null {
  const value = stats[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOf(stats: StatsRecord, field: string): string | null {
  const value = stats[field];
  return typeof value === 'string' ? value : null;
}

/** Sums the current call's inbound audio and reads the path's round trip from one report. */
export function readCallStats(report: StatsReportLike, remoteTrackIds: ReadonlySet<string>): CallStatsSample {
  const all: StatsRecord[] = [];
  report.forEach((stats) => {
    if (isRecord(stats)) all.push(stats);
  });

  let timestamp = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let jitterSeconds: number | null = null;
  let audioLevel: number | null = null;
  let totalAudioEnergy = 0;
  let totalSamplesDuration = 0;
  let packetsSent = 0;
  let selectedPairId: string | null = null;

  for (const stats of all) {
    timestamp = Math.max(timestamp, numberOf(stats, 'timestamp') ?? 0);
    const type = stringOf(stats, 'type');
    const audio = stringOf(stats, 'kind') === 'audio';
    if (type === 'inbound-rtp' && audio && remoteTrackIds.has(stringOf(stats, 'trackIdentifier') ?? '')) {
      packetsReceived += numberOf(stats, 'packetsReceived') ?? 0;
      packetsLost += Math.max(0, numberOf(stats, 'packetsLost') ?? 0);
      totalAudioEnergy += numberOf(stats, 'totalAudioEnergy') ?? 0;
      totalSamplesDuration += numberOf(stats, 'totalSamplesDuration') ?? 0;
      const jitter = numberOf(stats, 'jitter');
      if (jitter !== null) jitterSeconds = Math.max(jitterSeconds ?? 0, jitter);
      const level = numberOf(stats, 'audioLevel');
      if (level !== null) audioLevel = Math.max(audioLevel ?? 0, level);
    } else if (type === 'outbound-rtp' && audio) {
      packetsSent += numberOf(stats, 'packetsSent') ?? 0;
    } else if (type === 'transport') {
      selectedPairId = stringOf(stats, 'selectedCandidatePairId') ?? selectedPairId;
    }
  }

  const pairs = all.filter((stats) => stringOf(stats, 'type') === 'candidate-pair');
  // Chromium names the selected pair on the transport; otherwise take the nominated, working one.
  const selected =
    pairs.find((pair) => selectedPairId !== null && stringOf(pair, 'id') === selectedPairId) ??
    pairs.find((pair) => pair['nominated'] === true && stringOf(pair, 'state') === 'succeeded');

  return {
    timestamp,
    packetsReceived,
    packetsLost,
    jitterSeconds,
    audioLevel,
    totalAudioEnergy,
    totalSamplesDuration,
    packetsSent,
    roundTripTimeSeconds: selected ? numberOf(selected, 'currentRoundTripTime') : null,
  };
}

/** Quality measures between an earlier sample and now: loss is counted over that span only. */
export function qualityInputs(earlier: CallStatsSample | null, now: CallStatsSample): QualityInputs {
  let lossFraction: number | null = null;
  if (earlier) {
    const received = now.packetsReceived - earlier.packetsReceived;
    const lost = now.packetsLost - earlier.packetsLost;
    if (received + lost > 0) lossFraction = Math.max(0, lost) / (Math.max(0, received) + Math.max(0, lost));
  }
  return {
    roundTripTimeMs: now.roundTripTimeSeconds === null ? null : now.roundTripTimeSeconds * 1000,
    lossFraction,
    jitterMs: now.jitterSeconds === null ? null : now.jitterSeconds * 1000,
  };
}
