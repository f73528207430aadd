/** jest globalTeardown of the `dc` project: stops the DC that globalSetup started (by its pid) and removes its folder. */
import { existsSync, readFileSync } from 'node:fs';
import { LAB_FACTS_ENV, type LabFacts, teardownLab } from './lab';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[LAB_FACTS_ENV];
  if (!file || !existsSync(file)) return;
  const facts = JSON.parse(readFileSync(file, 'utf8')) as LabFacts;
  await teardownLab(facts);
  delete process.env[LAB_FACTS_ENV];
}
