/**
 * The write side of AD (DirectoryWriter) over LDAP, through a separate write account. For each plan:
 *
 * 1. bind; 2. re-read every object by DN (a base-scope search: the DN is the search base, never filter text);
 * 3. refuse the whole plan when an object is now a DC or krbtgt, or an added delegation entry names a DC's
 * service; 4. when any object differs from the values the plan was made from, write nothing and say what
 * changed; 5. otherwise write each object with ONE modify (modify-changes.ts: a compare-and-swap, never a
 * replace), at most `writesPerSecond`, stopping at the first failure; 6. read the written objects back for the
 * before/after of the audit. One plan at a time per writer. The password never appears in an outcome or a log.
 */
import { Client, type Entry, ExtensibleFilter, OrFilter, ResultCodeError } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { ConfigError } from '../domain/errors';
import { ldapConnectionSettings } from '../directory/ldap/connection-settings';
import { asArray, asString, getAttribute } from '../directory/ldap/normalise';
import { Semaphore } from '../directory/ldap/semaphore';
import { basisDifferences, currentObjectOf, valuesOf, WRITER_ATTRIBUTES, WRITER_BINARY_ATTRIBUTES, type CurrentObject } from './current-object';
import { expectedAfter, inconsistency, modifyChanges } from './modify-changes';
import { type DomainControllerNames, namesDomainControllerService, protectedObjectReason } from './protected-objects';
import { MAX_PLAN_OBJECTS, type ApplyOutcome, type DirectoryWriter, type FixPlan, type ObjectOutcome, type PlanObject, type WriteFailureCause } from './types';
import { causeOf, detailOf } from './write-failure';
import { systemClock, WriteThrottle } from './write-throttle';

export interface LdapWriterOptions {
  /** ldaps://host[:636], or ldap://host[:389] together with startTls (the read adapter's KCD_LDAP_URL). */
  url: string;
  /** The write account (KCD_WRITE_BIND_DN): a DN or user@domain. */
  bindDN: string;
  bindPassword: string;
  caFile?: string;
  tlsServername?: string;
  /** Turns certificate verification off (labs only); warns on every connect. */
  tlsInsecure?: boolean;
  startTls?: boolean;
  /** Timeout for connecting and for each LDAP operation. */
  timeoutMs: number;
  /** Where the domain controllers are looked up; the rootDSE's defaultNamingContext when absent. */
  baseDN?: string;
  /** At most this many modifies per second (default 5): the minimum gap between two modifies of this writer. */
  writesPerSecond?: number;
  /**
   * Whether an SPN names a service of a domain controller. Default: its host part is the DNS or NetBIOS name of
   * a DC of the domain, or it is one of their SPNs (read with an LDAP search when a plan adds delegation entries).
   */
  isProtectedSpn?: (spn: string) => boolean | Promise<boolean>;
  /** Where warnings go (tlsInsecure). Default: console.warn. */
  warn?: (msg: string) => void;
  /** The clock of the rate limit (tests). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_WRITES_PER_SECOND = 5;

/** Domain controllers (SERVER_TRUST_ACCOUNT) and read-only ones (PARTIAL_SECRETS_ACCOUNT), by bitwise AND. */
const DOMAIN_CONTROLLER_FILTER = new OrFilter({
  filters: ['8192', '67108864'].map((bit) => new ExtensibleFilter({ matchType: 'userAccountControl', rule: '1.2.840.113556.1.4.803', value: bit })),
});

/** A write that stopped: the cause and one line for people. */
interface Stop {
  cause: WriteFailureCause;
  detail: string;
  failedDn?: string;
}

export class LdapDirectoryWriter implements DirectoryWriter {
  readonly url: string;
  readonly #bindDN: string;
  readonly #bindPassword: string;
  readonly #options: Omit<LdapWriterOptions, 'bindPassword'>;
  readonly #host: string;
  readonly #tlsOptions: ConnectionOptions;
  readonly #throttle: WriteThrottle;
  readonly #onePlanAtATime = new Semaphore(1);
  readonly #warn: (msg: string) => void;

  constructor(options: LdapWriterOptions) {
    const { bindPassword, ...rest } = options;
    const { host, tlsOptions, problems } = ldapConnectionSettings(options);
    if (!options.bindDN?.trim()) problems.push("KCD_WRITE_BIND_DN is empty: give the write account's DN or user@domain");
    if (!bindPassword) problems.push('the write account\'s password (KCD_WRITE_BIND_PASSWORD_FILE) is empty');
    const writesPerSecond = options.writesPerSecond ?? DEFAULT_WRITES_PER_SECOND;
    if (!Number.isFinite(writesPerSecond) || writesPerSecond <= 0) problems.push(`writesPerSecond must be a positive number (got ${writesPerSecond})`);
    if (problems.length > 0 || host === undefined || !tlsOptions) throw new ConfigError(problems);
    this.url = options.url;
    this.#bindDN = options.bindDN;
    this.#bindPassword = bindPassword;
    this.#options = rest;
    this.#host = host;
    this.#tlsOptions = tlsOptions;
    this.#warn = options.warn ?? ((msg) => console.warn(msg));
    this.#throttle = new WriteThrottle(writesPerSecond, {
      ...systemClock,
      ...(options.now ? { now: options.now } : {}),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }

  describe(): string {
    return this.url;
  }

  /** Never shows the password (util.inspect / JSON). */
  toJSON(): Record<string, unknown> {
    return { kind: 'ldap-writer', url: this.url, bindDN: this.#bindDN, writesPerSecond: 1000 / this.#throttle.gapMs };
  }

  apply(plan: FixPlan): Promise<ApplyOutcome> {
    return this.#onePlanAtATime.run(async () => {
      try {
        return await this.applyNow(plan);
      } catch (err) {
        // Never throws: anything unforeseen is a failure with nothing known to be written.
        return failed({ cause: 'other', detail: detailOf('applying the plan', err, [this.#bindPassword]) }, plan.objects.map((o) => notWritten(o)));
      }
    });
  }

  async close(): Promise<void> {
    // Each plan opens and closes its own connection: nothing stays open between plans.
  }

  private async applyNow(plan: FixPlan): Promise<ApplyOutcome> {
    const untouched = (): ObjectOutcome[] => plan.objects.map((o) => notWritten(o));
    const refusal = refusePlan(plan);
    if (refusal) return failed(refusal, untouched());
    let client: Client | undefined;
    try {
      let stop: Stop | undefined;
      ({ client, stop } = await this.connect());
      if (stop || !client) return failed(stop ?? { cause: 'other', detail: 'no connection' }, untouched());
      const read = await this.readAll(client, plan.objects);
      if ('stop' in read) return failed(read.stop, untouched());
      const current = read.objects;
      const protectedStop = await this.protectedStop(client, plan.objects, current);
      if (protectedStop) return failed(protectedStop, untouched());
      const differences = plan.objects.flatMap((o) => basisDifferences(o, current.get(o.dn)));
      if (differences.length > 0) return { status: 'changed', differences };
      const { written, stop: writeStop } = await this.writeAll(client, plan.objects, current);
      const objects = await this.outcomes(client, plan.objects, current, written);
      return writeStop ? failed(writeStop, objects) : { status: 'applied', objects };
    } finally {
      await client?.unbind().catch(() => undefined);
    }
  }

  private async connect(): Promise<{ client?: Client; stop?: Stop }> {
    const { timeoutMs, startTls, tlsInsecure } = this.#options;
    if (tlsInsecure) {
      this.#warn(`WARNING: TLS certificate verification is OFF for the write account's connection to ${this.url} (tlsInsecure): labs only.`);
    }
    const client = new Client({ url: this.url, timeout: timeoutMs, connectTimeout: timeoutMs, ...(startTls ? {} : { tlsOptions: this.#tlsOptions }) });
    let doing = `StartTLS with ${this.url}`;
    try {
      if (startTls) {
        await client.startTLS({ ...this.#tlsOptions, host: this.#host });
      }
      doing = `binding as ${this.#bindDN}`;
      await client.bind(this.#bindDN, this.#bindPassword);
      return { client };
    } catch (err) {
      await client.unbind().catch(() => undefined);
      // ldapts connects on the first operation: a failure that is not an LDAP result happened on the way.
      return { stop: this.stopOf(err instanceof ResultCodeError ? doing : `connecting to ${this.url}`, err) };
    }
  }

  private stopOf(doing: string, err: unknown, failedDn?: string): Stop {
    const cause = causeOf(err);
    return { cause, detail: detailOf(doing, err, [this.#bindPassword]), ...(failedDn !== undefined ? { failedDn } : {}) };
  }

  /** The object by its DN (the search base), or undefined when there is none. */
  private async readObject(client: Client, dn: string): Promise<CurrentObject | undefined> {
    try {
      const { searchEntries } = await client.search(dn, {
        scope: 'base',
        filter: '(objectClass=*)',
        attributes: WRITER_ATTRIBUTES,
        explicitBufferAttributes: WRITER_BINARY_ATTRIBUTES,
        sizeLimit: 1,
        timeLimit: Math.max(1, Math.ceil(this.#options.timeoutMs / 1000)),
      });
      const entry = searchEntries[0];
      return entry ? currentObjectOf(dn, entry) : undefined;
    } catch (err) {
      if (err instanceof ResultCodeError && err.code === 32) return undefined;
      throw err;
    }
  }

  private async readAll(client: Client, objects: readonly PlanObject[]): Promise<{ objects: Map<string, CurrentObject | undefined> } | { stop: Stop }> {
    const current = new Map<string, CurrentObject | undefined>();
    for (const object of objects) {
      try {
        current.set(object.dn, await this.readObject(client, object.dn));
      } catch (err) {
        return { stop: this.stopOf(`reading ${object.dn}`, err, object.dn) };
      }
    }
    return { objects: current };
  }

  /** A DC or krbtgt among the objects, or a delegation entry to add that names a DC's service. */
  private async protectedStop(client: Client, objects: readonly PlanObject[], current: ReadonlyMap<string, CurrentObject | undefined>): Promise<Stop | undefined> {
    for (const object of objects) {
      const now = current.get(object.dn);
      const reason = now && protectedObjectReason(now);
      if (reason) return { cause: 'protected-object', detail: `refused: ${reason}; the writer never changes it`, failedDn: object.dn };
    }
    const added = objects.flatMap((o) => o.changes.flatMap((c) => (c.attribute === 'msDS-AllowedToDelegateTo' ? c.add.map((spn) => ({ dn: o.dn, spn })) : [])));
    if (added.length === 0) return undefined;
    let isProtected = this.#options.isProtectedSpn;
    if (!isProtected) {
      let dcs: DomainControllerNames[];
      try {
        dcs = await this.readDomainControllers(client);
      } catch (err) {
        return this.stopOf('reading the domain controllers', err);
      }
      isProtected = (spn) => namesDomainControllerService(spn, dcs);
    }
    for (const { dn, spn } of added) {
      if (await isProtected(spn)) {
        return { cause: 'protected-object', detail: `refused: ${spn}, to be added on ${dn}, is a service of a domain controller`, failedDn: dn };
      }
    }
    return undefined;
  }

  private async readDomainControllers(client: Client): Promise<DomainControllerNames[]> {
    const base = this.#options.baseDN ?? (await this.defaultNamingContext(client));
    const { searchEntries } = await client.search(base, {
      scope: 'sub',
      filter: DOMAIN_CONTROLLER_FILTER,
      attributes: ['dNSHostName', 'sAMAccountName', 'servicePrincipalName'],
      paged: { pageSize: 500 },
      timeLimit: Math.max(1, Math.ceil(this.#options.timeoutMs / 1000)),
    });
    return searchEntries.map((e: Entry) => {
      const dnsHostName = asString(getAttribute(e, 'dNSHostName'));
      return {
        ...(dnsHostName !== undefined ? { dnsHostName } : {}),
        samAccountName: asString(getAttribute(e, 'sAMAccountName')) ?? '',
        servicePrincipalNames: asArray(getAttribute(e, 'servicePrincipalName')),
      };
    });
  }

  private async defaultNamingContext(client: Client): Promise<string> {
    const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['defaultNamingContext'] });
    const base = searchEntries[0] ? asString(getAttribute(searchEntries[0], 'defaultNamingContext')) : undefined;
    if (!base) throw new Error('the rootDSE has no defaultNamingContext: set the base DN');
    return base;
  }

  /** One modify per object, in the plan's order, each after the throttle's gap; stops at the first failure. */
  private async writeAll(
    client: Client,
    objects: readonly PlanObject[],
    current: ReadonlyMap<string, CurrentObject | undefined>,
  ): Promise<{ written: Set<string>; stop?: Stop }> {
    const written = new Set<string>();
    for (const object of objects) {
      await this.#throttle.next();
      try {
        await client.modify(object.dn, modifyChanges(object, current.get(object.dn)!));
      } catch (err) {
        const stop = this.stopOf(`writing ${object.dn}`, err, object.dn);
        // A modify lost on the way back may have been applied: say so rather than guess.
        if (stop.cause === 'unreachable') stop.detail += '; whether the DC applied this modify is unknown: check the object before retrying';
        return { written, stop };
      }
      written.add(object.dn);
    }
    return { written };
  }

  /** Before (as re-read) and after (read back; what the modify wrote when it cannot be read) per object. */
  private async outcomes(
    client: Client,
    objects: readonly PlanObject[],
    current: ReadonlyMap<string, CurrentObject | undefined>,
    written: ReadonlySet<string>,
  ): Promise<ObjectOutcome[]> {
    const out: ObjectOutcome[] = [];
    for (const object of objects) {
      const before = current.get(object.dn)!;
      if (!written.has(object.dn)) {
        out.push({ dn: object.dn, status: 'not-written', before: valuesOf(before, object.changes), after: valuesOf(before, object.changes) });
        continue;
      }
      const after = (await this.readObject(client, object.dn).catch(() => undefined)) ?? expectedAfter(object, before);
      out.push({ dn: object.dn, status: 'written', before: valuesOf(before, object.changes), after: valuesOf(after, object.changes) });
    }
    return out;
  }
}

/** A plan the writer refuses before connecting: too big, or contradicting itself. */
function refusePlan(plan: FixPlan): Stop | undefined {
  if (plan.objects.length > MAX_PLAN_OBJECTS) {
    return { cause: 'other', detail: `the plan has ${plan.objects.length} objects; at most ${MAX_PLAN_OBJECTS} are written in one plan` };
  }
  const dns = new Set<string>();
  for (const object of plan.objects) {
    const key = object.dn.toLowerCase();
    if (dns.has(key)) return { cause: 'other', detail: `the plan lists ${object.dn} twice`, failedDn: object.dn };
    dns.add(key);
    if (object.changes.length === 0) return { cause: 'other', detail: `the plan changes nothing on ${object.dn}`, failedDn: object.dn };
    const problem = inconsistency(object);
    if (problem) return { cause: 'other', detail: `the plan contradicts itself on ${object.dn}: ${problem}`, failedDn: object.dn };
  }
  return undefined;
}

function notWritten(object: PlanObject): ObjectOutcome {
  return { dn: object.dn, status: 'not-written', before: {}, after: {} };
}

function failed(stop: Stop, objects: ObjectOutcome[]): ApplyOutcome {
  return { status: 'failed', cause: stop.cause, detail: stop.detail, ...(stop.failedDn !== undefined ? { failedDn: stop.failedDn } : {}), objects };
}
