/**
 * The checker and the renderers, as one module the CLI loads while the directory is read (~25 ms of module
 * loading that `kcd scan` would otherwise spend before it connects).
 */
export { checkFleet, checkHost, checkPair } from '../checker';
export { fleetJson, fleetJsonChunks, hostJson, pairJson } from '../render/json';
export { fleetText, hostText, pairText } from '../render/text';
