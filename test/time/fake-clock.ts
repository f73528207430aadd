/** A clock tests move by hand: timers fire in order as time is advanced; nothing waits for real time. */
import type { Clock } from '../../src/time/clock';

export class FakeClock implements Clock {
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  private seq = 0;
  private t: number;

  constructor(start: string | number) {
    this.t = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.t;
  }

  setTimer(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Jumps to an instant without firing timers (a process that was not running). */
  set(at: string | number): void {
    this.t = typeof at === 'string' ? Date.parse(at) : at;
  }

  get pending(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward to `to`, firing every timer due on the way in order; after each, `settle` is
   * awaited (e.g. the scheduler's idle()) so the work the timer started is done before time moves on.
   */
  async advanceTo(to: string | number, settle: () => Promise<void>): Promise<void> {
    const target = typeof to === 'string' ? Date.parse(to) : to;
    for (let guard = 0; guard < 100_000; guard++) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
      if (!next || next[1].at > target) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
  }
}
