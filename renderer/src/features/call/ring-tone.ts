import { useEffect } from 'react';

/** Seconds between the starts of two rings, and the two tones of one ring (a soft, familiar pattern). */
const RING_PERIOD_MS = 3_000;
const TONES: readonly (readonly [offsetSeconds: number, hertz: number])[] = [
  [0, 440],
  [0.5, 480],
];
/** Quiet on purpose: the ring dialog and the system notification carry the message too. */
const VOLUME = 0.06;

/**
 * Rings while `active`: short tones made with Web Audio, so there is no sound file to ship. Where
 * the page may not play sound yet (no user gesture in a plain browser), it stays silent.
 */
export function useRingTone(active: boolean): void {
  useEffect(() => {
    if (!active || typeof AudioContext === 'undefined') return;
    const context = new AudioContext();
    const ring = () => {
      if (context.state !== 'running') void context.resume().catch(() => undefined);
      const start = context.currentTime + 0.05;
      for (const [offset, hertz] of TONES) {
        const oscillator = context.createOscillator();
        const gain = context.createGain();
        oscillator.frequency.value = hertz;
        gain.gain.setValueAtTime(0, start + offset);
        gain.gain.linearRampToValueAtTime(VOLUME, start + offset + 0.03);
        gain.gain.linearRampToValueAtTime(0, start + offset + 0.4);
        oscillator.connect(gain).connect(context.destination);
        oscillator.start(start + offset);
        oscillator.stop(start + offset + 0.45);
      }
    };
    ring();
    const timer = setInterval(ring, RING_PERIOD_MS);
    return () => {
      clearInterval(timer);
      void context.close().catch(() => undefined);
    };
  }, [active]);
}
