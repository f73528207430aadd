/**
 * Guards performance work on the checker: the reports must stay byte-identical.
 *
 *   node dist/bench/verify-identical.js save  <dir>   # from the code before the change
 *   node dist/bench/verify-identical.js check <dir>   # after it: exit 1 on the first difference
 *
 * Covers the JSON fleet report (src/render/json) for synthetic 1k and 10k fleets (parent-ou, storage on and off),
 * a synthetic 1.5k fleet as one domain group (storage on and off),
 * the demo fleet (domain and parent-ou groups, storage on and off), every demo host report, and every ordered
 * pair of demo computers (storage on and off, plus with file server FHOST1 and each demo user).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFleet, checkHost, checkPair } from '../src/checker';
import { demoData } from '../src/directory/demo-directory';
import type { MigrationGroup } from '../src/domain/migration-group';
import { createSnapshot } from '../src/domain/snapshot';
import { fleetJson, hostJson, pairJson } from '../src/render/json';
import { syntheticDirectory } from './synthetic';

type Output = { name: string; text: () => string };

function* outputs(sizes: number[]): Generator<Output> {
  const demo = createSnapshot(demoData(new Date('2026-01-01T00:00:00Z')));
  const groups: MigrationGroup[] = [{ kind: 'domain' }, { kind: 'parent-ou' }];
  for (const storage of [true, false]) {
    for (const group of groups) {
      yield { name: `demo-fleet-${group.kind}-${storage}`, text: () => JSON.stringify(fleetJson(checkFleet(demo, { storage, group }), 'demo')) };
      yield {
        name: `demo-hosts-${group.kind}-${storage}`,
        text: () => JSON.stringify(demo.hyperVHosts.map((h) => hostJson(checkHost(demo, h, { storage, group }), 'demo'))),
      };
    }
    const fs = demo.data.computers.filter((c) => c.name === 'FHOST1');
    const pairs: unknown[] = [];
    for (const a of demo.data.computers) {
      for (const b of demo.data.computers) {
        if (a === b) continue;
        pairs.push(pairJson(checkPair(demo, a, b, { storage }), 'demo'));
        pairs.push(pairJson(checkPair(demo, a, b, { storage, fileServers: fs }), 'demo'));
        for (const user of demo.data.users) pairs.push(pairJson(checkPair(demo, a, b, { storage, user }), 'demo'));
      }
    }
    yield { name: `demo-pairs-${storage}`, text: () => JSON.stringify(pairs) };
  }
  for (const n of sizes) {
    const snapshot = createSnapshot(syntheticDirectory(n));
    for (const storage of [true, false]) {
      yield {
        name: `synthetic-${n}-${storage}`,
        text: () => JSON.stringify(fleetJson(checkFleet(snapshot, { group: { kind: 'parent-ou' }, storage }), 'synthetic'), null, 1),
      };
    }
  }
  // One domain group of separate clusters: nearly every pair is missing, so most take checkFleet's counting path.
  const clusters = createSnapshot(syntheticDirectory(1500));
  for (const storage of [true, false]) {
    yield {
      name: `synthetic-1500-domain-${storage}`,
      text: () => JSON.stringify(fleetJson(checkFleet(clusters, { group: { kind: 'domain' }, storage }), 'synthetic'), null, 1),
    };
  }
}

function main(): void {
  const [mode, dir, sizesArg] = process.argv.slice(2);
  if ((mode !== 'save' && mode !== 'check') || !dir) throw new Error('usage: verify-identical save|check <dir> [1000,10000]');
  const sizes = (sizesArg ?? '1000,10000').split(',').map(Number);
  if (mode === 'save') mkdirSync(dir, { recursive: true });
  let failed = 0;
  for (const out of outputs(sizes)) {
    const text = out.text();
    const file = join(dir, `${out.name}.json`);
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 16);
    if (mode === 'save') {
      writeFileSync(file, text);
      process.stdout.write(`saved ${out.name} (${text.length} bytes, ${digest})\n`);
      continue;
    }
    if (!existsSync(file)) throw new Error(`no reference ${file}: run save from the unchanged code first`);
    const ref = readFileSync(file, 'utf8');
    if (ref === text) {
      process.stdout.write(`identical ${out.name} (${text.length} bytes, ${digest})\n`);
      continue;
    }
    failed++;
    let at = 0;
    while (at < ref.length && ref[at] === text[at]) at++;
    process.stdout.write(`DIFFERS ${out.name} at byte ${at}:\n  was: ${ref.slice(Math.max(0, at - 200), at + 200)}\n  now: ${text.slice(Math.max(0, at - 200), at + 200)}\n`);
  }
  if (failed > 0) {
    process.stdout.write(`${failed} output(s) differ\n`);
    process.exit(1);
  }
}

main();
