/**
 * The checker and the renderers, as one module the CLI loads while the directory waits on its server (see
 * Directory.snapshot's `whileWaiting`): ~25 ms of module loading that `kcd scan` otherwise spends before it
 * connects.
 */
export { checkFleet, checkHost, checkPair } from '../checker';
export { fleetJson, fleetJsonChunks, hostJson, pairJson } from '../render/json';
export { fleetText, hostText, pairText } from '../render/text';
