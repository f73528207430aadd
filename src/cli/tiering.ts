/**
 * V8's tiering for the CLI's evaluation: wait for more type feedback before optimizing a function.
 *
 * Why: `kcd` evaluates one snapshot per process. Once the directory is read, building the snapshot, checkFleet
 * and the JSON report each run their functions over the fleet once, and with V8's default interrupt budget
 * (67,584 bytes of bytecode on Node 20) TurboFan optimizes them after the first few dozen hosts, on feedback
 * that has not yet seen every shape (hosts with and without findings, each check's data), deoptimizes them
 * ("wrong map", "insufficient type feedback") and compiles them again: at 5,000 hosts, ~75 optimizing compiles
 * and ~15 deoptimizations in that phase, ~0.4 s of compiler time for a phase that takes ~0.3 s. With eight
 * times the budget, functions are optimized once, on settled feedback: the phase after the last LDAP page came
 * down from 0.36–0.39 s to 0.23–0.26 s (`kcd scan` of the 5,000-host bench DC; bench/README.md), and a
 * 50,000-host evaluation is as fast as before (its functions are hot for seconds either way).
 *
 * Only when the directory has been read: the decoding of LDAP pages is hot from the first page on and gains
 * from being optimized early. Only in the CLI: the bot is a long-running process. The flag changes when V8
 * optimizes, never what the code computes; it is set only on the V8 versions it was measured on (an unknown
 * flag would print an error), once per process, and a failure to set it is ignored.
 */
// node:v8 is loaded when the budget is raised, not with this module: early-read.ts imports it before the first
// LDAP request leaves, and loading node:v8 takes ~4 ms.
const setFlagsFromString = (flags: string): void => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('node:v8') as typeof import('node:v8')).setFlagsFromString(flags);
};

/** Eight times V8's default interrupt budget on Node 20 (V8 11.3: `--interrupt-budget=67584`). */
export const ONE_PASS_INTERRUPT_BUDGET = 8 * 67_584;

/** V8 versions whose `--interrupt-budget` was measured here (Node 20). */
const MEASURED_V8 = /^11\.3\./;

let tuned = false;

/**
 * Raises V8's interrupt budget for the rest of the process (see above). Returns whether it did so now: false on
 * other V8 versions, when already done, or when V8 refused.
 */
export function tuneTieringForOnePass(
  v8Version: string = process.versions.v8,
  setFlags: (flags: string) => void = setFlagsFromString,
): boolean {
  if (tuned || !MEASURED_V8.test(v8Version)) return false;
  tuned = true;
  try {
    setFlags(`--interrupt-budget=${ONE_PASS_INTERRUPT_BUDGET}`);
    return true;
  } catch {
    return false;
  }
}

/** For tests: forget that the budget was raised. */
export function resetTieringForTests(): void {
  tuned = false;
}
