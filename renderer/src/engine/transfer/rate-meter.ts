/**
 * Speed and time left, as a person wants to read them: steady (averaged over the last few seconds,
 * not the last chunk) and honest at the start (no estimate until there is something to measure).
 */
export interface RateReading {
  /** Bytes per second over the window; 0 until two samples span at least `minSpanMs`. */
  readonly bytesPerSecond: number;
  /** Seconds until `total` at that rate; null while unknown. */
  readonly secondsLeft: number | null;
}

export class RateMeter {
  private readonly samples: { readonly at: number; readonly bytes: number }[] = [];

  constructor(
    private readonly windowMs = 4000,
    private readonly minSpanMs = 500,
  ) {}

  /** Bytes done so far (cumulative) at time `at` (ms). */
  sample(at: number, bytes: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && at <= last.at) {
      this.samples[this.samples.length - 1] = { at: last.at, bytes };
    } else {
      this.samples.push({ at, bytes });
    }
    // Keep one sample older than the window, so the window is always fully covered.
    while (this.samples.length > 2 && (this.samples[1]?.at ?? at) <= at - this.windowMs) this.samples.shift();
  }

  /** Forget the history (after a pause: the old speed says nothing about the new connection). */
  reset(): void {
    this.samples.length = 0;
  }

  read(total: number): RateReading {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at - first.at < this.minSpanMs)
      return { bytesPerSecond: 0, secondsLeft: null };
    const bytesPerSecond = ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
    if (bytesPerSecond <= 0) return { bytesPerSecond: 0, secondsLeft: null };
    return { bytesPerSecond, secondsLeft: Math.max(0, (total - last.bytes) / bytesPerSecond) };
  }
}
