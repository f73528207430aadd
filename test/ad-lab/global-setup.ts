/**
 * jest globalSetup of the `dc` project: provisions and starts ONE Samba AD DC for the whole run (see lab.ts) and
 * puts the path of its facts JSON in KCD_AD_LAB_FACTS, which the test workers inherit.
 */
import { LAB_FACTS_ENV, setupLab } from './lab';

export default async function globalSetup(): Promise<void> {
  const facts = await setupLab();
  process.env[LAB_FACTS_ENV] = facts.factsFile;
}
