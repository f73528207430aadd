/**
 * The computers a PeerQuery selects, read from a snapshot instead of AD: what the PowerShell loop of a
 * 'delegate-to-peers' fix would find (src/fixes/powershell.ts), so the planner can list its entries literally.
 */
import type { PeerQuery } from '../domain/migration-group';
import { parentDn } from '../domain/migration-group';
import type { Computer } from '../domain/model';
import { transitiveGroups, type DirectorySnapshot } from '../domain/snapshot';

function underBase(c: Computer, q: PeerQuery): boolean {
  if (q.searchBase === undefined) return true;
  const base = q.searchBase.toLowerCase();
  if (q.scope === 'onelevel') return parentDn(c.distinguishedName) === base;
  return c.distinguishedName.toLowerCase().endsWith(`,${base}`);
}

function inGroups(snapshot: DirectorySnapshot, c: Computer, q: PeerQuery): boolean {
  if (q.memberOf === undefined) return true;
  const wanted = new Set(q.memberOf.map((dn) => dn.toLowerCase()));
  return transitiveGroups(snapshot, c.memberOf).some((g) => wanted.has(g.distinguishedName.toLowerCase()));
}

/** The peers of `host` the query selects (never `host` itself), in the snapshot's order. */
export function migrationPeersOf(snapshot: DirectorySnapshot, host: Computer, q: PeerQuery): Computer[] {
  if (q.names !== undefined) {
    const found = q.names.map((n) => snapshot.computersByName.get(n.toLowerCase())).filter((c): c is Computer => c !== undefined);
    return [...new Set(found)].filter((c) => c !== host);
  }
  const domain = q.domain.toLowerCase();
  return snapshot.hyperVHosts.filter((c) => c !== host && c.domain.toLowerCase() === domain && underBase(c, q) && inGroups(snapshot, c, q));
}
