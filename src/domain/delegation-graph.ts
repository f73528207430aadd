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
import { delegationIdsOf, type DirectorySnapshot } from './snapshot';
import { CIFS, MIGRATION_SERVICE } from './spn';

export interface DelegationComponents {
  /** Per Hyper-V host: the index of its component (the smallest host index in it, hosts in hyperVHosts order). */
  readonly componentOf: ReadonlyMap<Computer, number>;
  /** Hosts with no delegation to or from any other Hyper-V host. */
  readonly isolated: ReadonlySet<Computer>;
  /** Hosts per component index. */
  readonly sizes: ReadonlyMap<number, number>;
}

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
  hosts.forEach((h, i) => {
    for (const form of h.dnsHostName ? [h.name, h.dnsHostName] : [h.name]) {
      for (const service of [MIGRATION_SERVICE, CIFS]) {
        const id = snapshot.delegationTargets.getJoined(service, form)?.id;
        if (id !== undefined) hostOfTarget[id] = i;
      }
    }
  });
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
  hosts.forEach((h, i) => {
    const ids = delegationIdsOf(snapshot, h).inOrder;
    for (let k = 0; k < ids.length; k++) link(i, hostOfTarget[ids[k]!]!);
  });
  // Resource-based delegation names accounts ("CONTOSO\\GOGO-3$" or "GOGO-3$"): only looked up when some host has it.
  let bySam: Map<string, number> | undefined;
  hosts.forEach((h, i) => {
    if (h.allowedToActOnBehalfOf.length === 0) return;
    bySam ??= new Map(hosts.map((x, k) => [x.samAccountName.toLowerCase().replace(/\$$/, ''), k]));
    for (const principal of h.allowedToActOnBehalfOf) {
      link(i, bySam.get(principal.toLowerCase().replace(/^[^\\]*\\/, '').replace(/\$$/, '')) ?? -1);
    }
  });
  const componentOf = new Map<Computer, number>();
  const sizes = new Map<number, number>();
  const isolated = new Set<Computer>();
  hosts.forEach((h, i) => {
    if (!linked[i]) {
      isolated.add(h);
      return;
    }
    const c = root(i);
    componentOf.set(h, c);
    sizes.set(c, (sizes.get(c) ?? 0) + 1);
  });
  return { componentOf, isolated, sizes };
}
