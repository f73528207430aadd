/**
 * The fleet scan's PairFindingSummariser on its own: what it keeps, how it counts the rest, the summary's words,
 * peers and fix. checker.test.ts and fleet-reference.test.ts see it through checkFleet, where peers come in name
 * order and each rule's fixes look alike; here findings come as a test sends them.
 */
import { FLEET_FINDINGS_PER_RULE, FLEET_MAX_LISTED, PairFindingSummariser } from '../../src/checker/fleet-summariser';
import type { Finding, Fix } from '../../src/domain/finding';
import type { MigrationGroup } from '../../src/domain/migration-group';
import { peerQuery } from '../../src/domain/migration-group';
import { createSnapshot } from '../../src/domain/snapshot';
import { CIFS, MIGRATION_SERVICE } from '../../src/domain/spn';
import { computer, forestOf } from '../support/small-forest';

const host = computer({ name: 'HV1', samAccountName: 'HV1$', dnsHostName: 'hv1.contoso.com' });
const snapshot = createSnapshot(forestOf([host]));
const GROUP: MigrationGroup = { kind: 'domain' };
const summariser = (options: { storage?: boolean; distinctNames?: boolean; peerCount?: number } = {}) =>
  new PairFindingSummariser(snapshot, host, GROUP, options.storage ?? true, options.peerCount ?? 500, options.distinctNames ?? true);

/** A pair finding of HV1 about `target` (the pair's DEST); subject HV1 unless told. */
function finding(rule: string, target: string, fix: Fix | undefined, subject = 'HV1'): Finding {
  return { rule, severity: 'error', subject, message: `${rule} ${target}`, why: `why ${rule}`, data: { target }, ...(fix ? { fix } : {}) };
}
const adds = (...addDelegation: string[]): Fix => ({ kind: 'computer', host: 'HV1', addDelegation });
const peer = (i: number) => `P${String(i).padStart(4, '0')}`;
/** `n` findings of `rule`, one per peer from `from`, each adding `class/<peer>`. */
const missing = (rule: string, serviceClass: string, n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => finding(rule, peer(from + i), adds(`${serviceClass}/${peer(from + i)}`)));

const summaries = (s: PairFindingSummariser) => s.findings().filter((f) => typeof f.data.more === 'number');

describe('what is kept and what is counted', () => {
  test('the first FLEET_FINDINGS_PER_RULE findings per rule and subject are kept as they are, in order', () => {
    const s = summariser();
    const sent = [...missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE + 3), ...missing('KCD002', CIFS, 2)];
    s.add(sent);
    const out = s.findings();
    expect(out.slice(0, FLEET_FINDINGS_PER_RULE)).toEqual(sent.slice(0, FLEET_FINDINGS_PER_RULE));
    expect(out.filter((f) => f.rule === 'KCD002')).toEqual(sent.slice(-2));
    expect(summaries(s).map((f) => [f.rule, f.data.more])).toEqual([['KCD001', 3]]);
  });

  test('one more finding: the summary says "1 more … finding" and "1 more peer"', () => {
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE + 1));
    expect(summaries(s)).toEqual([
      {
        rule: 'KCD001',
        severity: 'error',
        subject: 'HV1',
        message: '… and 1 more KCD001 finding for HV1 (1 more peer). Run kcd host HV1 for each of them.',
        why: 'why KCD001',
        data: { more: 1, peers: [peer(FLEET_FINDINGS_PER_RULE)] },
        fix: adds(`${MIGRATION_SERVICE}/${peer(FLEET_FINDINGS_PER_RULE)}`),
      },
    ]);
  });

  test('several: plural words; findings without a target count no peer', () => {
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE + 2));
    const noTarget: Finding = { rule: 'KCD009', severity: 'warning', subject: 'HV1', message: 'm', why: 'w', data: {} };
    s.add(Array.from({ length: FLEET_FINDINGS_PER_RULE + 2 }, () => noTarget));
    expect(summaries(s).map((f) => f.message)).toEqual([
      '… and 2 more KCD001 findings for HV1 (2 more peers). Run kcd host HV1 for each of them.',
      '… and 2 more KCD009 findings for HV1. Run kcd host HV1 for each of them.',
    ]);
    expect(summaries(s)[1]!.data).toEqual({ more: 2, peers: [] });
    expect(summaries(s)[1]!.fix).toBeUndefined();
  });

  test('the two findings of one pair (both name forms) count one peer', () => {
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE));
    const target = peer(99);
    s.add([finding('KCD001', target, adds(`${MIGRATION_SERVICE}/${target}`)), finding('KCD001', target, adds(`${MIGRATION_SERVICE}/${target}.contoso.com`))]);
    const [summary] = summaries(s);
    expect(summary!.message).toBe('… and 2 more KCD001 findings for HV1 (1 more peer). Run kcd host HV1 for each of them.');
    expect(summary!.fix).toEqual(adds(`${MIGRATION_SERVICE}/${target}`, `${MIGRATION_SERVICE}/${target}.contoso.com`));
  });

  test('a dropped finding without a fix adds no entry to the summary\'s fix; a rule whose fix adds no delegation gets no summary fix', () => {
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE + 1));
    s.add([finding('KCD001', peer(500), undefined)]);
    expect(summaries(s)[0]!.fix).toEqual(adds(`${MIGRATION_SERVICE}/${peer(FLEET_FINDINGS_PER_RULE)}`));
    const other = summariser();
    const enable: Fix = { kind: 'computer', host: 'HV1', enable: true };
    other.add(Array.from({ length: FLEET_FINDINGS_PER_RULE + 1 }, (_, i) => finding('KCD009', peer(i), enable)));
    expect(summaries(other)[0]!.fix).toBeUndefined();
  });
});

describe('the summary\'s fix: literal entries up to FLEET_MAX_LISTED, then a loop over the peers', () => {
  const loop = (services: string[], missingEntries: number): Fix => ({
    kind: 'delegate-to-peers',
    host: 'HV1',
    services,
    peers: peerQuery(snapshot, host, GROUP),
    missing: missingEntries,
    peerCount: 500,
  });

  test.each([
    ['KCD001', MIGRATION_SERVICE, true, [MIGRATION_SERVICE]],
    ['KCD002', CIFS, true, [CIFS]],
    ['KCD014', MIGRATION_SERVICE, true, [MIGRATION_SERVICE, CIFS]],
    ['KCD014', MIGRATION_SERVICE, false, [MIGRATION_SERVICE]],
  ] as const)('%s (storage %p): exactly FLEET_MAX_LISTED entries are listed, one more makes a loop over %p', (rule, serviceClass, storage, services) => {
    const listed = summariser({ storage });
    listed.add(missing(rule, serviceClass, FLEET_FINDINGS_PER_RULE + FLEET_MAX_LISTED));
    const fix = summaries(listed)[0]!.fix;
    expect(fix).toEqual(adds(...missing(rule, serviceClass, FLEET_MAX_LISTED, FLEET_FINDINGS_PER_RULE).map((f) => f.data.target as string).map((t) => `${serviceClass}/${t}`)));

    const looped = summariser({ storage });
    looped.add(missing(rule, serviceClass, FLEET_FINDINGS_PER_RULE + FLEET_MAX_LISTED + 1));
    expect(summaries(looped)[0]!.fix).toEqual(loop([...services], FLEET_MAX_LISTED + 1));
  });

  test('past the limit, a rule with no loop of its own gets no fix (each peer needs its own)', () => {
    const s = summariser();
    s.add(missing('KCD003', CIFS, FLEET_FINDINGS_PER_RULE + FLEET_MAX_LISTED + 1));
    expect(summaries(s)[0]!.fix).toBeUndefined();
  });

  test('dropMissing (the counting path) lists up to FLEET_MAX_LISTED entries, then loops', () => {
    const peers = Array.from({ length: 40 }, (_, i) => computer({ name: peer(i), samAccountName: `${peer(i)}$`, dnsHostName: `${peer(i).toLowerCase()}.contoso.com` }));
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE + 1, 100));
    const more = s.summarising(`KCD001|HV1`)!;
    expect(more).toBeDefined();
    // 31 peers × 2 forms + the one already dropped: 63 entries, then 64 (one form of the next peer), then 66.
    for (const p of peers.slice(0, 31)) s.dropMissing(more, p, MIGRATION_SERVICE, 0b11);
    s.dropMissing(more, peers[31]!, MIGRATION_SERVICE, 0b10);
    const [atLimit] = summaries(s);
    expect(atLimit!.fix?.kind === 'computer' ? atLimit!.fix.addDelegation : undefined).toHaveLength(FLEET_MAX_LISTED);
    expect(atLimit!.fix).toEqual(
      adds(
        `${MIGRATION_SERVICE}/${peer(100 + FLEET_FINDINGS_PER_RULE)}`,
        ...peers.slice(0, 31).flatMap((p) => [`${MIGRATION_SERVICE}/${p.name}`, `${MIGRATION_SERVICE}/${p.dnsHostName}`]),
        `${MIGRATION_SERVICE}/${peers[31]!.dnsHostName}`,
      ),
    );
    expect(atLimit!.message).toBe('… and 64 more KCD001 findings for HV1 (33 more peers). Run kcd host HV1 for each of them.');
    s.dropMissing(more, peers[32]!, MIGRATION_SERVICE, 0b01);
    expect(summaries(s)[0]!.fix).toEqual(loop([MIGRATION_SERVICE], FLEET_MAX_LISTED + 1));
  });
});

describe('the summary\'s peers: the FLEET_MAX_LISTED smallest names, sorted, whatever order they come in', () => {
  test('names in reverse and shuffled order', () => {
    const names = Array.from({ length: FLEET_MAX_LISTED + 30 }, (_, i) => peer(i));
    // A fixed shuffle: every 7th name of the reversed list first, then the rest.
    const reversed = [...names].reverse();
    const order = [...reversed.filter((_, i) => i % 7 === 0), ...reversed.filter((_, i) => i % 7 !== 0)];
    const s = summariser();
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE, 1000));
    s.add(order.map((name) => finding('KCD001', name, adds(`${MIGRATION_SERVICE}/${name}`))));
    const [summary] = summaries(s);
    expect(summary!.data.peers).toEqual(names.slice(0, FLEET_MAX_LISTED));
    expect(summary!.data.peersOmitted).toBe(30);
  });

  test('with two members of one name, a name counts once however far apart its findings come', () => {
    const s = summariser({ distinctNames: false });
    s.add(missing('KCD001', MIGRATION_SERVICE, FLEET_FINDINGS_PER_RULE, 1000));
    for (const name of ['B', 'A', 'B', 'C', 'A']) s.add([finding('KCD001', name, adds(`${MIGRATION_SERVICE}/${name}`))]);
    const [summary] = summaries(s);
    expect(summary!.data).toEqual({ more: 5, peers: ['A', 'B', 'C'] });
    expect(summary!.message).toBe('… and 5 more KCD001 findings for HV1 (3 more peers). Run kcd host HV1 for each of them.');
  });
});

describe('findings about peers (KCD007: DEST lacks an SPN) are bounded per rule by subject', () => {
  const about = (subject: string) => finding('KCD007', subject, undefined, subject);

  test('FLEET_FINDINGS_PER_RULE subjects keep their findings; the host\'s own findings of the rule do not use a place', () => {
    const s = summariser();
    const own = finding('KCD007', 'HV1', undefined);
    const others = Array.from({ length: FLEET_FINDINGS_PER_RULE }, (_, i) => about(peer(i)));
    s.add([own, ...others]);
    expect(s.findings()).toEqual([own, ...others]);
  });

  test('the rest are counted in one finding about the host, singular and plural', () => {
    const one = summariser();
    one.add(Array.from({ length: FLEET_FINDINGS_PER_RULE + 1 }, (_, i) => about(peer(i))));
    expect(summaries(one)).toEqual([
      {
        rule: 'KCD007',
        severity: 'error',
        subject: 'HV1',
        message: `… and 1 more KCD007 finding about 1 more peer of HV1. Run kcd host HV1 for each of them.`,
        why: 'why KCD007',
        data: { more: 1, peers: [peer(FLEET_FINDINGS_PER_RULE)] },
      },
    ]);
    const three = summariser();
    three.add(Array.from({ length: FLEET_FINDINGS_PER_RULE + 3 }, (_, i) => about(peer(i))));
    expect(summaries(three).map((f) => f.message)).toEqual([`… and 3 more KCD007 findings about 3 more peers of HV1. Run kcd host HV1 for each of them.`]);
  });
});
