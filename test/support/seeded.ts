/** Seeded pseudo-random numbers for the reference tests' generated estates: the same seed, the same estate. */
export type Rng = () => number;

/** Numbers in [0, 1) from a 32-bit seed (a small multiply-xorshift generator; quality enough for test data). */
export function rngOf(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return (s >>> 8) / 0x1000000;
  };
}

export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
