/**
 * The LDAP adapter: reads Active Directory (or a Samba AD DC) over LDAPS or StartTLS with a read-only account
 * and produces DirectoryData, then a snapshot.
 *
 * - TLS always: ldaps://, or ldap:// with StartTLS. Plain ldap:// is refused (the bind would send the password
 *   in clear text; AD and Samba refuse such a simple bind anyway). Certificates are verified unless
 *   `tlsInsecure`, which warns when it connects.
 * - Two connections (lanes), each bound once, reused across calls, re-established when it dropped: the
 *   computer search has the main one to itself, the small searches share the side one (see Lane).
 * - Every search is paged; every operation has a timeout.
 * - One search per object class per snapshot: computers, other SPN holders, groups (+ rootDSE, sPNMappings
 *   and the forest's domains, each one small search). The big three run side by side and are converted page
 *   by page as they arrive (readData); snapshot() indexes the computers while the next page is on its way.
 * - User input reaches filters only as values of filter objects (EqualityFilter), never by concatenation.
 * - Failures become DirectoryUnavailableError naming the URL and the cause, never the password.
 * - ldapts through its public API only; importing this module changes nothing in ldapts. The fast path
 *   (ldap/fast/) comes in only as the `paging` a caller passes.
 */
import type { ConnectionOptions } from 'node:tls';
import {
  AndFilter,
  Client,
  EqualityFilter,
  ExtensibleFilter,
  type Filter,
  OrFilter,
  ResultCodeError,
  type ClientOptions,
  type Entry,
} from 'ldapts';
import { ConfigError, DirectoryUnavailableError } from '../domain/errors';
import type { DirectoryData, ResourceBasedAce, User } from '../domain/model';
import { createInterner } from '../domain/intern';
import { domainOfDn, PROTECTED_USERS_RID, SnapshotBuilder, type DirectorySnapshot } from '../domain/snapshot';
import { createDomainOfDn, type EntryView, hasRangedAttribute, toGroup, toReadComputer, toReadSpnAccount, viewOf } from './ldap/entries';
import { describeFailure, type FailureStage } from './ldap/failure';
import {
  asArray,
  asBuffers,
  asNumber,
  asString,
  getAttribute,
  nextRangeStart,
  parseSecurityDescriptorAces,
  type DaclAce,
  sidToString,
} from './ldap/normalise';
import type { Directory } from './port';
import { type LdapPaging, plainPaging } from './ldap/paging';
import { Semaphore } from './ldap/semaphore';
import { ldapConnectionSettings } from './ldap/connection-settings';

export interface LdapDirectoryOptions {
  /** ldaps://host[:636], or ldap://host[:389] together with startTls. */
  url: string;
  /** The read-only account: a DN (CN=kcd-reader,OU=Service,DC=contoso,DC=com) or user@domain. */
  bindDN: string;
  bindPassword: string;
  /** Where to search; the domain's defaultNamingContext (from the rootDSE) when absent. */
  baseDN?: string;
  /** PEM file of the CA(s) that issued the DC's certificate, trusted in addition to Node's built-in CAs. */
  caFile?: string;
  /** The name to check the certificate against when the URL's host is not in it (e.g. an IP address). */
  tlsServername?: string;
  /** Turns certificate verification off (labs only); warns on every connect. */
  tlsInsecure?: boolean;
  /** Timeout for connecting and for each LDAP operation (each page of a search). */
  timeoutMs: number;
  /** Upgrade an ldap:// connection with StartTLS (required for ldap://). */
  startTls?: boolean;
  /** Where warnings go (tlsInsecure, unreadable optional data). Default: console.warn. */
  warn?: (msg: string) => void;
  /** Page size for paged searches (default 500; AD's and Samba's MaxPageSize is 1000). */
  pageSize?: number;
  /** Most LDAP searches in flight at once on this directory (default 4); more wait their turn. */
  maxConcurrentSearches?: number;
}

/** What the rootDSE told us. */
export interface RootDse {
  defaultNamingContext?: string;
  configurationNamingContext?: string;
  dnsHostName?: string;
}

/** What the adapter reads; exported so the benchmark's ldapsearch floor and reference reader ask for the same. */
export const COMPUTER_ATTRIBUTES = [
  'cn',
  'sAMAccountName',
  'dNSHostName',
  'distinguishedName',
  'userAccountControl',
  'servicePrincipalName',
  'msDS-AllowedToDelegateTo',
  'msDS-AllowedToActOnBehalfOfOtherIdentity',
  'operatingSystem',
  'operatingSystemVersion',
  'msDS-SupportedEncryptionTypes',
  'memberOf',
  'objectSid',
];
export const SPN_ACCOUNT_ATTRIBUTES = ['sAMAccountName', 'distinguishedName', 'servicePrincipalName', 'objectSid', 'userAccountControl'];
export const GROUP_ATTRIBUTES = ['cn', 'distinguishedName', 'objectSid', 'memberOf'];
const USER_ATTRIBUTES = [
  'sAMAccountName',
  'userPrincipalName',
  'distinguishedName',
  'userAccountControl',
  'memberOf',
  'primaryGroupID',
  'msDS-SupportedEncryptionTypes',
];
export const BINARY_ATTRIBUTES = ['objectSid', 'msDS-AllowedToActOnBehalfOfOtherIdentity'];
/** Multi-valued attributes that AD may hand out in ranges (MaxValRange, 1500 values). */
export const MULTI_VALUED = ['servicePrincipalName', 'msDS-AllowedToDelegateTo', 'memberOf'];

/** LDAP_MATCHING_RULE_IN_CHAIN: transitive membership, evaluated by the DC. */
export const MATCHING_RULE_IN_CHAIN = '1.2.840.113556.1.4.1941';
/** Filters are constants (no user input): computers, non-computer SPN holders, groups, domain crossRefs. */
export const COMPUTER_FILTER = '(objectCategory=computer)';
export const SPN_ACCOUNT_FILTER = '(&(servicePrincipalName=*)(!(objectCategory=computer)))';
export const GROUP_FILTER = '(objectCategory=group)';
export const DOMAIN_CROSSREF_FILTER = '(&(objectClass=crossRef)(systemFlags:1.2.840.113556.1.4.803:=2))';

/** The findUser filter, built from filter objects: the name is a value, never filter syntax. */
export function userLookupFilter(name: string): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectCategory', value: 'person' }),
      new EqualityFilter({ attribute: 'objectClass', value: 'user' }),
      new OrFilter({
        filters: [
          new EqualityFilter({ attribute: 'sAMAccountName', value: name }),
          new EqualityFilter({ attribute: 'userPrincipalName', value: name }),
        ],
      }),
    ],
  });
}

/** Groups that hold `dn` directly or through nesting (the DC resolves the chain). */
export function transitiveGroupsFilter(dn: string): Filter {
  return new AndFilter({
    filters: [
      new EqualityFilter({ attribute: 'objectCategory', value: 'group' }),
      new ExtensibleFilter({ matchType: 'member', rule: MATCHING_RULE_IN_CHAIN, value: dn }),
    ],
  });
}

/**
 * Which of the directory's two connections an operation uses. A domain controller serves each connection in
 * one worker (Samba's prefork workers; AD's LDAP threads are per request but a connection's paged searches
 * queue behind each other), so the long computer search has the main lane to itself while the small searches
 * (other SPN holders, groups, sPNMappings, domains) run beside it on the side lane: the benchmark DC spends
 * ~0.2 s of CPU on the SPN-holder search alone, which would otherwise delay the computers' first page.
 */
type Lane = 'main' | 'side';

/** How long after the computer search is sent the side lane connects (see read()): the DC worker has taken it. */
const SIDE_LANE_PAUSE_MS = 10;

/** The Directory port over LDAP. */
export class LdapDirectory implements Directory {
  readonly url: string;
  readonly #bindPassword: string;
  readonly #options: Omit<LdapDirectoryOptions, 'bindPassword'>;
  readonly #tlsOptions: ConnectionOptions;
  readonly #host: string;
  readonly #warn: (msg: string) => void;
  readonly #pageSize: number;
  readonly #createClient: (options: ClientOptions) => Client;
  /** The bound connection of each lane (see Lane). */
  readonly #clients = new Map<Lane, Client>();
  readonly #connecting = new Map<Lane, Promise<Client>>();
  #rootDse?: RootDse;
  readonly #searches: Semaphore;
  readonly #paging: LdapPaging;

  /** `paging`: how the big searches' pages are read (ldap/paging.ts); ldapts's searchPaginated by default. */
  constructor(options: LdapDirectoryOptions, deps: { createClient?: (options: ClientOptions) => Client; paging?: LdapPaging } = {}) {
    const { bindPassword, ...rest } = options;
    const { host, tlsOptions, problems } = ldapConnectionSettings(options);
    if (!options.bindDN?.trim()) problems.push('KCD_LDAP_BIND_DN is empty: give the read-only account\'s DN or user@domain');
    if (!bindPassword) problems.push('KCD_LDAP_BIND_PASSWORD is empty');
    if (problems.length > 0 || host === undefined || !tlsOptions) throw new ConfigError(problems);

    this.url = options.url;
    this.#bindPassword = bindPassword;
    this.#options = rest;
    this.#host = host;
    this.#warn = options.warn ?? ((msg) => console.warn(msg));
    this.#pageSize = Math.max(1, Math.min(options.pageSize ?? 500, 1000));
    this.#createClient = deps.createClient ?? ((o) => new Client(o));
    this.#searches = new Semaphore(Math.max(1, Math.floor(options.maxConcurrentSearches ?? 4)));
    this.#tlsOptions = tlsOptions;
    this.#paging = deps.paging ?? plainPaging;
  }

  describe(): { kind: 'ldap'; label: string } {
    return { kind: 'ldap', label: this.url };
  }

  /** Never shows the password (util.inspect / JSON). */
  toJSON(): Record<string, unknown> {
    return { kind: 'ldap', url: this.url, bindDN: this.#options.bindDN };
  }

  /**
   * The snapshot is built while the computers arrive (SnapshotBuilder): indexing their SPNs and delegation
   * entries fills the time the DC takes to produce the next page, so little is left once the last page is in.
   */
  async snapshot(): Promise<DirectorySnapshot> {
    const builder = new SnapshotBuilder();
    return builder.build(await this.read(builder));
  }

  /**
   * The raw DirectoryData behind snapshot() (what `kcd snapshot` writes to a file).
   *
   * The three big searches run side by side (the semaphore bounds them; the computers on the main lane, the
   * others on the side lane) and each converts its pages as they arrive, interning repeated values, while the
   * next page is already requested: client CPU overlaps the DC's work and raw entries never pile up. Given a
   * SnapshotBuilder, each computer is handed to it as soon as it is converted (what snapshot() does). The first failure cancels the other searches at their next page;
   * readData settles them all before it rejects, so nothing is left running or unhandled.
   */
  readData(builder?: SnapshotBuilder): Promise<DirectoryData> {
    return this.read(builder);
  }

  /** readData, handing each computer to `builder` (if given) as soon as it is read. */
  private async read(builder?: SnapshotBuilder): Promise<DirectoryData> {
    const takenAt = new Date().toISOString();
    const rootDse = await this.rootDse();
    const baseDN = await this.baseDN();
    const configNC = rootDse.configurationNamingContext;
    const intern = createInterner();
    const domainOf = createDomainOfDn();
    const cancel: Cancellation = {};
    const readingComputers = this.stream(baseDN, COMPUTER_FILTER, COMPUTER_ATTRIBUTES, (e) => {
      const read = toReadComputer(e, intern, domainOf);
      builder?.addComputer(read.computer);
      return read;
    }, cancel, 'main');
    // settleAll below handles its outcome; this only keeps a failure during the pause from counting as unhandled.
    readingComputers.catch(() => undefined);
    // The side lane connects (and binds: after the main lane's bind succeeded, so a refused password costs one
    // attempt per read towards AD's lockout, not two) once the computer search keeps the main lane's DC worker
    // busy. A Samba DC hands each new connection to whichever prefork worker accepts it first, and an idle one
    // is often the main lane's own (5 reads in 16 on the benchmark DC): the small searches then queue
    // behind the computers' first page instead of running beside it. AD serves requests from a thread pool.
    await new Promise((resolve) => setTimeout(resolve, SIDE_LANE_PAUSE_MS));
    const searches = [
      readingComputers,
      this.stream(baseDN, SPN_ACCOUNT_FILTER, SPN_ACCOUNT_ATTRIBUTES, (e) => toReadSpnAccount(e, intern), cancel, 'side'),
      this.stream(baseDN, GROUP_FILTER, GROUP_ATTRIBUTES, (e) => toGroup(e, intern), cancel, 'side'),
      configNC ? this.readSpnMappings(configNC).then((m) => (builder?.setSpnMappings(m), m)) : Promise.resolve([] as string[]),
      configNC ? this.readDomains(configNC) : Promise.resolve([] as string[]),
    ] as const;
    const [read, spnRead, groups, spnMappings, forestDomains] = await settleAll(cancel, searches);

    // SID → sAMAccountName, to name the principals of resource-based delegation.
    const sidNames = new Map<string, string>();
    for (const c of read) if (c.sid && c.sam) sidNames.set(c.sid, c.sam);
    for (const a of spnRead) if (a.sid && a.account.samAccountName) sidNames.set(a.sid, a.account.samAccountName);
    for (const g of groups) if (g.sid) sidNames.set(g.sid, g.name);
    const descriptors = read.filter((c) => c.rbcd.length > 0).map((c) => ({ c, aces: this.rbcdAces(c.rbcd, c.computer.name) }));
    if (descriptors.length > 0) await this.resolveSids(baseDN, descriptors.flatMap((d) => d.aces), sidNames);
    for (const { c, aces } of descriptors) {
      c.computer.resourceBasedAces = aces.map((ace) => withPrincipal(ace, sidNames.get(ace.sid)));
      const allowed: string[] = [];
      for (const ace of aces) {
        const principal = ace.type === 'allow' ? (sidNames.get(ace.sid) ?? ace.sid) : undefined;
        if (principal !== undefined && !allowed.includes(principal)) allowed.push(principal);
      }
      c.computer.allowedToActOnBehalfOf = allowed;
    }
    const computers = read.map((c) => c.computer);
    const spnAccounts = spnRead.map((a) => a.account).filter((a) => a.servicePrincipalNames.length > 0);
    const domains = [...new Set([...forestDomains, dnsNameOfDn(baseDN)].filter((d) => d.length > 0))];

    return {
      source: { kind: 'ldap', label: this.url, takenAt },
      domains,
      computers,
      users: [],
      groups,
      spnAccounts,
      spnMappings,
    };
  }

  async findUser(name: string): Promise<User | undefined> {
    const value = name.trim();
    // No account name holds control characters; some servers (Samba) end a value at NUL, so never send one.
    // eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
    if (value.length === 0 || value.length > 1024 || /[\u0000-\u001f\u007f]/.test(value)) return undefined;
    const baseDN = await this.baseDN();
    const entries = await this.search(baseDN, userLookupFilter(value), USER_ATTRIBUTES, { sizeLimit: 10 });
    if (entries.length === 0) return undefined;
    const lower = value.toLowerCase();
    // The server matched case-insensitively; prefer the sAMAccountName match if a UPN also matched.
    const entry =
      entries.find((e) => asString(getAttribute(e, 'sAMAccountName'))?.toLowerCase() === lower) ??
      entries.find((e) => asString(getAttribute(e, 'userPrincipalName'))?.toLowerCase() === lower);
    if (!entry) return undefined;
    const user = toUser(entry);
    user.protectedUsers = await this.inProtectedUsers(entry, user, baseDN);
    return user;
  }

  async close(): Promise<void> {
    const clients = [...this.#clients.values()];
    this.#clients.clear();
    this.#rootDse = undefined;
    await Promise.all(
      clients.map((client) =>
        client.unbind().catch(() => {
          // Closing a connection that is already gone is not an error.
        }),
      ),
    );
  }

  /** The rootDSE (read once per directory object). */
  async rootDse(): Promise<RootDse> {
    if (this.#rootDse) return this.#rootDse;
    const [entry] = await this.search('', '(objectClass=*)', ['defaultNamingContext', 'configurationNamingContext', 'dnsHostName'], {
      scope: 'base',
    });
    const rootDse: RootDse = {
      defaultNamingContext: entry ? asString(getAttribute(entry, 'defaultNamingContext')) : undefined,
      configurationNamingContext: entry ? asString(getAttribute(entry, 'configurationNamingContext')) : undefined,
      dnsHostName: entry ? asString(getAttribute(entry, 'dnsHostName')) : undefined,
    };
    this.#rootDse = rootDse;
    return rootDse;
  }

  /** The configured base DN, else the rootDSE's defaultNamingContext. */
  async baseDN(): Promise<string> {
    if (this.#options.baseDN) return this.#options.baseDN;
    const rootDse = await this.rootDse();
    if (!rootDse.defaultNamingContext) {
      throw new DirectoryUnavailableError(
        this.url,
        'the rootDSE has no defaultNamingContext (is this an Active Directory domain controller?)',
        'Set KCD_LDAP_BASE_DN to the domain\'s DN, e.g. DC=contoso,DC=com.',
      );
    }
    return rootDse.defaultNamingContext;
  }

  private async readSpnMappings(configNC: string): Promise<string[]> {
    const dn = `CN=Directory Service,CN=Windows NT,CN=Services,${configNC}`;
    try {
      const [entry] = await this.search(dn, '(objectClass=*)', ['sPNMappings'], { scope: 'base', optional: true, lane: 'side' });
      return entry ? asArray(getAttribute(entry, 'sPNMappings')) : [];
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw err;
      this.#warn(`Could not read sPNMappings from ${dn} (${(err as Error).message}); assuming Windows' default HOST/ aliases.`);
      return [];
    }
  }

  private async readDomains(configNC: string): Promise<string[]> {
    const base = `CN=Partitions,${configNC}`;
    try {
      const entries = await this.search(base, DOMAIN_CROSSREF_FILTER, ['dnsRoot', 'nETBIOSName'], { scope: 'one', optional: true, lane: 'side' });
      return entries
        .map((e) => asString(getAttribute(e, 'dnsRoot'))?.toLowerCase())
        .filter((d): d is string => d !== undefined)
        .sort();
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw err;
      this.#warn(`Could not read the forest's domains from ${base} (${(err as Error).message}); using the base DN's domain only.`);
      return [];
    }
  }

  /** Protected Users membership as the DC sees it (nested groups included, primary group too). */
  private async inProtectedUsers(entry: Entry, user: User, baseDN: string): Promise<boolean | undefined> {
    if (asNumber(getAttribute(entry, 'primaryGroupID')) === PROTECTED_USERS_RID) return true;
    try {
      const groups = await this.search(baseDN, transitiveGroupsFilter(user.distinguishedName), ['objectSid'], { optional: true });
      return groups.some((g) => isDomainRid(entrySid(g), PROTECTED_USERS_RID));
    } catch (err) {
      if (err instanceof DirectoryUnavailableError) throw err;
      this.#warn(`Could not resolve nested group membership of ${user.samAccountName} (${(err as Error).message}).`);
      return undefined;
    }
  }

  private rbcdAces(descriptors: readonly Buffer[], name: string): DaclAce[] {
    const out: DaclAce[] = [];
    for (const sd of descriptors) {
      try {
        out.push(...parseSecurityDescriptorAces(sd));
      } catch (err) {
        this.#warn(`${name}: cannot parse msDS-AllowedToActOnBehalfOfOtherIdentity (${(err as Error).message}); ignored.`);
      }
    }
    return out;
  }

  /**
   * Names the domain SIDs of resource-based descriptors that the bulk read did not (users without SPNs, groups):
   * one lookup per SID, only for descriptors that hold one (rare). A SID still unnamed afterwards belongs to no
   * object of the domain (a deleted account): the descriptor rules call it dangling.
   */
  private async resolveSids(baseDN: string, aces: readonly DaclAce[], sidNames: Map<string, string>): Promise<void> {
    const unknown = [...new Set(aces.map((a) => a.sid))].filter((sid) => !sidNames.has(sid) && DOMAIN_SID.test(sid));
    for (const sid of unknown) {
      try {
        const [entry] = await this.search(baseDN, `(objectSid=${sid})`, ['sAMAccountName', 'cn'], { optional: true, sizeLimit: 1 });
        const name = entry ? (asString(getAttribute(entry, 'sAMAccountName')) ?? asString(getAttribute(entry, 'cn'))) : undefined;
        if (name) sidNames.set(sid, name);
      } catch (err) {
        if (err instanceof DirectoryUnavailableError) throw err;
        this.#warn(`Could not look up ${sid} of a resource-based delegation descriptor (${(err as Error).message}).`);
        // Unknown is not "deleted": the ACE names its SID as its principal, so no rule calls it dangling.
        sidNames.set(sid, sid);
      }
    }
  }

  /**
   * A paged search whose entries are converted one by one as they are parsed (see LdapPaging). Entries with
   * ranged attributes are converted once their ranges are complete (after the search, outside its permit).
   * Stops at the next page once `cancel` holds a reason.
   */
  private async stream<T>(
    base: string,
    filter: string,
    attributes: string[],
    convert: (entry: EntryView) => T,
    cancel: Cancellation,
    lane: Lane,
  ): Promise<T[]> {
    const ranged: Array<{ index: number; entry: Entry }> = [];
    try {
      const items = await this.limited(() =>
        this.withClient('search', lane, async (client) => {
          // A fresh list per attempt: withClient retries once on a dropped connection, from the first page.
          const out: T[] = [];
          ranged.length = 0;
          throwIfCancelled(cancel);
          const take = (view: EntryView): void => {
            // Views of ranged entries carry the ldapts entry (the fast path's decoder leaves them to ldapts).
            if (view.entry && hasRangedAttribute(view.entry)) {
              ranged.push({ index: out.length, entry: view.entry });
              out.push(undefined as T);
            } else out.push(convert(view));
          };
          const pages = this.#paging.pages(
            client,
            base,
            {
              scope: 'sub',
              filter,
              attributes,
              explicitBufferAttributes: BINARY_ATTRIBUTES.filter((a) => attributes.includes(a)),
              paged: { pageSize: this.#pageSize },
              sizeLimit: 0,
              timeLimit: Math.max(1, Math.ceil(this.#options.timeoutMs / 1000)),
            },
            take,
          );
          for await (const _page of pages) throwIfCancelled(cancel);
          return out;
        }),
      );
      for (const { index, entry } of ranged) {
        await this.completeRanges(entry, attributes, lane);
        items[index] = convert(viewOf(entry));
      }
      return items;
    } catch (err) {
      throw this.unavailable(err, 'search');
    }
  }

  /**
   * A paged search with the directory's timeouts; ranged multi-valued attributes are completed. Failures are
   * DirectoryUnavailableError, except LDAP results about this one query when `optional` (the caller decides).
   */
  private async search(
    base: string,
    filter: string | Filter,
    attributes: string[],
    extra: { scope?: 'base' | 'one' | 'sub'; sizeLimit?: number; optional?: boolean; lane?: Lane } = {},
  ): Promise<Entry[]> {
    try {
      const result = await this.limited(() => this.withClient('search', extra.lane ?? 'main', (client) =>
        client.search(base, {
          scope: extra.scope ?? 'sub',
          filter,
          attributes,
          explicitBufferAttributes: BINARY_ATTRIBUTES.filter((a) => attributes.includes(a)),
          paged: { pageSize: this.#pageSize },
          sizeLimit: extra.sizeLimit ?? 0,
          timeLimit: Math.max(1, Math.ceil(this.#options.timeoutMs / 1000)),
        }),
      ));
      const entries = result.searchEntries;
      for (const entry of entries) await this.completeRanges(entry, attributes, extra.lane ?? 'main');
      return entries;
    } catch (err) {
      if (err instanceof ResultCodeError && extra.optional) throw err;
      throw this.unavailable(err, 'search');
    }
  }

  /** AD hands out at most MaxValRange (1500) values of an attribute at once (`memberOf;range=0-1499`): fetch the rest. */
  private async completeRanges(entry: Entry, attributes: readonly string[], lane: Lane): Promise<void> {
    for (const attribute of MULTI_VALUED) {
      if (!attributes.includes(attribute)) continue;
      let start = nextRangeStart(entry, attribute);
      if (start === undefined) continue;
      const values = getAttribute(entry, attribute);
      for (let pages = 0; start !== undefined && pages < 10_000; pages++) {
        const ranged = `${attribute};range=${start}-*`;
        const result = await this.limited(() =>
          this.withClient('search', lane, (client) => client.search(entry.dn, { scope: 'base', filter: '(objectClass=*)', attributes: [ranged] })),
        );
        const more = result.searchEntries[0];
        const page = more ? getAttribute(more, attribute) : [];
        if (!more || page.length === 0) break;
        values.push(...page);
        start = nextRangeStart(more, attribute);
      }
      for (const key of Object.keys(entry)) {
        const lower = key.toLowerCase();
        if (lower === attribute.toLowerCase() || lower.startsWith(`${attribute.toLowerCase()};range=`)) delete entry[key];
      }
      entry[attribute] = values as string[];
    }
  }

  /** One search under the concurrency limit (the permit is held for the search only, not its follow-ups). */
  private limited<T>(operation: () => Promise<T>): Promise<T> {
    return this.#searches.run(operation);
  }

  /** The most searches that were ever in flight at once. */
  get peakConcurrentSearches(): number {
    return this.#searches.peak;
  }

  /** Runs `op` on the bound connection; reconnects once when the connection dropped under it. */
  private async withClient<T>(stage: FailureStage, lane: Lane, op: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connection(lane);
      try {
        return await op(client);
      } catch (err) {
        // A socket that closed under us (ldapts may even have reconnected it, unauthenticated).
        const dropped = isConnectionLoss(err) || !client.isConnected || !client.isBound;
        if (dropped) this.dropClient(client);
        if (dropped && attempt === 0 && !isTimeout(err)) continue;
        if (err instanceof ResultCodeError && !isAvailabilityResult(err)) throw err;
        throw this.unavailable(err, stage);
      }
    }
  }

  private async connection(lane: Lane): Promise<Client> {
    const client = this.#clients.get(lane);
    if (client && client.isConnected && client.isBound) return client;
    if (client) this.dropClient(client);
    let connecting = this.#connecting.get(lane);
    if (!connecting) {
      connecting = this.connect(lane).finally(() => this.#connecting.delete(lane));
      this.#connecting.set(lane, connecting);
    }
    return connecting;
  }

  private dropClient(client: Client): void {
    for (const [lane, held] of this.#clients) if (held === client) this.#clients.delete(lane);
    client.unbind().catch(() => undefined);
  }

  private async connect(lane: Lane): Promise<Client> {
    const { timeoutMs, startTls, tlsInsecure, bindDN } = this.#options;
    if (tlsInsecure && lane === 'main') {
      this.#warn(
        `WARNING: TLS certificate verification is OFF for ${this.url} (tlsInsecure). The connection is encrypted ` +
          'but the server is not authenticated: anyone on the network path can impersonate the domain controller ' +
          'and capture the bind password. Set KCD_LDAP_CA_FILE to the CA certificate instead.',
      );
    }
    const client = this.#createClient({
      url: this.url,
      timeout: timeoutMs,
      connectTimeout: timeoutMs,
      ...(startTls ? {} : { tlsOptions: this.#tlsOptions }),
    });
    this.#paging.attach(client);
    let stage: FailureStage = 'connect';
    try {
      if (startTls) {
        stage = 'starttls';
        await client.startTLS({ ...this.#tlsOptions, host: this.#host });
      }
      stage = 'bind';
      await client.bind(bindDN, this.#bindPassword);
    } catch (err) {
      client.unbind().catch(() => undefined);
      throw this.unavailable(err, stage === 'bind' && !client.isConnected && !(err instanceof ResultCodeError) ? 'connect' : stage);
    }
    this.#clients.set(lane, client);
    return client;
  }

  private unavailable(err: unknown, stage: FailureStage): DirectoryUnavailableError {
    if (err instanceof DirectoryUnavailableError) return err;
    const { cause, remediation } = describeFailure(err, {
      stage,
      bindDN: this.#options.bindDN,
      timeoutMs: this.#options.timeoutMs,
      verifying: !this.#options.tlsInsecure,
      secrets: [this.#bindPassword],
    });
    return new DirectoryUnavailableError(this.url, cause, remediation);
  }
}

export function createLdapDirectory(options: LdapDirectoryOptions): LdapDirectory {
  return new LdapDirectory(options);
}

/** "DC=contoso,DC=com" (or "OU=x,DC=contoso,DC=com") → "contoso.com": every DC= part of the DN. */
export function dnsNameOfDn(dn: string): string {
  return dn
    .split(/,(?=\s*[A-Za-z][\w-]*\s*=)/)
    .map((part) => /^\s*DC\s*=(.*)$/i.exec(part)?.[1]?.trim())
    .filter((p): p is string => p !== undefined && p.length > 0)
    .join('.')
    .toLowerCase();
}

function entrySid(entry: Entry): string | undefined {
  const [buf] = asBuffers(getAttribute(entry, 'objectSid'));
  return buf ? sidToString(buf) : undefined;
}

/** A domain-relative SID (S-1-5-21-a-b-c-RID) ending in `rid`. */
function isDomainRid(sid: string | undefined, rid: number): boolean {
  return sid !== undefined && /^S-1-5-21-\d+-\d+-\d+-\d+$/.test(sid) && sid.endsWith(`-${rid}`);
}

/** A shared flag: the first failure of readData's searches, which stops the others. */
interface Cancellation {
  reason?: unknown;
}

class SearchCancelled extends Error {
  constructor() {
    super('search cancelled: another search of the same read failed');
  }
}

function throwIfCancelled(cancel: Cancellation): void {
  if (cancel.reason !== undefined) throw new SearchCancelled();
}

/**
 * Promise.all that records the first rejection in `cancel` (so the other searches stop at their next page),
 * waits until every promise has settled, then rejects with that first failure.
 */
async function settleAll<T extends readonly unknown[]>(cancel: Cancellation, promises: { readonly [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const watched = (promises as readonly Promise<unknown>[]).map((p) =>
    p.catch((err: unknown) => {
      cancel.reason ??= err;
      throw err;
    }),
  );
  const settled = await Promise.allSettled(watched);
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- the first failure, rethrown as it came
  if (cancel.reason !== undefined) throw cancel.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

function toUser(entry: Entry): User {
  const dn = asString(getAttribute(entry, 'distinguishedName')) ?? entry.dn;
  const user: User = {
    samAccountName: asString(getAttribute(entry, 'sAMAccountName')) ?? '',
    distinguishedName: dn,
    domain: domainOfDn(dn),
    userAccountControl: asNumber(getAttribute(entry, 'userAccountControl'), 0),
    memberOf: asArray(getAttribute(entry, 'memberOf')),
  };
  const upn = asString(getAttribute(entry, 'userPrincipalName'));
  if (upn) user.userPrincipalName = upn;
  const encryptionTypes = asNumber(getAttribute(entry, 'msDS-SupportedEncryptionTypes'));
  if (encryptionTypes !== undefined) user.supportedEncryptionTypes = encryptionTypes >>> 0;
  return user;
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && /timed? ?out|timeout/i.test(err.message);
}

function isConnectionLoss(err: unknown): boolean {
  if (err instanceof ResultCodeError) return false;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  return err instanceof Error && /Connection closed|Socket error|Socket connection not established|operation timed out/i.test(err.message);
}

/** LDAP results that mean "the directory cannot serve us" rather than a problem with one query. */
function isAvailabilityResult(err: ResultCodeError): boolean {
  return [1, 3, 7, 8, 13, 48, 49, 50, 51, 52].includes(err.code);
}

/** A SID of a domain account or group (S-1-5-21-<domain>-<RID>), as opposed to well-known SIDs (S-1-1-0, S-1-5-32-544). */
const DOMAIN_SID = /^S-1-5-21-\d+-\d+-\d+-\d+$/;

function withPrincipal(ace: DaclAce, principal: string | undefined): ResourceBasedAce {
  return principal !== undefined ? { sid: ace.sid, principal, type: ace.type, mask: ace.mask } : { ...ace };
}
