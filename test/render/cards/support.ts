/** Shared fixtures for the card tests: reports from the demo directory and scenarios, a large fleet, card walkers. */
import { checkFleet, checkHost, checkPair, type FleetReport } from '../../../src/checker';
import type { Computer, DirectoryData } from '../../../src/domain/model';
import { resolveHost } from '../../../src/domain/names';
import { createSnapshot, type DirectorySnapshot } from '../../../src/domain/snapshot';
import { MIGRATION_SERVICE } from '../../../src/domain/spn';
import { UAC } from '../../../src/domain/uac';
import { DEMO_LABEL, demoData } from '../../../src/directory/demo-directory';
import type { CardContext } from '../../../src/render/cards';
import { loadScenarios, scenarioData, type Scenario } from '../../support/scenario';

export const TAKEN_AT = '2026-03-02T12:03:41.000Z';

export function demoSnapshot(): DirectorySnapshot {
  return createSnapshot(demoData(new Date(TAKEN_AT)));
}

/**
 * The demo's size, counted from its data (not from the checker): its Hyper-V hosts, and the migration directions
 * expected between them (every ordered pair of Hyper-V hosts of the same domain).
 */
export function demoSize(): { hyperVHosts: number; directions: number } {
  const hosts = demoSnapshot().hyperVHosts;
  const perDomain = new Map<string, number>();
  for (const h of hosts) perDomain.set(h.domain, (perDomain.get(h.domain) ?? 0) + 1);
  let directions = 0;
  for (const n of perDomain.values()) directions += n * (n - 1);
  return { hyperVHosts: hosts.length, directions };
}

/**
 * The demo's fleet answers, which the checker must keep: every contoso.com host (7) and every aadds.contoso.com host
 * (3) has errors, EU-HV1 (no peer) none; 4 directions are ready in contoso.com and 1 (AZ-HV1 → AZ-HV2) in the managed
 * domain.
 */
export const DEMO_HOSTS_WITH_ERRORS = 10;
export const DEMO_DIRECTIONS_READY = 5;

export const demoCtx: CardContext = { directoryLabel: DEMO_LABEL, takenAt: TAKEN_AT };

export function demoPair(source: string, dest: string, options: { storage?: boolean; fileServers?: string[]; as?: string } = {}) {
  const snapshot = demoSnapshot();
  return checkPair(snapshot, resolveHost(snapshot, source), resolveHost(snapshot, dest), {
    storage: options.storage,
    fileServers: (options.fileServers ?? []).map((f) => resolveHost(snapshot, f)),
    user: options.as ? snapshot.usersByName.get(options.as) : undefined,
  });
}

export function demoHost(name: string) {
  const snapshot = demoSnapshot();
  return checkHost(snapshot, resolveHost(snapshot, name));
}

export function scenarioPair(s: Scenario) {
  const snapshot = createSnapshot(scenarioData(s));
  const q = s.question;
  return checkPair(snapshot, resolveHost(snapshot, q.source), resolveHost(snapshot, q.destination), {
    storage: q.storage,
    fileServers: (q.fileServers ?? []).map((f) => resolveHost(snapshot, f)),
    user: q.as ? snapshot.usersByName.get(q.as) : undefined,
  });
}

export { loadScenarios };

/**
 * A synthetic domain of `count` Hyper-V hosts in OUs of `groupSize` (the parent-ou migration group).
 * Each host delegates to every peer of its OU (both name forms, migration service and cifs), with
 * deterministic breakage so every group has errors of several kinds.
 */
export function largeDirectory(count: number, groupSize = 16): DirectoryData {
  const name = (i: number) => `HV${String(i).padStart(5, '0')}`;
  const fqdn = (i: number) => `${name(i).toLowerCase()}.contoso.com`;
  const computers: Computer[] = [];
  for (let i = 0; i < count; i++) {
    const group = Math.floor(i / groupSize);
    const peers: number[] = [];
    for (let j = group * groupSize; j < Math.min(count, (group + 1) * groupSize); j++) if (j !== i) peers.push(j);
    const delegateTo: string[] = [];
    for (const j of peers) {
      if (i % 7 === 0) continue; // nothing configured (KCD001, KCD002)
      delegateTo.push(`${MIGRATION_SERVICE}/${name(j)}`, `cifs/${name(j)}`);
      if (i % 13 !== 0) delegateTo.push(`${MIGRATION_SERVICE}/${fqdn(j)}`, `cifs/${fqdn(j)}`); // short forms only
    }
    if (i % 17 === 0) delegateTo.push(`${MIGRATION_SERVICE}/OLD-${name(i)}`); // stale (KCD012)
    const kerberosOnly = i % 11 === 0; // KCD004
    computers.push({
      name: name(i),
      samAccountName: `${name(i)}$`,
      dnsHostName: fqdn(i),
      domain: 'contoso.com',
      distinguishedName: `CN=${name(i)},OU=Cluster ${String(group).padStart(4, '0')},OU=Hyper-V,DC=contoso,DC=com`,
      userAccountControl: UAC.WORKSTATION_TRUST_ACCOUNT | (kerberosOnly ? 0 : UAC.TRUSTED_TO_AUTH_FOR_DELEGATION),
      servicePrincipalNames: [`HOST/${name(i)}`, `HOST/${fqdn(i)}`, `${MIGRATION_SERVICE}/${name(i)}`, `${MIGRATION_SERVICE}/${fqdn(i)}`],
      allowedToDelegateTo: delegateTo,
      allowedToActOnBehalfOf: [],
      operatingSystem: 'Windows Server 2022 Datacenter',
      operatingSystemVersion: '10.0 (20348)',
      memberOf: [],
    });
  }
  return {
    source: { kind: 'snapshot', label: `synthetic ${count}-host domain`, takenAt: TAKEN_AT },
    domains: ['contoso.com'],
    computers,
    users: [],
    groups: [],
    spnAccounts: [],
    spnMappings: [],
  };
}

let largeFleetCache: { snapshot: DirectorySnapshot; report: FleetReport } | undefined;
/** The 5,000-host fleet, scanned with parent-ou groups of 16 (computed once per test file). */
export function largeFleet(): { snapshot: DirectorySnapshot; report: FleetReport } {
  if (!largeFleetCache) {
    const snapshot = createSnapshot(largeDirectory(5000, 16));
    largeFleetCache = { snapshot, report: checkFleet(snapshot, { group: { kind: 'parent-ou' } }) };
  }
  return largeFleetCache;
}

/** Every object in a card (depth first). */
export function objects(node: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(node)) node.forEach((n) => objects(n, out));
  else if (typeof node === 'object' && node !== null) {
    out.push(node as Record<string, unknown>);
    Object.values(node).forEach((v) => objects(v, out));
  }
  return out;
}

/** The text of every TextBlock and fact ("title: value"), in order. */
export function texts(card: unknown): string[] {
  return objects(card).flatMap((o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') return [o.text];
    if (o.type === undefined && typeof o.title === 'string' && typeof o.value === 'string') return [`${o.title}: ${o.value}`];
    return [];
  });
}

/** What a markdown renderer shows for escaped text: backslash escapes removed, zero-width spaces dropped. */
export function unescape(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, '$1').replace(/\u200b/g, '');
}

/** The card's visible text: our own **bold** markers dropped, escapes removed, one string. */
export function visibleText(card: unknown): string {
  return texts(card)
    .map((t) => unescape(t.replace(/(?<!\\)\*\*/g, '')))
    .join('\n');
}

/** The monospace lines (code blocks), unescaped, with no-break spaces back to spaces. */
export function codeText(card: unknown): string {
  return objects(card)
    .filter((o) => o.type === 'TextBlock' && o.fontType === 'Monospace')
    .map((o) => unescape(o.text as string).replace(/\u00a0/g, ' ').replace(/^ $/, ''))
    .join('\n');
}

/** The card's actions, body ActionSets included. */
export function actions(card: unknown): Array<Record<string, unknown>> {
  return objects(card).filter((o) => typeof o.type === 'string' && o.type.startsWith('Action.') && o.title !== undefined);
}
