import { CHECKS, type Check } from '../../src/checks';
import { entriesOf, missingEntries } from '../../src/checks/helpers';
import { destNeeds, PairScreen, type DestNeeds } from '../../src/checks/pair-screen';
import { createSnapshot, delegationIdsOf, type DirectorySnapshot } from '../../src/domain/snapshot';
import type { Computer } from '../../src/domain/model';
import { syntheticDirectory } from '../../bench/synthetic';
import { CIFS, MIGRATION_SERVICE } from '../../src/domain/spn';
import { computer, forestOf } from '../support/small-forest';
import { demoData } from '../../src/directory/demo-directory';
import { loadScenarios, scenarioData } from '../support/scenario';

type PairCheck = Extract<Check, { scope: 'pair' }>;
const PAIR_RULES = CHECKS.filter((c): c is PairCheck => c.scope === 'pair');
/** Host and fleet questions evaluate both directions, so they leave out the reverse-direction hint. */
const FLEET_RULES = PAIR_RULES.filter((c) => c.id !== 'KCD016');

function snapshots(): Array<{ name: string; snapshot: DirectorySnapshot }> {
  return [
    { name: 'demo', snapshot: createSnapshot(demoData(new Date(0))) },
    ...loadScenarios().map((s) => ({ name: s.id, snapshot: createSnapshot(scenarioData(s)) })),
  ];
}

/** Every ordered pair of distinct computers of one domain: what Check.needs speaks about. */
function* sameDomainPairs(snapshot: DirectorySnapshot) {
  for (const source of snapshot.data.computers) {
    for (const dest of snapshot.data.computers) if (source !== dest && source.domain === dest.domain) yield { source, dest };
  }
}

describe("each pair rule's own statement about a destination (Check.needs)", () => {
  test.each(PAIR_RULES.map((r) => [r.id, r] as const))('%s: what it states from DEST alone is what check finds for every source', (_id, rule) => {
    const kinds = { findings: 0, entries: 0, 'per-pair': 0 };
    for (const { name, snapshot } of snapshots()) {
      for (const storage of [true, false]) {
        for (const { source, dest } of sameDomainPairs(snapshot)) {
          const needs = rule.needs(snapshot, dest, storage);
          kinds[needs.kind]++;
          if (needs.kind === 'per-pair') continue;
          const found = rule.check({ snapshot, source, dest, storage, fileServers: [] });
          const where = { snapshot: name, storage, source: source.name, dest: dest.name };
          if (needs.kind === 'findings') {
            expect({ ...where, found }).toEqual({ ...where, found: needs.findings });
            continue;
          }
          const spns = needs.serviceClasses.flatMap((c) => missingEntries(snapshot, source, dest, c));
          const stated = spns.map((spn) => ({
            rule: rule.id,
            severity: rule.severity,
            subject: source.name,
            data: { spn, target: dest.name },
            fix: { kind: 'computer', host: source.name, addDelegation: [spn] },
          }));
          const shape = found.map(({ rule, severity, subject, data, fix }) => ({ rule, severity, subject, data, fix }));
          expect({ ...where, found: shape }).toEqual({ ...where, found: stated });
        }
      }
    }
    // The fixtures reach the statement a rule of fleet questions makes (not only "per-pair", which says nothing).
    if (FLEET_RULES.includes(rule)) expect(kinds.findings + kinds.entries).toBeGreaterThan(0);
  });

  test('the fixtures reach every kind of statement, and findings that are not empty', () => {
    const seen = new Set<string>();
    for (const { snapshot } of snapshots()) {
      for (const dest of snapshot.data.computers) {
        for (const rule of PAIR_RULES) {
          const needs = rule.needs(snapshot, dest, true);
          seen.add(needs.kind === 'findings' && needs.findings.length > 0 ? 'findings+' : needs.kind);
        }
      }
    }
    expect([...seen].sort()).toEqual(['entries', 'findings', 'findings+', 'per-pair']);
  });
});

describe('the fleet pair screen', () => {
  /** Every ordered pair the screen calls clean must get no finding from any of its rules. */
  function verdicts(snapshot: DirectorySnapshot, storage: boolean): { clean: number; maybe: number } {
    const screen = new PairScreen(snapshot, storage, FLEET_RULES);
    let clean = 0;
    let maybe = 0;
    for (const source of snapshot.data.computers) {
      for (const dest of snapshot.data.computers) {
        if (source === dest) continue;
        if (!screen.clean(source, dest)) {
          maybe++;
          continue;
        }
        clean++;
        for (const rule of FLEET_RULES) {
          const found = rule.check({ snapshot, source, dest, storage, fileServers: [] });
          expect({ rule: rule.id, source: source.name, dest: dest.name, found }).toEqual({ rule: rule.id, source: source.name, dest: dest.name, found: [] });
        }
      }
    }
    return { clean, maybe };
  }

  test.each([true, false])('never calls a pair with findings clean: demo directory, storage %s', (storage) => {
    const { clean, maybe } = verdicts(createSnapshot(demoData(new Date(0))), storage);
    expect(clean).toBeGreaterThan(0);
    expect(maybe).toBeGreaterThan(0);
  });

  test('never calls a pair with findings clean: every scenario', () => {
    let clean = 0;
    for (const scenario of loadScenarios()) {
      for (const storage of [true, false]) clean += verdicts(createSnapshot(scenarioData(scenario)), storage).clean;
    }
    expect(clean).toBeGreaterThan(0);
  });

  test('a rule that can only tell per pair keeps every pair into that destination from the screen', () => {
    const snapshot = createSnapshot(demoData(new Date(0)));
    const everyPairPerPair: PairCheck = { ...FLEET_RULES[0]!, needs: () => ({ kind: 'per-pair' }) };
    const screen = new PairScreen(snapshot, true, [...FLEET_RULES, everyPairPerPair]);
    for (const { source, dest } of sameDomainPairs(snapshot)) expect(screen.clean(source, dest)).toBe(false);
  });
});

/**
 * The screen's stated condition, without its target-id pool: SOURCE in DEST's domain, no rule needs the pair
 * itself (`needs` defined), no rule has findings for DEST, and SOURCE lists every entry the rules need.
 */
function statedClean(snapshot: DirectorySnapshot, source: Computer, dest: Computer, needs: DestNeeds | undefined): boolean {
  return (
    source.domain === dest.domain &&
    needs !== undefined &&
    needs.findings.length === 0 &&
    needs.entries.every((e) => missingEntries(snapshot, source, dest, e.serviceClass).length === 0)
  );
}

describe('the fleet pair screen says clean exactly when its stated conditions hold', () => {
  /**
   * Clean iff SOURCE is in DEST's domain, no rule needs the pair itself, no rule has findings for DEST, and SOURCE
   * lists every entry the rules need (destNeeds + missingEntries, stated without the screen's target-id pool).
   * A screen that says "maybe" too often gives the same reports, only slower; this pins its actual job.
   */
  function expectExact(snapshot: DirectorySnapshot, storage: boolean, where: string): number {
    const screen = new PairScreen(snapshot, storage, FLEET_RULES);
    const needsOf = new Map(snapshot.data.computers.map((dest) => [dest, destNeeds(snapshot, FLEET_RULES, dest, storage)]));
    let clean = 0;
    for (const source of snapshot.data.computers) {
      for (const dest of snapshot.data.computers) {
        if (source === dest) continue;
        const expected = statedClean(snapshot, source, dest, needsOf.get(dest));
        const pair = { where, storage, source: source.name, dest: dest.name };
        expect({ ...pair, clean: screen.clean(source, dest) }).toEqual({ ...pair, clean: expected });
        if (expected) clean++;
      }
    }
    return clean;
  }

  test.each([true, false])('demo directory and every scenario, storage %s', (storage) => {
    let clean = 0;
    for (const { name, snapshot } of snapshots()) clean += expectExact(snapshot, storage, name);
    expect(clean).toBeGreaterThan(0);
  });
});

describe('the fleet pair screen past its first buffer of target ids (4,096 slots) and across its edge', () => {
  /** A synthetic fleet big enough that the needed ids of its later hosts are written after the buffer grew. */
  const snapshot = createSnapshot(syntheticDirectory(1600));
  const hosts = snapshot.data.computers;
  /** The Hyper-V hosts in the order the screen is asked about them (the data's order; DCs, file servers and servers come last). */
  const hyperV = hosts.filter((h) => snapshot.hyperVHosts.includes(h));
  const firstAndLast = [...hyperV.slice(0, 20), ...hyperV.slice(-20)];
  const parentOf = (c: Computer) => c.distinguishedName.slice(c.distinguishedName.indexOf(',') + 1);
  /** Sources for DEST: its cluster (the hosts that delegate to it) and a few hosts of other clusters. */
  const sourcesFor = (dest: Computer) => [...hosts.filter((h) => h !== dest && parentOf(h) === parentOf(dest)), ...hosts.slice(0, 3).filter((h) => h !== dest)];

  test.each([true, false])('hosts written first and last still say clean exactly when the stated conditions hold, storage %s', (storage) => {
    const screen = new PairScreen(snapshot, storage, FLEET_RULES);
    const handles = new Map(hosts.map((h) => [h, screen.handle(h)]));
    // The last hosts' needed ids were written after the buffer grew.
    expect(hyperV.slice(-20).filter((h) => handles.get(h)! >= 4096).length).toBeGreaterThan(10);
    let clean = 0;
    let maybe = 0;
    // And the hosts written across the buffer's edge.
    const acrossTheEdge = hyperV.filter((h) => Math.abs(handles.get(h)! - 4096) <= 16);
    expect(acrossTheEdge.length).toBeGreaterThan(2);
    for (const dest of [...firstAndLast, ...acrossTheEdge]) {
      const needs = destNeeds(snapshot, FLEET_RULES, dest, storage);
      for (const source of sourcesFor(dest)) {
        const expected = statedClean(snapshot, source, dest, needs);
        const pair = { storage, source: source.name, dest: dest.name };
        expect({ ...pair, clean: screen.clean(source, dest) }).toEqual({ ...pair, clean: expected });
        if (expected) clean++;
        else maybe++;
      }
    }
    expect(clean).toBeGreaterThan(100);
    expect(maybe).toBeGreaterThan(40);
  });

  test('a fresh handle answers as the remembered one, before and after the buffer grew', () => {
    const screen = new PairScreen(snapshot, true, FLEET_RULES);
    for (const dest of firstAndLast) {
      const fresh = screen.freshHandle(dest);
      for (const source of sourcesFor(dest)) {
        expect({ source: source.name, dest: dest.name, clean: screen.cleanFor(source, dest, fresh) }).toEqual({
          source: source.name,
          dest: dest.name,
          clean: screen.clean(source, dest),
        });
      }
    }
  });
});

describe('PairScreen.lists (the counting path of fleet scans)', () => {
  test('true exactly for the delegation-target ids SOURCE lists, whatever source was asked before; -1 never', () => {
    let listed = 0;
    for (const { name, snapshot } of snapshots()) {
      const screen = new PairScreen(snapshot, true, FLEET_RULES);
      const ids = snapshot.delegationTargetById.map((_t, id) => id);
      // Sources asked in turn, then the first again: the screen's memory of the last source must follow.
      const sources = [...snapshot.data.computers, snapshot.data.computers[0]!];
      for (const source of sources) {
        const own = new Set(delegationIdsOf(snapshot, source).inOrder);
        for (const id of ids) {
          expect({ name, source: source.name, id, lists: screen.lists(source, id) }).toEqual({ name, source: source.name, id, lists: own.has(id) });
          if (own.has(id)) listed++;
        }
        expect(screen.lists(source, -1)).toBe(false);
      }
    }
    expect(listed).toBeGreaterThan(0);
  });
});

describe('the pair screen with a rule that states entries for a destination that does not answer to them', () => {
  /**
   * The screen knows nothing of what a rule checks: with the pair rules, a DEST whose entries are needed answers
   * to them (else KCD007 has findings), so what createSnapshot learnt about DEST's own SPNs always covers them.
   * A rule that needs cifs entries whatever DEST holds makes the screen read the delegation targets themselves.
   */
  const cifsEverywhere: PairCheck = { ...FLEET_RULES[0]!, id: 'TEST-CIFS', needs: () => entriesOf(CIFS) };
  const dn = (name: string) => `CN=${name},DC=contoso,DC=com`;
  // D1 answers to cifs/D1 through HOST/D1, not to cifs/d1.contoso.com; to the migration service by its FQDN.
  const d1 = computer({ name: 'D1', samAccountName: 'D1$', dnsHostName: 'd1.contoso.com', distinguishedName: dn('D1'), servicePrincipalNames: ['HOST/D1', `${MIGRATION_SERVICE}/d1.contoso.com`] });
  // D2 answers to nothing; D3 holds cifs/D3 and has no FQDN; D4 is listed by nobody.
  const d2 = computer({ name: 'D2', samAccountName: 'D2$', dnsHostName: 'd2.contoso.com', distinguishedName: dn('D2') });
  const d3 = computer({ name: 'D3', samAccountName: 'D3$', distinguishedName: dn('D3'), servicePrincipalNames: ['cifs/D3'] });
  const d4 = computer({ name: 'D4', samAccountName: 'D4$', distinguishedName: dn('D4') });
  // D5 answers to the migration service (its facts are learnt) but not to cifs/D5.
  const d5 = computer({ name: 'D5', samAccountName: 'D5$', distinguishedName: dn('D5'), servicePrincipalNames: [`${MIGRATION_SERVICE}/D5`] });
  const all = ['cifs/D2', 'cifs/d2.contoso.com', 'cifs/D1', 'cifs/d1.contoso.com', `${MIGRATION_SERVICE}/d1.contoso.com`, 'cifs/D3', `${MIGRATION_SERVICE}/D5`, 'cifs/D5'];
  // Listed first by the first computer: cifs/D2 is delegation target 0.
  const everything = computer({ name: 'S1', samAccountName: 'S1$', distinguishedName: dn('S1'), allowedToDelegateTo: all });
  const netbiosOnly = computer({ name: 'S2', samAccountName: 'S2$', distinguishedName: dn('S2'), allowedToDelegateTo: ['cifs/D1', 'cifs/D2', 'cifs/D3', 'cifs/D5'] });
  const fqdnOnly = computer({ name: 'S3', samAccountName: 'S3$', distinguishedName: dn('S3'), allowedToDelegateTo: ['cifs/d1.contoso.com', 'cifs/d2.contoso.com'] });
  const nothing = computer({ name: 'S4', samAccountName: 'S4$', distinguishedName: dn('S4') });
  const snapshot = createSnapshot(forestOf([everything, netbiosOnly, fqdnOnly, nothing, d1, d2, d3, d4, d5]));

  test('clean exactly when SOURCE lists every needed entry', () => {
    expect(snapshot.delegationTargets.get('cifs/D2')!.id).toBe(0);
    const screen = new PairScreen(snapshot, true, [cifsEverywhere]);
    const verdicts: Record<string, string[]> = {};
    for (const dest of [d1, d2, d3, d4, d5]) {
      const needs = destNeeds(snapshot, [cifsEverywhere], dest, true);
      for (const source of [everything, netbiosOnly, fqdnOnly, nothing]) {
        const expected = statedClean(snapshot, source, dest, needs);
        const pair = { source: source.name, dest: dest.name };
        expect({ ...pair, clean: screen.clean(source, dest) }).toEqual({ ...pair, clean: expected });
        if (expected) (verdicts[dest.name] ??= []).push(source.name);
      }
    }
    // The stated condition itself, for these fixtures: S1 lists everything, S2 the NetBIOS forms; D4 nobody.
    expect(verdicts).toEqual({ D1: ['S1'], D2: ['S1'], D3: ['S1', 'S2'], D5: ['S1', 'S2'] });
  });
});
