/** A TCP port nothing listens on right now (bench/azurite.ts has it: the benchmark needs it too). */
export { freePort } from '../../bench/azurite';
