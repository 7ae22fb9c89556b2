import { describe, expect, it } from 'vitest';
import { callQuality, meterLevel } from './call-quality';
import { qualityInputs, readCallStats, type CallStatsSample } from './call-stats';

describe('call quality in words', () => {
  it.each([
    ['a LAN call', { roundTripTimeMs: 2, lossFraction: 0, jitterMs: 1 }, 'good'],
    ['at the edge of good', { roundTripTimeMs: 300, lossFraction: 0.02, jitterMs: 30 }, 'good'],
    ['a long round trip', { roundTripTimeMs: 450, lossFraction: 0, jitterMs: 5 }, 'fair'],
    ['some loss', { roundTripTimeMs: 40, lossFraction: 0.05, jitterMs: 5 }, 'fair'],
    ['some jitter', { roundTripTimeMs: 40, lossFraction: 0, jitterMs: 50 }, 'fair'],
    ['a satellite-like delay', { roundTripTimeMs: 700, lossFraction: 0, jitterMs: 5 }, 'poor'],
    ['heavy loss on a fast path', { roundTripTimeMs: 10, lossFraction: 0.15, jitterMs: 5 }, 'poor'],
    ['heavy jitter', { roundTripTimeMs: 10, lossFraction: 0, jitterMs: 120 }, 'poor'],
    ['only a round trip known yet', { roundTripTimeMs: 20, lossFraction: null, jitterMs: null }, 'good'],
  ] as const)('%s is %s', (_name, inputs, expected) => {
    expect(callQuality(inputs)).toBe(expected);
  });

  it('has no verdict before anything is measured', () => {
    expect(callQuality({ roundTripTimeMs: null, lossFraction: null, jitterMs: null })).toBeNull();
  });
});

describe('level meters', () => {
  it('maps silence to 0, full scale to 1 and speech-like levels to the middle', () => {
    expect(meterLevel(0)).toBe(0);
    expect(meterLevel(1)).toBe(1);
    expect(meterLevel(2)).toBe(1);
    expect(meterLevel(0.001)).toBeCloseTo(0);
    expect(meterLevel(0.03)).toBeGreaterThan(0.4);
    expect(meterLevel(0.03)).toBeLessThan(0.6);
    expect(meterLevel(Number.NaN)).toBe(0);
  });
});

/** A getStats() report as Chromium shapes it, reduced to the fields that matter. */
function report(entries: Record<string, unknown>[]) {
  return { forEach: (callback: (stats: unknown) => void) => entries.forEach((entry) => callback(entry)) };
}

describe('reading a call’s statistics', () => {
  const base = [
    { id: 'T01', type: 'transport', timestamp: 5_000, selectedCandidatePairId: 'CP2' },
    { id: 'CP1', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
    { id: 'CP2', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.012 },
    {
      id: 'IT-now',
      type: 'inbound-rtp',
      kind: 'audio',
      trackIdentifier: 'remote-now',
      packetsReceived: 500,
      packetsLost: 5,
      jitter: 0.004,
      audioLevel: 0.05,
      totalAudioEnergy: 1.5,
      totalSamplesDuration: 10,
    },
    {
      // An earlier call's transceiver on the same connection.
      id: 'IT-old',
      type: 'inbound-rtp',
      kind: 'audio',
      trackIdentifier: 'remote-old',
      packetsReceived: 9_999,
      packetsLost: 999,
      audioLevel: 0.9,
      totalAudioEnergy: 99,
    },
    { id: 'OT', type: 'outbound-rtp', kind: 'audio', packetsSent: 480 },
    { id: 'OT-video', type: 'outbound-rtp', kind: 'video', packetsSent: 1 },
  ];

  it('counts only the current call’s inbound audio and takes the transport’s selected pair', () => {
    const sample = readCallStats(report(base), new Set(['remote-now']));
    expect(sample).toEqual({
      timestamp: 5_000,
      packetsReceived: 500,
      packetsLost: 5,
      jitterSeconds: 0.004,
      audioLevel: 0.05,
      totalAudioEnergy: 1.5,
      totalSamplesDuration: 10,
      packetsSent: 480,
      roundTripTimeSeconds: 0.012,
    });
  });

  it('falls back to the nominated, succeeded pair when the transport names none', () => {
    const withoutTransport = base.filter((entry) => entry.type !== 'transport');
    expect(readCallStats(report(withoutTransport), new Set()).roundTripTimeSeconds).toBe(0.9);
  });

  it('reports nothing received before the other side’s track arrived', () => {
    const sample = readCallStats(report(base), new Set());
    expect(sample).toMatchObject({ packetsReceived: 0, audioLevel: null, jitterSeconds: null });
  });

  it('judges loss over the span between two samples, not since the call began', () => {
    const earlier = { packetsReceived: 1_000, packetsLost: 100 } as CallStatsSample;
    const now = {
      packetsReceived: 1_098,
      packetsLost: 102,
      jitterSeconds: 0.01,
      roundTripTimeSeconds: 0.05,
    } as CallStatsSample;
    expect(qualityInputs(earlier, now)).toEqual({ lossFraction: 0.02, jitterMs: 10, roundTripTimeMs: 50 });
    expect(qualityInputs(null, now).lossFraction).toBeNull();
  });
});
