/** Azurite for tests: the launcher lives in bench/ (the replicas' chat benchmark starts it too). */
export { Azurite } from '../../bench/azurite';
