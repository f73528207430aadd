/**
 * The minimum gap between two modifies of one writer (writesPerSecond), so that neither a big plan nor a script
 * calling `kcd fix --apply` in a loop hammers the DC. The clock and the sleep are injectable for tests.
 */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class WriteThrottle {
  readonly gapMs: number;
  #last = Number.NEGATIVE_INFINITY;

  constructor(
    writesPerSecond: number,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isFinite(writesPerSecond) || writesPerSecond <= 0) throw new Error(`writesPerSecond must be a positive number (got ${writesPerSecond})`);
    this.gapMs = 1000 / writesPerSecond;
  }

  /** Waits until a modify may be sent, and counts it as sent. */
  async next(): Promise<void> {
    const wait = this.#last + this.gapMs - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    this.#last = this.clock.now();
  }
}
