/**
 * The Hyper-V hosts connected by delegation: S and H are linked when S's msDS-AllowedToDelegateTo names H's
 * migration service or cifs, in either name form, or when H's resource-based delegation names S (either
 * direction links them). The connected components are
 * the migration groups an estate built as clusters shows even when every host sits in one OU.
 *
 * Linear in hosts plus delegation entries: each host's own `class/<form>` targets are looked up once (union-find
 * over host indexes), then every entry of every host is one array read. Computed once per snapshot.
 */
import type { Computer } from './model';
import { accountKey } from './resource-based';
import { delegationIdsOf, FORM_CLASSES, type DirectorySnapshot } from './snapshot';

export interface DelegationComponents {
  /** Per Hyper-V host: the index of its component (the smallest host index in it, hosts in hyperVHosts order). */
  readonly componentOf: ReadonlyMap<Computer, number>;
  /** Hosts with no delegation to or from any other Hyper-V host. */
  readonly isolated: ReadonlySet<Computer>;
  /** Hosts per component index. */
  readonly sizes: ReadonlyMap<number, number>;
  /**
   * Hosts that held two clusters together (one host delegating to both): a component much larger than the
   * typical one that falls apart without a few hosts is checked as its sides; each bridge joins the side it
   * has most links to. `sides`: the component indexes of the sides it linked.
   */
  readonly bridges: ReadonlyArray<{ host: Computer; sides: number[] }>;
}

/** A component is looked at for bridges from this many times the median component size (and 8 hosts) on. */
const BRIDGE_SIZE_FACTOR = 2;

const cache = new WeakMap<DirectorySnapshot, DelegationComponents>();

export function delegationComponents(snapshot: DirectorySnapshot): DelegationComponents {
  let found = cache.get(snapshot);
  if (!found) cache.set(snapshot, (found = compute(snapshot)));
  return found;
}

function compute(snapshot: DirectorySnapshot): DelegationComponents {
  const hosts = snapshot.hyperVHosts;
  // The host each delegation-target id names (its own migration or cifs SPN, either form).
  const hostOfTarget = new Int32Array(snapshot.delegationTargetById.length).fill(-1);
  for (let i = 0; i < hosts.length; i++) {
    const h = hosts[i]!;
    // What createSnapshot learnt (FormFacts: slot = class × 2 + form) first: 200,000 lookups at 50,000 hosts otherwise.
    const learnt = snapshot.formFacts.get(h);
    for (let f = 0; f < (h.dnsHostName ? 2 : 1); f++) {
      for (let k = 0; k < FORM_CLASSES.length; k++) {
        const known = learnt ? learnt.ids[k * 2 + f]! : -1;
        const id = known >= 0 ? known : snapshot.delegationTargets.getJoined(FORM_CLASSES[k]!, f === 0 ? h.name : h.dnsHostName!)?.id;
        if (id !== undefined) hostOfTarget[id] = i;
      }
    }
  }
  const parent = Int32Array.from(hosts, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const linked = new Uint8Array(hosts.length);
  const link = (i: number, j: number) => {
    if (j < 0 || j === i) return;
    linked[i] = linked[j] = 1;
    const a = root(i);
    const b = root(j);
    // The smaller index becomes the root, so a component's index is its first host.
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  // Resource-based delegation names accounts ("CONTOSO\\GOGO-3$" or "GOGO-3$"): only looked up when some host has it.
  let bySam: Map<string, number> | undefined;
  /** Every link of host i, in order (told to `visit`): its entries, then resource-based delegation naming others. */
  const linksOf = (i: number, visit: (j: number) => void) => {
    const h = hosts[i]!;
    const ids = delegationIdsOf(snapshot, h).inOrder;
    for (let k = 0; k < ids.length; k++) visit(hostOfTarget[ids[k]!]!);
    if (h.allowedToActOnBehalfOf.length === 0) return;
    bySam ??= new Map(hosts.map((x, k) => [accountKey(x.samAccountName), k]));
    for (const principal of h.allowedToActOnBehalfOf) visit(bySam.get(accountKey(principal)) ?? -1);
  };
  for (let i = 0; i < hosts.length; i++) linksOf(i, (j) => link(i, j));
  const component = new Int32Array(hosts.length).fill(-1);
  const members = new Map<number, number[]>();
  for (let i = 0; i < hosts.length; i++) {
    if (!linked[i]) continue;
    const c = (component[i] = root(i));
    let list = members.get(c);
    if (!list) members.set(c, (list = []));
    list.push(i);
  }
  const bridges = splitBridged(members, component, linksOf, hosts);
  const componentOf = new Map<Computer, number>();
  const sizes = new Map<number, number>();
  const isolated = new Set<Computer>();
  hosts.forEach((h, i) => {
    if (!linked[i]) {
      isolated.add(h);
      return;
    }
    const c = component[i]!;
    componentOf.set(h, c);
    sizes.set(c, (sizes.get(c) ?? 0) + 1);
  });
  return { componentOf, isolated, sizes, bridges };
}

/**
 * Splits each component much larger than the median one that a few hosts hold together (articulation points
 * whose removal leaves two or more sides of at least half the median size): `component` is rewritten for the
 * sides (each named by its smallest host index), and the bridges are returned.
 */
function splitBridged(
  members: Map<number, number[]>,
  component: Int32Array,
  linksOf: (i: number, visit: (j: number) => void) => void,
  hosts: readonly Computer[],
): Array<{ host: Computer; sides: number[] }> {
  const sizes = [...members.values()].map((m) => m.length).sort((a, b) => a - b);
  if (sizes.length === 0) return [];
  const median = sizes[Math.floor(sizes.length / 2)]!;
  const bridges: Array<{ host: Computer; sides: number[] }> = [];
  for (const [c, list] of members) {
    if (list.length < Math.max(8, BRIDGE_SIZE_FACTOR * median) || sizes.length < 2) continue;
    // The component's own graph, both directions, without duplicates.
    const local = new Map(list.map((i, k) => [i, k]));
    const adjacency = list.map(() => new Set<number>());
    list.forEach((i, k) =>
      linksOf(i, (j) => {
        const m = local.get(j);
        if (m === undefined || m === k) return;
        adjacency[k]!.add(m);
        adjacency[m]!.add(k);
      }),
    );
    const cut = articulationPoints(adjacency.map((a) => [...a]));
    if (cut.size === 0) continue;
    // The pieces left without the cut hosts; the big ones are the sides.
    const side = new Int32Array(list.length).fill(-1);
    const minSide = Math.max(2, Math.ceil(median / 2));
    const sides: number[][] = [];
    for (let k = 0; k < list.length; k++) {
      if (cut.has(k) || side[k] !== -1) continue;
      const piece = [k];
      side[k] = -2;
      for (let q = 0; q < piece.length; q++) {
        for (const m of adjacency[piece[q]!]!) {
          if (cut.has(m) || side[m] !== -1) continue;
          side[m] = -2;
          piece.push(m);
        }
      }
      if (piece.length >= minSide) {
        for (const m of piece) side[m] = sides.length;
        sides.push(piece);
      } else for (const m of piece) side[m] = -1;
    }
    if (sides.length < 2) continue;
    // Everything else joins a side: the cut hosts first, by most links, then small pieces through them.
    const assign = (k: number): number => {
      const votes = new Map<number, number>();
      for (const m of adjacency[k]!) if (side[m]! >= 0) votes.set(side[m]!, (votes.get(side[m]!) ?? 0) + 1);
      let best = -1;
      for (const [s, v] of votes) if (best === -1 || v > votes.get(best)! || (v === votes.get(best)! && s < best)) best = s;
      return best;
    };
    for (let pending = true; pending; ) {
      pending = false;
      for (let k = 0; k < list.length; k++) {
        if (side[k]! >= 0) continue;
        const s = assign(k);
        if (s < 0) continue;
        side[k] = s;
        pending = true;
      }
    }
    const names = sides.map((_, s) => Math.min(...list.filter((_, k) => side[k] === s)));
    list.forEach((i, k) => (component[i] = side[k]! >= 0 ? names[side[k]!]! : c));
    for (const k of [...cut].sort((a, b) => a - b)) {
      const touched = [...new Set([...adjacency[k]!].filter((m) => !cut.has(m) && side[m]! >= 0).map((m) => names[side[m]!]!))].sort((a, b) => a - b);
      if (touched.length >= 2) bridges.push({ host: hosts[list[k]!]!, sides: touched });
    }
  }
  return bridges;
}

/** The articulation points of an undirected graph (adjacency lists), by an iterative Tarjan walk. */
function articulationPoints(adjacency: readonly number[][]): Set<number> {
  const n = adjacency.length;
  const order = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  const cut = new Set<number>();
  let time = 0;
  for (let start = 0; start < n; start++) {
    if (order[start] !== -1) continue;
    let children = 0;
    const stack = [start];
    order[start] = low[start] = time++;
    while (stack.length > 0) {
      const v = stack[stack.length - 1]!;
      const edges = adjacency[v]!;
      if (next[v]! < edges.length) {
        const w = edges[next[v]!++]!;
        if (order[w] === -1) {
          parent[w] = v;
          order[w] = low[w] = time++;
          if (v === start) children++;
          stack.push(w);
        } else if (w !== parent[v]) low[v] = Math.min(low[v]!, order[w]!);
        continue;
      }
      stack.pop();
      const p = parent[v]!;
      if (p !== -1) {
        low[p] = Math.min(low[p]!, low[v]!);
        if (p !== start && low[v]! >= order[p]!) cut.add(p);
      }
    }
    if (children > 1) cut.add(start);
  }
  return cut;
}
