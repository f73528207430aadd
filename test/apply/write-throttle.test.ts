/** The minimum gap between modifies, on a clock the test moves. */
import { WriteThrottle } from '../../src/apply/write-throttle';

function fakeClock(start = 1_000) {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => (now += ms),
    clock: { now: () => now, sleep: (ms: number) => {
        sleeps.push(ms);
        now += ms;
        return Promise.resolve();
      },
    },
  };
}

describe('WriteThrottle', () => {
  it('lets the first modify go at once, then keeps the gap of 1/writesPerSecond', async () => {
    const t = fakeClock();
    const throttle = new WriteThrottle(5, t.clock);
    await throttle.next();
    await throttle.next();
    t.advance(50);
    await throttle.next();
    t.advance(500);
    await throttle.next();
    expect(t.sleeps).toEqual([200, 150]);
  });

  it('refuses a rate that is not a positive number', () => {
    expect(() => new WriteThrottle(0)).toThrow(/positive/);
    expect(() => new WriteThrottle(Number.NaN)).toThrow(/positive/);
  });
});
