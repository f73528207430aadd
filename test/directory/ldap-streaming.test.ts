/**
 * readData's side-by-side streamed searches, without a DC: an in-memory stand-in for ldapts's Client serves
 * pages with delays, so the order of events is controlled. What is checked here is the cancellation contract
 * (a failing search stops the others at their next page, everything settles before readData rejects, nothing
 * is left unhandled) and the retry from the first page after a dropped connection. Real-DC behaviour (DC
 * stopped mid-read, timeouts, failover) is in ldap-directory.dc.test.ts and test/bot/faults.dc.test.ts.
 */
import type { Client, ClientOptions, Entry, SearchOptions, SearchResult } from 'ldapts';
import { COMPUTER_FILTER, GROUP_FILTER, LdapDirectory, SPN_ACCOUNT_FILTER } from '../../src/directory/ldap-directory';
import { DirectoryUnavailableError } from '../../src/domain/errors';

const BASE = 'DC=lab,DC=test';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Script {
  /** Pages per filter; a page that is an Error is thrown instead of returned. */
  pages: Record<string, Array<Entry[] | Error>>;
  pageDelayMs: number;
  /** When given, binds and page requests of every client, in the order they happen. */
  events?: string[];
}

class FakeClient {
  isConnected = true;
  isBound = false;
  readonly requested: string[] = [];
  open = 0;
  constructor(private readonly script: Script) {}
  bind(): Promise<void> {
    this.script.events?.push('bind');
    this.isBound = true;
    return Promise.resolve();
  }
  unbind(): Promise<void> {
    this.isConnected = false;
    this.isBound = false;
    return Promise.resolve();
  }
  search(base: string, options: SearchOptions = {}): Promise<SearchResult> {
    if (base === '') return Promise.resolve({ searchEntries: [{ dn: '', defaultNamingContext: BASE }], searchReferences: [] });
    const ranged = options.attributes?.find((a) => a.startsWith('memberOf;range='));
    if (ranged) {
      // The rest of a ranged memberOf (AD's MaxValRange), asked for after the search, outside its permit.
      this.requested.push(`${base} ${ranged}`);
      return Promise.resolve({ searchEntries: [{ dn: base, 'memberOf;range=2-*': ['CN=g3,DC=lab,DC=test'] }], searchReferences: [] });
    }
    return Promise.resolve({ searchEntries: [], searchReferences: [] });
  }
  async *searchPaginated(_base: string, options: SearchOptions): AsyncGenerator<SearchResult> {
    const filter = String(options.filter);
    const pages = this.script.pages[filter] ?? [[]];
    this.open++;
    try {
      for (const [i, page] of pages.entries()) {
        this.requested.push(`${filter}#${i}`);
        this.script.events?.push(`${filter}#${i}`);
        await sleep(this.script.pageDelayMs);
        if (page instanceof Error) throw page;
        yield { searchEntries: page, searchReferences: [] };
      }
    } finally {
      this.open--;
    }
  }
}

function computers(from: number, count: number): Entry[] {
  return Array.from({ length: count }, (_, i) => ({ dn: `CN=H${from + i},${BASE}`, cn: `H${from + i}`, sAMAccountName: `H${from + i}$` }));
}

/** The connection that ran the computer search (main lane), or the other one (side lane). */
function lane(clients: FakeClient[], computerSearch: boolean): FakeClient {
  const found = clients.filter((c) => c.requested.some((r) => r.startsWith(COMPUTER_FILTER)) === computerSearch);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function directory(clients: FakeClient[], script: Script): LdapDirectory {
  return new LdapDirectory(
    { url: 'ldaps://dc.lab.test', bindDN: 'CN=r,DC=lab,DC=test', bindPassword: 'x', timeoutMs: 5000, warn: () => undefined },
    {
      createClient: (_options: ClientOptions) => {
        const c = new FakeClient(script);
        clients.push(c);
        return c as unknown as Client;
      },
    },
  );
}

describe('readData: streamed searches side by side', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(() => process.on('unhandledRejection', onUnhandled));
  afterAll(() => process.off('unhandledRejection', onUnhandled));

  it('reads every page of every search, in order', async () => {
    const clients: FakeClient[] = [];
    const d = directory(clients, { pageDelayMs: 2, pages: { [COMPUTER_FILTER]: [computers(0, 3), computers(3, 2), computers(5, 1)] } });
    const data = await d.readData();
    expect(data.computers.map((c) => c.name)).toEqual(['H0', 'H1', 'H2', 'H3', 'H4', 'H5']);
    // Two connections: the computer search has one to itself, the small searches share the other.
    expect(clients).toHaveLength(2);
    const [main, side] = [lane(clients, true), lane(clients, false)];
    expect(main.requested).toEqual([`${COMPUTER_FILTER}#0`, `${COMPUTER_FILTER}#1`, `${COMPUTER_FILTER}#2`]);
    expect(side.requested.sort()).toEqual([`${GROUP_FILTER}#0`, `${SPN_ACCOUNT_FILTER}#0`].sort());
    expect(clients.map((c) => c.open)).toEqual([0, 0]);
    await d.close();
  });

  it('the side lane connects once the computer search is on its way (a prefork DC gives it another worker)', async () => {
    const clients: FakeClient[] = [];
    const events: string[] = [];
    const d = directory(clients, { pageDelayMs: 2, events, pages: { [COMPUTER_FILTER]: [computers(0, 2), computers(2, 2)] } });
    await d.readData();
    // The main lane binds, the computers' first page is requested, then the side lane binds for its searches.
    const binds = events.flatMap((e, i) => (e === 'bind' ? [i] : []));
    expect(binds).toHaveLength(2);
    expect(events[0]).toBe('bind');
    expect(binds[1]).toBeGreaterThan(events.indexOf(`${COMPUTER_FILTER}#0`));
    expect(events.indexOf(`${SPN_ACCOUNT_FILTER}#0`)).toBeGreaterThan(binds[1]!);
    await d.close();
  });

  it('a search that fails stops the others at their next page; readData rejects once all have settled', async () => {
    const clients: FakeClient[] = [];
    const many = Array.from({ length: 50 }, (_, i) => computers(i * 2, 2));
    const d = directory(clients, {
      pageDelayMs: 5,
      pages: {
        [COMPUTER_FILTER]: many,
        [SPN_ACCOUNT_FILTER]: [[], new Error('the server sent garbage (test)')],
        [GROUP_FILTER]: [[], [], [], []],
      },
    });
    const err = await d.readData().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DirectoryUnavailableError);
    expect((err as Error).message).toMatch(/^Cannot read the directory at ldaps:\/\/dc.lab.test/);
    const requested = clients.flatMap((c) => c.requested);
    // The computers search did not run to its 50th page.
    expect(requested.filter((r) => r.startsWith(COMPUTER_FILTER)).length).toBeLessThan(10);
    // Nothing is still running when readData has rejected.
    expect(clients.map((c) => c.open)).toEqual(clients.map(() => 0));
    await sleep(50);
    expect(unhandled).toEqual([]);
    await d.close();
  });

  it('completes ranged attributes after the search, keeping the entry in its place', async () => {
    const clients: FakeClient[] = [];
    const ranged: Entry = { dn: `CN=R,${BASE}`, cn: 'R', 'memberOf;range=0-1': ['CN=g1,DC=lab,DC=test', 'CN=g2,DC=lab,DC=test'] };
    const d = directory(clients, { pageDelayMs: 1, pages: { [COMPUTER_FILTER]: [computers(0, 1), [ranged, ...computers(1, 1)]] } });
    const data = await d.readData();
    expect(data.computers.map((c) => c.name)).toEqual(['H0', 'R', 'H1']);
    expect(data.computers[1]!.memberOf).toEqual(['CN=g1,DC=lab,DC=test', 'CN=g2,DC=lab,DC=test', 'CN=g3,DC=lab,DC=test']);
    // On the computer search's connection, after its last page.
    expect(lane(clients, true).requested.slice(-1)).toEqual([`CN=R,${BASE} memberOf;range=2-*`]);
    await d.close();
  });

  it('a refused bind is tried once per read, not once per connection (AD counts each towards lockout)', async () => {
    let binds = 0;
    const d = new LdapDirectory(
      { url: 'ldaps://dc.lab.test', bindDN: 'CN=r,DC=lab,DC=test', bindPassword: 'wrong', timeoutMs: 5000, warn: () => undefined },
      {
        createClient: () => {
          const c = new FakeClient({ pageDelayMs: 1, pages: {} });
          c.bind = async () => {
            binds++;
            await sleep(5);
            throw Object.assign(new Error('80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data 52e'), { code: 49 });
          };
          return c as unknown as Client;
        },
      },
    );
    await expect(d.readData()).rejects.toBeInstanceOf(DirectoryUnavailableError);
    await sleep(30);
    expect(binds).toBe(1);
    await d.close();
  });

  it('a dropped connection is retried once from the first page: no entry is read twice', async () => {
    const clients: FakeClient[] = [];
    let failed = false;
    const script: Script = { pageDelayMs: 1, pages: { [COMPUTER_FILTER]: [computers(0, 2), computers(2, 2)] } };
    const d = new LdapDirectory(
      { url: 'ldaps://dc.lab.test', bindDN: 'CN=r,DC=lab,DC=test', bindPassword: 'x', timeoutMs: 5000, warn: () => undefined },
      {
        createClient: () => {
          const c = new FakeClient(script);
          const original = c.searchPaginated.bind(c);
          c.searchPaginated = async function* (base: string, options: SearchOptions) {
            if (String(options.filter) !== COMPUTER_FILTER || failed) {
              yield* original(base, options);
              return;
            }
            // The connection of the first computer search drops after its first page.
            failed = true;
            yield { searchEntries: computers(0, 2), searchReferences: [] };
            c.isConnected = false;
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          };
          clients.push(c);
          return c as unknown as Client;
        },
      },
    );
    const data = await d.readData();
    expect(data.computers.map((c) => c.name)).toEqual(['H0', 'H1', 'H2', 'H3']);
    expect(failed).toBe(true);
    // The main lane's dropped connection, its replacement, and the side lane's.
    expect(clients.length).toBe(3);
    await d.close();
  });
});
