/** A counting semaphore: at most `limit` operations run at once; the rest wait in FIFO order. */
export class Semaphore {
  private active = 0;
  private peakActive = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`semaphore limit must be a positive integer (got ${limit})`);
  }

  async run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    try {
      return await operation();
    } finally {
      const next = this.waiting.shift();
      // The permit passes straight to the next waiter (active stays the same).
      if (next) next();
      else this.active--;
    }
  }

  /** The most operations that ever ran at once (tests, diagnostics). */
  get peak(): number {
    return this.peakActive;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
