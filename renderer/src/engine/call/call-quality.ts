/**
 * Connection quality in words, and audio levels as a meter shows them. Pure functions of numbers
 * read from `getStats()` (see call-stats.ts).
 */

export type CallQuality = 'good' | 'fair' | 'poor';

export interface QualityInputs {
  /** Round-trip time of the selected ICE candidate pair, milliseconds. */
  readonly roundTripTimeMs: number | null;
  /** Share of the other side's audio packets lost over the last few seconds, 0..1. */
  readonly lossFraction: number | null;
  /** Interarrival jitter of the other side's audio, milliseconds. */
  readonly jitterMs: number | null;
}

/**
 * Thresholds, chosen from what people hear on a voice call:
 * - round trip: ITU-T G.114 finds mouth-to-ear delay up to ~150 ms (a 300 ms round trip)
 *   unnoticeable for conversation; beyond ~300 ms one way (600 ms round trip) people talk over
 *   each other.
 * - loss: Opus with its loss concealment stays clear to about 2 %; from about 8 % gaps and
 *   robotic artefacts are obvious.
 * - jitter: up to 30 ms the jitter buffer absorbs it without added delay (the level at which
 *   common VoIP monitors start warning); beyond 75 ms the buffer grows or audio drops out.
 * The worst of the three decides. Unknown measures (no packets yet) are left out; with none
 * known there is no judgement yet.
 */
export const QUALITY_THRESHOLDS = {
  good: { roundTripTimeMs: 300, lossFraction: 0.02, jitterMs: 30 },
  fair: { roundTripTimeMs: 600, lossFraction: 0.08, jitterMs: 75 },
} as const;

const RANK: Record<CallQuality, number> = { good: 0, fair: 1, poor: 2 };

function judge(value: number | null, good: number, fair: number): CallQuality | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (value <= good) return 'good';
  if (value <= fair) return 'fair';
  return 'poor';
}

export function callQuality(inputs: QualityInputs): CallQuality | null {
  const { good, fair } = QUALITY_THRESHOLDS;
  const verdicts = [
    judge(inputs.roundTripTimeMs, good.roundTripTimeMs, fair.roundTripTimeMs),
    judge(inputs.lossFraction, good.lossFraction, fair.lossFraction),
    judge(inputs.jitterMs, good.jitterMs, fair.jitterMs),
  ].filter((verdict): verdict is CallQuality => verdict !== null);
  if (verdicts.length === 0) return null;
  return verdicts.reduce((worst, verdict) => (RANK[verdict] > RANK[worst] ? verdict : worst));
}

/** The quietest level a meter shows above zero, in dB below full scale. */
const METER_FLOOR_DB = -60;

/**
 * A linear audio level (0..1, as WebRTC's `audioLevel` and an RMS amplitude are) on the 0..1 scale
 * of a level meter, in decibels: speech sits around the middle instead of near zero.
 */
export function meterLevel(linear: number): number {
  if (!Number.isFinite(linear) || linear <= 0) return 0;
  const db = 20 * Math.log10(Math.min(linear, 1));
  return Math.max(0, Math.min(1, 1 - db / METER_FLOOR_DB));
}
