/**
 * The planner (issue 21): the checker's findings on one snapshot → the exact LDAP changes that fix them (FixPlan).
 * Pure: no I/O, no clock, no randomness (the id and the time come in), deterministic order.
 *
 * What a plan never does: touch a domain controller or krbtgt, add a delegation value that a DC's service answers
 * to (removing one is what KCD015 asks), or change more than MAX_PLAN_OBJECTS objects. What only a person can do
 * (SPNs, group membership, dNSHostName, moves) stays an instruction, as the PowerShell the cards show.
 */
import { checkHost, checkPair, type HostReport, type PairReport } from '../checker';
import type { Finding, Fix } from '../domain/finding';
import { migrationPeersOf } from './peer-selection';
import type { MigrationGroup } from '../domain/migration-group';
import type { Computer, User } from '../domain/model';
import { accountKey, FULL_CONTROL } from '../domain/resource-based';
import { resolveHost, resolveHosts } from '../domain/names';
import { compareNames, holdersOf, isDomainController, type DirectorySnapshot } from '../domain/snapshot';
import { UAC } from '../domain/uac';
import { AD_VALUES_PER_OBJECT, psName, renderFix } from '../fixes/powershell';
import { MAX_PLAN_OBJECTS, type AttributeChange, type FixPlan, type PlanObject, type PlannedAce, type PlanQuestion, type RefusedFix } from './types';

export interface PlanOptions {
  /** The plan's id (random, URL-safe: the caller makes it). */
  id: string;
  now: Date;
  /** The directory's label. */
  directory: string;
}

/** The etype bits -KerberosEncryptionType replaces (DES-CBC-CRC, DES-CBC-MD5, RC4, AES128, AES256). */
const ETYPE_BITS = 0x1f;
/** What -KerberosEncryptionType AES128,AES256 writes into them. */
const AES_ONLY = 0x18;

/** A domain controller, writable (SERVER_TRUST_ACCOUNT) or read-only (PARTIAL_SECRETS_ACCOUNT). */
export function isProtectedComputer(c: Computer): boolean {
  return isDomainController(c) || (c.userAccountControl & UAC.PARTIAL_SECRETS_ACCOUNT) !== 0;
}

function isKrbtgt(name: string): boolean {
  return name.toLowerCase().replace(/^[^\\]*\\/, '') === 'krbtgt';
}

type Target = { kind: 'computer'; account: Computer } | { kind: 'user'; account: User };

/** One object's changes as they are gathered, before they become a PlanObject. */
interface Draft {
  target: Target;
  add: string[];
  remove: string[];
  setUac: number;
  clearUac: number;
  aesOnly: boolean;
  /** Principals of the new descriptor, in order (resolved to SIDs). */
  aces?: PlannedAce[];
  rules: string[];
  /** The fixes that made this draft, for the instructions when the object is refused (too many objects). */
  fixes: Fix[];
  findings: Finding[];
  /** Hosts whose SYSTEM ticket cache holds tickets this draft's change makes stale. */
  purge: string[];
}

const lower = (s: string) => s.toLowerCase();

function nameOf(t: Target): string {
  return t.account.samAccountName;
}

class Planner {
  private readonly drafts = new Map<string, Draft>();
  readonly refused: RefusedFix[] = [];
  /** Host-side fixes and refused fixes, as PowerShell (each once, in finding order). */
  private readonly manual: string[] = [];

  constructor(private readonly snapshot: DirectorySnapshot) {}

  private refuse(finding: Finding, reason: RefusedFix['reason'], detail: string, fix?: Fix): void {
    if (!this.refused.some((r) => r.subject === finding.subject && r.rule === finding.rule && r.reason === reason && r.detail === detail)) {
      this.refused.push({ subject: finding.subject, rule: finding.rule, reason, detail });
    }
    if (fix) this.instruct(renderFix(fix));
  }

  private instruct(text: string): void {
    if (!this.manual.includes(text)) this.manual.push(text);
  }

  private computer(name: string): Computer | undefined {
    return this.snapshot.computersByName.get(lower(name));
  }

  /** The draft of an account the plan may change, or undefined after refusing (DC, krbtgt, not in the directory). */
  private draftFor(finding: Finding, fix: Fix, name: string, kind: 'computer' | 'user'): Draft | undefined {
    if (isKrbtgt(name)) {
      this.refuse(finding, 'krbtgt', `${name} is the KDC's own account; kcd never changes it.`, fix);
      return undefined;
    }
    const computer = kind === 'computer' ? this.computer(name) : undefined;
    const user = kind === 'user' ? this.snapshot.usersByName.get(lower(name)) : undefined;
    const target: Target | undefined = computer ? { kind: 'computer', account: computer } : user ? { kind: 'user', account: user } : undefined;
    if (!target) {
      this.refuse(finding, 'not-in-directory', `${name} is not in the directory that was read.`, fix);
      return undefined;
    }
    if (computer && isProtectedComputer(computer)) {
      this.refuse(finding, 'domain-controller', `${name} is a domain controller; kcd never changes one.`, fix);
      return undefined;
    }
    const key = lower(target.account.distinguishedName);
    let draft = this.drafts.get(key);
    if (!draft) {
      draft = { target, add: [], remove: [], setUac: 0, clearUac: 0, aesOnly: false, rules: [], fixes: [], findings: [], purge: [] };
      this.drafts.set(key, draft);
    }
    return draft;
  }

  private credit(draft: Draft, finding: Finding, fix: Fix): void {
    if (!draft.rules.includes(finding.rule)) draft.rules.push(finding.rule);
    if (!draft.fixes.includes(fix)) draft.fixes.push(fix);
    if (!draft.findings.includes(finding)) draft.findings.push(finding);
  }

  private touchPurge(draft: Draft, host: string): void {
    if (!draft.purge.some((h) => lower(h) === lower(host))) draft.purge.push(host);
  }

  /** The domain controller whose service `spn` is, if any (directly or through the HOST/ alias). */
  private dcServing(spn: string): Computer | undefined {
    for (const h of holdersOf(this.snapshot, spn)) {
      if (!h.isComputer) continue;
      const c = this.snapshot.computersByDn.get(lower(h.distinguishedName));
      if (c && isProtectedComputer(c)) return c;
    }
    return undefined;
  }

  /** Adds the values `draft` lacks (and has not planned yet), refusing those a DC's service answers to. */
  private addDelegation(draft: Draft, finding: Finding, fix: Fix, values: readonly string[]): void {
    const c = draft.target.account as Computer;
    const have = new Set(c.allowedToDelegateTo.map(lower));
    let changed = false;
    for (const value of values) {
      const key = lower(value);
      if (have.has(key) || draft.add.some((v) => lower(v) === key)) continue;
      const dc = this.dcServing(value);
      if (dc) {
        this.refuse(finding, 'delegation-to-dc', `"${value}" is a service of domain controller ${dc.name}; kcd never adds delegation to a DC.`);
        continue;
      }
      draft.add.push(value);
      changed = true;
    }
    if (changed) {
      this.credit(draft, finding, fix);
      this.touchPurge(draft, c.name);
    }
  }

  /** Removes the values `draft` holds (as AD spells them: the delete names the stored value). */
  private removeDelegation(draft: Draft, finding: Finding, fix: Fix, values: readonly string[]): void {
    const c = draft.target.account as Computer;
    let changed = false;
    for (const value of values) {
      const stored = c.allowedToDelegateTo.find((v) => lower(v) === lower(value));
      if (stored === undefined || draft.remove.includes(stored)) continue;
      draft.remove.push(stored);
      changed = true;
    }
    if (changed) {
      this.credit(draft, finding, fix);
      this.touchPurge(draft, c.name);
    }
  }

  private changeUac(draft: Draft, finding: Finding, fix: Fix, set: number, clear: number): void {
    const before = draft.target.account.userAccountControl;
    const after = ((before | set) & ~clear) >>> 0;
    if (after === before) return;
    draft.setUac |= set;
    draft.clearUac |= clear;
    this.credit(draft, finding, fix);
  }

  /** A principal of a descriptor (sAMAccountName or SID) → its ACE, or undefined when its SID is not known. */
  private resolvePrincipal(host: Computer, principal: string): PlannedAce | undefined {
    const allow = (sid: string, name?: string): PlannedAce => ({ sid, type: 'allow', mask: FULL_CONTROL, ...(name ? { principal: name } : {}) });
    if (/^S-1-/i.test(principal)) {
      return allow(principal, host.resourceBasedAces?.find((a) => lower(a.sid) === lower(principal))?.principal);
    }
    const key = accountKey(principal);
    const known = host.resourceBasedAces?.find((a) => a.principal !== undefined && accountKey(a.principal) === key);
    if (known) return allow(known.sid, known.principal);
    const computer = this.computer(key);
    if (computer?.sid) return allow(computer.sid, computer.samAccountName);
    const group = this.snapshot.data.groups.find((g) => accountKey(g.name) === key);
    if (group?.sid) return allow(group.sid, group.name);
    return undefined;
  }

  private resourceBased(finding: Finding, fix: Extract<Fix, { kind: 'resource-based' }>): void {
    const draft = this.draftFor(finding, fix, fix.host, 'computer');
    if (!draft) return;
    const host = draft.target.account as Computer;
    if (host.resourceBasedAces === undefined && host.allowedToActOnBehalfOf.length > 0) {
      this.refuse(finding, 'not-in-directory', `${host.name}'s descriptor was not read as ACEs (an older snapshot), so its current value cannot be compared.`, fix);
      return;
    }
    const aces: PlannedAce[] = [...(draft.aces ?? [])];
    for (const principal of fix.principals) {
      const ace = this.resolvePrincipal(host, principal);
      if (!ace) {
        this.refuse(finding, 'not-in-directory', `${principal} (for ${host.name}'s descriptor) has no SID in the directory that was read.`, fix);
        return;
      }
      if (!aces.some((a) => lower(a.sid) === lower(ace.sid))) aces.push(ace);
    }
    const before = host.resourceBasedAces ?? [];
    if (sameAces(before, aces)) return;
    draft.aces = aces;
    this.credit(draft, finding, fix);
    // The accounts that delegate hold refused tickets in their SYSTEM cache until it is purged.
    for (const p of fix.principals) if (p.endsWith('$')) this.touchPurge(draft, p.slice(0, -1));
  }

  /** delegate-to-peers as the literal entries: every service in both name forms of every peer the query selects. */
  private delegateToPeers(finding: Finding, fix: Extract<Fix, { kind: 'delegate-to-peers' }>): void {
    const draft = this.draftFor(finding, fix, fix.host, 'computer');
    if (!draft) return;
    const host = draft.target.account as Computer;
    const wanted: string[] = [];
    for (const peer of migrationPeersOf(this.snapshot, host, fix.peers)) {
      for (const service of fix.services) {
        for (const form of [peer.name, peer.dnsHostName]) if (form) wanted.push(`${service}/${form}`);
      }
    }
    const have = new Set(host.allowedToDelegateTo.map(lower));
    const missing = new Set(wanted.map(lower).filter((v) => !have.has(v)));
    const values = host.allowedToDelegateTo.length + host.servicePrincipalNames.length + missing.size;
    if (values > AD_VALUES_PER_OBJECT) {
      this.refuse(
        finding,
        'too-many-objects',
        `${host.name} would hold ${values.toLocaleString('en-US')} values, more than AD keeps on one object (about ${AD_VALUES_PER_OBJECT.toLocaleString('en-US')}).`,
        fix,
      );
      return;
    }
    this.addDelegation(draft, finding, fix, wanted);
  }

  add(finding: Finding): void {
    const fix = finding.fix;
    if (!fix) return;
    switch (fix.kind) {
      case 'computer': {
        if (fix.dnsHostName) this.refuse(finding, 'host-side', `${fix.host}'s dNSHostName is set by the host itself when it joins or renames.`, { kind: 'computer', host: fix.host, dnsHostName: fix.dnsHostName });
        const literal = (fix.addDelegation?.length ?? 0) + (fix.removeDelegation?.length ?? 0) > 0 || fix.enable === true;
        if (!literal) return;
        const draft = this.draftFor(finding, { ...fix, dnsHostName: undefined }, fix.host, 'computer');
        if (!draft) return;
        this.addDelegation(draft, finding, fix, fix.addDelegation ?? []);
        this.removeDelegation(draft, finding, fix, fix.removeDelegation ?? []);
        if (fix.enable) this.changeUac(draft, finding, fix, 0, UAC.ACCOUNTDISABLE);
        return;
      }
      case 'account-control': {
        const draft = this.draftFor(finding, fix, fix.host, 'computer');
        if (!draft) return;
        this.changeUac(draft, finding, fix, UAC.TRUSTED_TO_AUTH_FOR_DELEGATION, UAC.TRUSTED_FOR_DELEGATION);
        if (draft.rules.includes(finding.rule)) this.touchPurge(draft, fix.host);
        return;
      }
      case 'user-delegable': {
        const draft = this.draftFor(finding, fix, fix.user, 'user');
        if (draft) this.changeUac(draft, finding, fix, 0, UAC.NOT_DELEGATED);
        return;
      }
      case 'encryption-types': {
        const draft = this.draftFor(finding, fix, fix.account, fix.accountKind);
        if (!draft) return;
        const before = draft.target.account.supportedEncryptionTypes;
        if (before !== undefined && aesOnly(before) === before) return;
        draft.aesOnly = true;
        this.credit(draft, finding, fix);
        // The host's cached RC4 tickets stay in use until they expire or are purged.
        if (fix.accountKind === 'computer') this.touchPurge(draft, (draft.target.account as Computer).name);
        return;
      }
      case 'resource-based':
        return this.resourceBased(finding, fix);
      case 'delegate-to-peers':
        return this.delegateToPeers(finding, fix);
      case 'register-spn':
      case 'remove-spn':
      case 'leave-group':
      case 'manual':
        return this.refuse(finding, 'host-side', hostSideDetail(fix), fix);
    }
  }

  /** The plan's objects (sorted by name, at most MAX_PLAN_OBJECTS; the rest refused) and what stays for people. */
  finish(findings: readonly Finding[]): { objects: PlanObject[]; instructions: string[] } {
    const built = [...this.drafts.values()]
      .map((d) => ({ draft: d, object: toPlanObject(d) }))
      .filter((b) => b.object.changes.length > 0)
      .sort((a, b) => compareNames(a.object.name, b.object.name) || compareNames(a.object.dn, b.object.dn));
    const kept = built.slice(0, MAX_PLAN_OBJECTS);
    for (const { draft, object } of built.slice(MAX_PLAN_OBJECTS)) {
      for (const rule of object.rules) {
        for (const finding of draft.findings.filter((f) => f.rule === rule)) {
          this.refuse(finding, 'too-many-objects', `The plan would change more than ${MAX_PLAN_OBJECTS} objects; ${object.name} is left to the PowerShell.`);
        }
      }
      for (const fix of draft.fixes) this.instruct(renderFix(fix));
    }
    const purge: string[] = [];
    for (const { draft } of kept) for (const h of draft.purge) if (!purge.some((p) => lower(p) === lower(h))) purge.push(h);
    const instructions = [...this.manual];
    if (purge.length > 0) {
      instructions.push(
        [
          '# Then let AD replicate to the DC the hosts use, and purge the SYSTEM ticket cache (or wait up to 15 minutes):',
          ...purge.map((host) => `Invoke-Command -ComputerName ${psName(host)} { klist -li 0x3e7 purge }`),
        ].join('\n'),
      );
    }
    if (findings.some(mentionsHyperVSettings)) instructions.push(HYPER_V_NOTE);
    return { objects: kept.map((k) => k.object), instructions };
  }
}

/** The Hyper-V side AD cannot tell, when a finding is about how moves authenticate. */
export const HYPER_V_NOTE =
  '# On both hosts (Hyper-V, not AD): Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos, and start moves with ' +
  'Kerberos, not CredSSP (Credential Guard, on by default on Windows Server 2025, makes CredSSP moves fail).';

function mentionsHyperVSettings(f: Finding): boolean {
  return /CredSSP|Credential Guard|Set-VMHost/i.test(`${f.message} ${f.why}`);
}

function hostSideDetail(fix: Extract<Fix, { kind: 'register-spn' | 'remove-spn' | 'leave-group' | 'manual' }>): string {
  switch (fix.kind) {
    case 'register-spn':
      return `SPNs are registered with setspn, which refuses duplicates: ${fix.spns.join(', ')} on ${fix.host}.`;
    case 'remove-spn':
      return `SPNs are removed with setspn: ${fix.spn} from ${fix.account}.`;
    case 'leave-group':
      return `Group membership is not changed by kcd: ${fix.member} in ${fix.group}.`;
    case 'manual':
      return fix.text.split('\n')[0]!;
  }
}

function aesOnly(before: number): number {
  return ((before & ~ETYPE_BITS) | AES_ONLY) >>> 0;
}

function sameAces(a: readonly PlannedAce[], b: readonly PlannedAce[]): boolean {
  return a.length === b.length && a.every((x, i) => lower(x.sid) === lower(b[i]!.sid) && x.type === b[i]!.type && x.mask === b[i]!.mask);
}

function plannedAce(a: PlannedAce): PlannedAce {
  return { sid: a.sid, type: a.type, mask: a.mask, ...(a.principal !== undefined ? { principal: a.principal } : {}) };
}

function toPlanObject(d: Draft): PlanObject {
  const account = d.target.account;
  const computer = d.target.kind === 'computer' ? d.target.account : undefined;
  const changes: AttributeChange[] = [];
  if (d.add.length > 0 || d.remove.length > 0) changes.push({ attribute: 'msDS-AllowedToDelegateTo', add: [...d.add], remove: [...d.remove] });
  const uac = ((account.userAccountControl | d.setUac) & ~d.clearUac) >>> 0;
  if (uac !== account.userAccountControl) changes.push({ attribute: 'userAccountControl', before: account.userAccountControl, after: uac });
  const etypes = account.supportedEncryptionTypes ?? null;
  if (d.aesOnly) changes.push({ attribute: 'msDS-SupportedEncryptionTypes', before: etypes, after: aesOnly(etypes ?? 0) });
  const aces = computer?.resourceBasedAces;
  const descriptorBefore = aces && aces.length > 0 ? aces.map(plannedAce) : null;
  if (d.aces) changes.push({ attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: descriptorBefore, after: d.aces.map(plannedAce) });
  return {
    dn: account.distinguishedName,
    name: nameOf(d.target),
    kind: d.target.kind,
    basis: {
      allowedToDelegateTo: [...(computer?.allowedToDelegateTo ?? [])],
      userAccountControl: account.userAccountControl,
      supportedEncryptionTypes: etypes,
      ...(d.aces ? { resourceBasedAces: descriptorBefore } : {}),
    },
    changes,
    rules: [...d.rules],
  };
}

/** The plan that fixes `findings` (the checker's answer to `question` on `snapshot`). */
export function planFix(snapshot: DirectorySnapshot, findings: readonly Finding[], question: PlanQuestion, options: PlanOptions): FixPlan {
  const planner = new Planner(snapshot);
  for (const finding of findings) planner.add(finding);
  const { objects, instructions } = planner.finish(findings);
  return {
    id: options.id,
    question,
    directory: options.directory,
    takenAt: snapshot.data.source.takenAt,
    createdAt: options.now.toISOString(),
    objects,
    refused: planner.refused,
    instructions,
  };
}

/** checkPair, then the plan for its findings. */
export function planForPair(
  snapshot: DirectorySnapshot,
  source: Computer,
  dest: Computer,
  question: { storage: boolean; fileServers: readonly Computer[] },
  options: PlanOptions,
): { report: PairReport; plan: FixPlan } {
  const report = checkPair(snapshot, source, dest, { storage: question.storage, fileServers: question.fileServers });
  const asked: PlanQuestion = { kind: 'pair', source: source.name, destination: dest.name, storage: question.storage, fileServers: question.fileServers.map((f) => f.name) };
  return { report, plan: planFix(snapshot, report.findings, asked, options) };
}

/** checkHost (the host and every peer, both directions), then the plan for its findings. */
export function planForHost(
  snapshot: DirectorySnapshot,
  host: Computer,
  question: { storage: boolean; group?: MigrationGroup },
  options: PlanOptions,
): { report: HostReport; plan: FixPlan } {
  const report = checkHost(snapshot, host, { storage: question.storage, group: question.group });
  return { report, plan: planFix(snapshot, report.findings, { kind: 'host', host: host.name, storage: question.storage }, options) };
}

/**
 * The plan for a question as a card or the CLI states it (host names as given): resolves the names (throws
 * UnknownHostError, or UnknownHostsError when several are unknown), checks and plans. `group`: the host question's migration group.
 */
export function planForQuestion(snapshot: DirectorySnapshot, question: PlanQuestion, options: PlanOptions, group?: MigrationGroup): FixPlan {
  if (question.kind === 'host') return planForHost(snapshot, resolveHost(snapshot, question.host), { storage: question.storage, group }, options).plan;
  const [source, dest, ...fileServers] = resolveHosts(snapshot, [question.source, question.destination, ...question.fileServers]) as [Computer, Computer, ...Computer[]];
  return planForPair(snapshot, source, dest, { storage: question.storage, fileServers }, options).plan;
}

/** planForQuestion with the configured migration group: the bot's PlanMaker (src/apply/approvals.ts). */
export function planMaker(group?: MigrationGroup): (snapshot: DirectorySnapshot, question: PlanQuestion, options: PlanOptions) => FixPlan {
  return (snapshot, question, options) => planForQuestion(snapshot, question, options, group);
}
