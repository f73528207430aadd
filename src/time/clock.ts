/**
 * The scheduler's only access to time: tests inject a clock they move by hand, so no test waits for a
 * real minute or depends on the wall clock.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once after `ms` (the returned handle is for clearTimer). */
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Node's clock. Timers are unref'd: a pending daily post never keeps a process (or a test run) alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, ms) => {
    const timer = setTimeout(callback, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    timer.unref();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
