/**
 * delegationComponents against a plain reading of its contract on seeded random estates: links found by
 * comparing names (not the snapshot's target ids), components by breadth-first search, articulation points by
 * removing each host in turn (not Tarjan's walk). Only the side assignment (a cut host joins the side it has
 * most links to, ties to the first side) is the same procedure, as it is the definition.
 */
import { delegationComponents } from '../../src/domain/delegation-graph';
import type { Computer, DirectoryData } from '../../src/domain/model';
import { createSnapshot, type DirectorySnapshot } from '../../src/domain/snapshot';
import { MIGRATION_SERVICE } from '../../src/domain/spn';
import { fleetData } from '../summary/fleet';

type Rng = () => number;

function rngOf(seed: number): Rng {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
const randomCase = (rng: Rng, text: string) => [...text].map((ch) => (rng() < 0.5 ? ch.toUpperCase() : ch.toLowerCase())).join('');

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** `count` hosts with no delegation at all (each in its own OU), named in a random order so indexes vary. */
function bareEstate(rng: Rng, count: number): DirectoryData {
  const names = shuffled(rng, Array.from({ length: count }, (_, i) => `HV${String(i).padStart(3, '0')}`));
  const data = fleetData(names.map((name) => ({ name, ou: `OU-${name}` })));
  // Some hosts without dNSHostName: only their NetBIOS form names them.
  for (const c of data.computers) if (rng() < 0.15) delete c.dnsHostName;
  // Hosts whose own SPNs do not match their names: the migration SPN of the FQDN missing, or a renamed host
  // that holds only its old name's (nothing about its own names is learnt then). Links go by name still.
  for (const c of data.computers) {
    const r = rng();
    if (r < 0.1) c.servicePrincipalNames = c.servicePrincipalNames.filter((spn) => spn !== `${MIGRATION_SERVICE}/${c.dnsHostName}`);
    else if (r < 0.15) c.servicePrincipalNames = [`${MIGRATION_SERVICE}/OLD-${c.name}`];
  }
  // File servers (no migration service: not Hyper-V hosts) that entries may point at.
  const fileServers = fleetData([{ name: 'FS1', ou: 'Files' }, { name: 'FS2', ou: 'Files' }]).computers;
  for (const fs of fileServers) fs.servicePrincipalNames = [`HOST/${fs.name}`, `HOST/${fs.dnsHostName}`, `cifs/${fs.name}`];
  data.computers.push(...fileServers);
  return data;
}

/** Writes one link between `a` and `b`, as an entry of either on the other or as resource-based delegation. */
function writeLink(rng: Rng, a: Computer, b: Computer): void {
  const [from, to] = rng() < 0.5 ? [a, b] : [b, a];
  if (rng() < 0.2) {
    const sam = from.samAccountName;
    const principal = pick(rng, [sam, sam.replace(/\$$/, ''), `CONTOSO\\${sam}`, `contoso\\${sam.toLowerCase()}`]);
    to.allowedToActOnBehalfOf.push(randomCase(rng, principal));
    return;
  }
  const service = pick(rng, [MIGRATION_SERVICE, 'cifs']);
  const name = to.dnsHostName && rng() < 0.5 ? to.dnsHostName : to.name;
  from.allowedToDelegateTo.push(rng() < 0.3 ? randomCase(rng, `${service}/${name}`) : `${service}/${name}`);
}

/** Entries that link nothing: other services of hosts, file servers, unknown names, other principals. */
function writeNoise(rng: Rng, hosts: readonly Computer[]): void {
  for (const h of hosts) {
    if (rng() < 0.3) {
      const other = pick(rng, hosts);
      h.allowedToDelegateTo.push(
        pick(rng, [
          `HOST/${other.name}`,
          `ldap/${other.name}`,
          'cifs/FS1',
          `cifs/fs2.contoso.com`,
          `${MIGRATION_SERVICE}/GONE-HOST`,
          `${MIGRATION_SERVICE}/${other.name}.elsewhere.example`,
          `cifs/${h.name}`, // itself
        ]),
      );
    }
    if (rng() < 0.1) h.allowedToActOnBehalfOf.push(pick(rng, ['CONTOSO\\svc-sql', 'S-1-5-21-1-2-3-1234', 'FS1$', `CONTOSO\\${h.samAccountName}`]));
  }
}

/** Random links with probability `p` per pair. */
function randomEstate(rng: Rng): DirectoryData {
  const data = bareEstate(rng, 3 + Math.floor(rng() * 28));
  const hosts = data.computers.filter((c) => c.name.startsWith('HV'));
  const p = pick(rng, [0.03, 0.08, 0.2, 0.5]);
  for (let i = 0; i < hosts.length; i++) for (let j = i + 1; j < hosts.length; j++) if (rng() < p) writeLink(rng, hosts[i]!, hosts[j]!);
  writeNoise(rng, hosts);
  return data;
}

/**
 * Clusters as estates build them (full mesh or a ring), several small ones, and two or three bigger ones held
 * together by bridge hosts, single cross links, short chains and hosts hanging off one member.
 */
function clusteredEstate(rng: Rng): DirectoryData {
  const small = Array.from({ length: 2 + Math.floor(rng() * 4) }, () => 3 + Math.floor(rng() * 4));
  const big = Array.from({ length: 2 + Math.floor(rng() * 2) }, () => 4 + Math.floor(rng() * 6));
  const bridges = Math.floor(rng() * 3);
  const pendants = Math.floor(rng() * 4);
  const chain = rng() < 0.3 ? 2 : 0;
  const total = small.reduce((n, s) => n + s, 0) + big.reduce((n, s) => n + s, 0) + bridges + pendants + chain + Math.floor(rng() * 3);
  const data = bareEstate(rng, total);
  const hosts = data.computers.filter((c) => c.name.startsWith('HV'));
  let next = 0;
  const take = (n: number) => hosts.slice(next, (next += n));
  const cluster = (members: Computer[]) => {
    const ring = rng() < 0.3 && members.length > 3;
    members.forEach((a, i) =>
      members.forEach((b, j) => {
        if (j > i && (!ring || j === i + 1 || (i === 0 && j === members.length - 1))) writeLink(rng, a, b);
      }),
    );
  };
  for (const size of small) cluster(take(size));
  const bigs = big.map((size) => take(size));
  bigs.forEach(cluster);
  for (const bridge of take(bridges)) {
    for (const side of bigs) if (rng() < 0.8) for (const m of side) if (rng() < 0.6) writeLink(rng, bridge, m);
  }
  // A single cross link between two big clusters: both ends are cut hosts.
  if (bridges === 0 || rng() < 0.4) writeLink(rng, pick(rng, bigs[0]!), pick(rng, bigs[1]!));
  for (const pendant of take(pendants)) writeLink(rng, pendant, pick(rng, pick(rng, bigs)));
  const [c1, c2] = take(chain);
  if (c1 && c2) {
    writeLink(rng, c1, pick(rng, bigs[0]!));
    writeLink(rng, c1, c2);
    writeLink(rng, c2, pick(rng, bigs[bigs.length - 1]!));
  }
  writeNoise(rng, hosts);
  return data;
}

/**
 * Three or four clusters in a row, each joined to the next by a bridge host (delegating to several members of
 * both), and small clusters beside them: one component with several bridges, found in the walk's order.
 */
function chainEstate(rng: Rng): DirectoryData {
  const small = Array.from({ length: 2 + Math.floor(rng() * 3) }, () => 2 + Math.floor(rng() * 3));
  const big = Array.from({ length: 3 + Math.floor(rng() * 2) }, () => 3 + Math.floor(rng() * 4));
  const data = bareEstate(rng, small.reduce((n, x) => n + x, 0) + big.reduce((n, x) => n + x, 0) + big.length - 1);
  const hosts = data.computers.filter((c) => c.name.startsWith('HV'));
  let next = 0;
  const take = (n: number) => hosts.slice(next, (next += n));
  const mesh = (members: Computer[]) => members.forEach((a, i) => members.forEach((b, j) => j > i && writeLink(rng, a, b)));
  small.forEach((size) => mesh(take(size)));
  const bigs = big.map((size) => take(size));
  bigs.forEach(mesh);
  for (let b = 0; b + 1 < bigs.length; b++) {
    const [bridge] = take(1);
    for (const side of [bigs[b]!, bigs[b + 1]!]) side.forEach((m, i) => (i === 0 || rng() < 0.5) && writeLink(rng, bridge!, m));
  }
  writeNoise(rng, hosts);
  return data;
}

/** Small clusters of 3, 3 and 4 and two of 4 joined by one cross link: a component of 8, twice the median. */
function atTheBound(rng: Rng): DirectoryData {
  const data = bareEstate(rng, 18);
  const hosts = data.computers.filter((c) => c.name.startsWith('HV'));
  let next = 0;
  const take = (n: number) => hosts.slice(next, (next += n));
  const mesh = (members: Computer[]) => members.forEach((a, i) => members.forEach((b, j) => j > i && writeLink(rng, a, b)));
  [3, 3, 4].forEach((size) => mesh(take(size)));
  const [left, right] = [take(4), take(4)];
  mesh(left);
  mesh(right);
  writeLink(rng, left[0]!, right[0]!);
  return data;
}

interface Expected {
  componentOf: Map<Computer, number>;
  isolated: Set<Computer>;
  sizes: Map<number, number>;
  bridges: Array<{ host: Computer; sides: number[] }>;
}

/** The undirected links between Hyper-V hosts (indexes in hyperVHosts), found by comparing names. */
function linksByName(hosts: readonly Computer[]): Array<Set<number>> {
  const byTarget = new Map<string, number>();
  const bySam = new Map<string, number>();
  hosts.forEach((h, i) => {
    for (const service of [MIGRATION_SERVICE, 'cifs']) {
      byTarget.set(`${service}/${h.name}`.toLowerCase(), i);
      if (h.dnsHostName) byTarget.set(`${service}/${h.dnsHostName}`.toLowerCase(), i);
    }
    bySam.set(h.samAccountName.toLowerCase().replace(/\$$/, ''), i);
  });
  const adjacency = hosts.map(() => new Set<number>());
  const join = (i: number, j: number | undefined) => {
    if (j === undefined || j === i) return;
    adjacency[i]!.add(j);
    adjacency[j]!.add(i);
  };
  hosts.forEach((h, i) => {
    for (const entry of h.allowedToDelegateTo) join(i, byTarget.get(entry.toLowerCase()));
    for (const principal of h.allowedToActOnBehalfOf) {
      const account = principal.includes('\\') ? principal.slice(principal.indexOf('\\') + 1) : principal;
      join(i, bySam.get(account.toLowerCase().replace(/\$$/, '')));
    }
  });
  return adjacency;
}

/** The connected pieces of `nodes` without `removed`, each sorted, in the order of their smallest node. */
function pieces(nodes: readonly number[], adjacency: ReadonlyArray<ReadonlySet<number>>, removed: ReadonlySet<number>): number[][] {
  const inside = new Set(nodes.filter((n) => !removed.has(n)));
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of [...inside].sort((a, b) => a - b)) {
    if (seen.has(start)) continue;
    const piece = [start];
    seen.add(start);
    for (let q = 0; q < piece.length; q++) {
      for (const m of adjacency[piece[q]!]!) {
        if (inside.has(m) && !seen.has(m)) {
          seen.add(m);
          piece.push(m);
        }
      }
    }
    out.push(piece.sort((a, b) => a - b));
  }
  return out;
}

function expected(snapshot: DirectorySnapshot): Expected {
  const hosts = snapshot.hyperVHosts;
  const adjacency = linksByName(hosts);
  const linkedHosts = hosts.map((_, i) => i).filter((i) => adjacency[i]!.size > 0);
  const components = pieces(linkedHosts, adjacency, new Set());
  const component = new Map<number, number>();
  for (const c of components) for (const i of c) component.set(i, c[0]!);
  const sorted = components.map((c) => c.length).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const bridges: Expected['bridges'] = [];
  for (const list of components) {
    if (list.length < Math.max(8, 2 * median) || components.length < 2) continue;
    const cut = new Set(list.filter((v) => pieces(list, adjacency, new Set([v])).length > 1));
    const minSide = Math.max(2, Math.ceil(median / 2));
    const sides = pieces(list, adjacency, cut).filter((p) => p.length >= minSide);
    if (sides.length < 2) continue;
    const sideOf = new Map<number, number>();
    sides.forEach((p, s) => p.forEach((i) => sideOf.set(i, s)));
    // Every other host joins the side most of its links go to (ties: the first side), sweeping until none moves.
    for (let moved = true; moved; ) {
      moved = false;
      for (const i of list) {
        if (sideOf.has(i)) continue;
        const votes = sides.map(() => 0);
        for (const m of adjacency[i]!) if (sideOf.has(m)) votes[sideOf.get(m)!]!++;
        const most = Math.max(...votes);
        if (most === 0) continue;
        sideOf.set(i, votes.indexOf(most));
        moved = true;
      }
    }
    const sideName = sides.map((_, s) => Math.min(...list.filter((i) => sideOf.get(i) === s)));
    for (const i of list) if (sideOf.has(i)) component.set(i, sideName[sideOf.get(i)!]!);
    for (const v of [...cut].sort((a, b) => a - b)) {
      const touched = [...new Set([...adjacency[v]!].filter((m) => !cut.has(m) && sideOf.has(m)).map((m) => sideName[sideOf.get(m)!]!))].sort((a, b) => a - b);
      if (touched.length >= 2) bridges.push({ host: hosts[v]!, sides: touched });
    }
  }
  const componentOf = new Map<Computer, number>();
  const sizes = new Map<number, number>();
  const isolated = new Set<Computer>();
  hosts.forEach((h, i) => {
    const c = component.get(i);
    if (c === undefined) isolated.add(h);
    else {
      componentOf.set(h, c);
      sizes.set(c, (sizes.get(c) ?? 0) + 1);
    }
  });
  return { componentOf, isolated, sizes, bridges };
}

/** Names instead of objects, so a difference reads as hosts. */
function readable(snapshot: DirectorySnapshot, r: Expected | ReturnType<typeof delegationComponents>) {
  const name = (i: number) => snapshot.hyperVHosts[i]?.name ?? `#${i}`;
  return {
    componentOf: [...r.componentOf].map(([h, c]) => `${h.name}→${name(c)}`).sort(),
    isolated: [...r.isolated].map((h) => h.name).sort(),
    sizes: [...r.sizes].map(([c, n]) => `${name(c)}:${n}`).sort(),
    bridges: r.bridges.map((b) => `${b.host.name}→${b.sides.map(name).join('+')}`),
  };
}

describe('delegationComponents against a plain reading of its contract', () => {
  test.each(Array.from({ length: 60 }, (_, i) => i + 1))('random links, estate %i', (seed) => {
    const snapshot = createSnapshot(randomEstate(rngOf(seed * 7919)));
    expect(readable(snapshot, delegationComponents(snapshot))).toEqual(readable(snapshot, expected(snapshot)));
  });

  test.each(Array.from({ length: 80 }, (_, i) => i + 1))('clusters, bridges and hanging hosts, estate %i', (seed) => {
    const snapshot = createSnapshot(clusteredEstate(rngOf(seed * 104729)));
    expect(readable(snapshot, delegationComponents(snapshot))).toEqual(readable(snapshot, expected(snapshot)));
  });

  test.each(Array.from({ length: 30 }, (_, i) => i + 1))('clusters in a row joined by bridges, estate %i', (seed) => {
    const snapshot = createSnapshot(chainEstate(rngOf(seed * 15485863)));
    expect(readable(snapshot, delegationComponents(snapshot))).toEqual(readable(snapshot, expected(snapshot)));
  });

  test.each(Array.from({ length: 10 }, (_, i) => i + 1))('a component of exactly twice the median size (8) is split, estate %i', (seed) => {
    const snapshot = createSnapshot(atTheBound(rngOf(seed * 32452843)));
    const want = expected(snapshot);
    expect(readable(snapshot, delegationComponents(snapshot))).toEqual(readable(snapshot, want));
    expect(want.sizes.size).toBe(5); // 3 small clusters, and the 8 as two sides of 4 and 4 (the linking hosts joined them)
  });

  test('the generated estates do reach every branch: bridges found, components split, and splits refused', () => {
    let withBridges = 0;
    let split = 0;
    let candidatesKept = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const snapshot = createSnapshot(clusteredEstate(rngOf(seed * 104729)));
      const want = expected(snapshot);
      if (want.bridges.length > 0) withBridges++;
      const plain = pieces(
        snapshot.hyperVHosts.map((_, i) => i),
        linksByName(snapshot.hyperVHosts),
        new Set(),
      ).filter((p) => p.length > 1 || linksByName(snapshot.hyperVHosts)[p[0]!]!.size > 0);
      if (want.sizes.size > plain.length) split++;
      else candidatesKept++;
    }
    expect(withBridges).toBeGreaterThanOrEqual(10);
    let severalBridges = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const bridges = expected(createSnapshot(chainEstate(rngOf(seed * 15485863)))).bridges;
      if (new Set(bridges.map((b) => b.sides[0])).size < bridges.length || bridges.length >= 2) severalBridges++;
    }
    expect(severalBridges).toBeGreaterThanOrEqual(10);
    expect(split).toBeGreaterThanOrEqual(10);
    expect(candidatesKept).toBeGreaterThanOrEqual(5);
  });

  test('computed once per snapshot', () => {
    const snapshot = createSnapshot(clusteredEstate(rngOf(3)));
    expect(delegationComponents(snapshot)).toBe(delegationComponents(snapshot));
  });
});
