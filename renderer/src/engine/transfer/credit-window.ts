/**
 * The sender's side of receiver credit: how many bytes may still be sent before the receiver has
 * written more to disk. The receiver acknowledges with a cumulative count (`transfer:credit`), so a
 * lost or merged credit only delays, never corrupts, the window.
 *
 * Without it the sender runs as fast as the network allows, and a receiver with a slower disk
 * holds the difference in memory; with it, the receiver holds at most `size` bytes.
 */
export class CreditWindow {
  private sent = 0;
  private credited = 0;
  private waiter: {
    readonly need: number;
    readonly resolve: () => void;
    readonly reject: (e: unknown) => void;
  } | null = null;
  private closedWith: unknown = null;

  constructor(private readonly size: number) {}

  /** Bytes sent and not yet acknowledged. */
  get inFlight(): number {
    return this.sent - this.credited;
  }

  get acknowledged(): number {
    return this.credited;
  }

  /** Whether `bytes` more may be sent now. */
  fits(bytes: number): boolean {
    // A chunk larger than the whole window must still go once the window is empty.
    return this.inFlight === 0 || this.inFlight + bytes <= this.size;
  }

  /** Resolves once `bytes` more fit; one waiter at a time (the send loop). */
  async reserve(bytes: number): Promise<void> {
    if (this.closedWith !== null) throw this.closedWith;
    if (this.fits(bytes)) return;
    if (this.waiter) throw new Error('CreditWindow: one waiter at a time');
    await new Promise<void>((resolve, reject) => {
      this.waiter = { need: bytes, resolve, reject };
    });
  }

  /** Records bytes handed to the channel. */
  sentBytes(bytes: number): void {
    this.sent += bytes;
  }

  /**
   * The receiver's cumulative count. Returns false for a credit beyond what was sent (a confused or
   * hostile receiver); the caller decides what that means.
   */
  credit(written: number): boolean {
    if (written > this.sent) return false;
    if (written <= this.credited) return true;
    this.credited = written;
    const waiter = this.waiter;
    if (waiter && this.fits(waiter.need)) {
      this.waiter = null;
      waiter.resolve();
    }
    return true;
  }

  /** Fails the waiting and every later `reserve` (cancel, link down). */
  close(reason: unknown): void {
    this.closedWith = reason;
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(reason);
  }
}
