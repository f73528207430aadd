/**
 * Reading pages ahead (src/directory/ldap/fast/pages-ahead.ts) against the real Samba AD DC: the same pages and
 * entries as ldapts's searchPaginated, each next page requested before the previous page's entries are parsed,
 * errors and early stops as searchPaginated has them, and a connection that stays usable.
 */
import { Client, NoSuchObjectError, type SearchOptions } from 'ldapts';
import { readFileSync } from 'node:fs';
import { installPagesAhead, searchPagesAhead, type SearchPage, supportsPagesAhead } from '../../src/directory/ldap/fast/pages-ahead';
import { SEARCH_RESULT_ENTRY } from '../../src/directory/ldap/fast/message-framer';
import { attributesOf, type EntryView, viewOf } from '../../src/directory/ldap/entries';
import { labFacts, loadEntries, ringClusterEntries, uniqueName } from '../ad-lab/lab';

jest.setTimeout(300_000);

const facts = labFacts();
const COUNT = 450;
const PAGE = 100;

/** What the pages-ahead path and the fallback must agree on: every page, every entry with every value. */
async function readAll(pages: AsyncGenerator<SearchPage>): Promise<SearchPage[]> {
  const out: SearchPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const readingAhead = new WeakSet<Client>();

/** Read ahead on clients connect(true) made, else ldapts's searchPaginated, as SearchPages (entries handed on or listed). */
function pagesOf(client: Client, baseDN: string, o: SearchOptions, onEntry?: (entry: EntryView) => void): AsyncGenerator<SearchPage> {
  return readingAhead.has(client) ? searchPagesAhead(client, baseDN, o, onEntry) : searchPaginated(client, baseDN, o, onEntry);
}

async function* searchPaginated(client: Client, baseDN: string, o: SearchOptions, onEntry?: (entry: EntryView) => void): AsyncGenerator<SearchPage> {
  for await (const { searchEntries, searchReferences } of client.searchPaginated(baseDN, o)) {
    if (!onEntry) yield { searchEntries, searchReferences, entries: searchEntries.length };
    else {
      for (const entry of searchEntries) onEntry(viewOf(entry));
      yield { searchEntries: [], searchReferences, entries: searchEntries.length };
    }
  }
}

interface Traced {
  client: Client;
  /** In order: 'send <id>' for each SearchRequest written, 'entry <id>' for each SearchResultEntry parsed. */
  events: string[];
}

async function connect(readAhead: boolean): Promise<Traced> {
  const client = new Client({
    url: facts.url,
    timeout: 60_000,
    tlsOptions: { ca: [readFileSync(facts.caFile)], servername: facts.tlsServername },
  });
  const events: string[] = [];
  const internals = client as unknown as {
    _send: (m: { messageId: number; constructor: { name: string } }) => Promise<unknown>;
    messageParser: { on(event: 'message', listener: (m: { messageId: number; protocolOperation: number }) => void): void };
  };
  const send = internals._send.bind(client);
  internals._send = (m) => {
    if (m.constructor.name === 'SearchRequest') events.push(`send ${m.messageId}`);
    return send(m);
  };
  internals.messageParser.on('message', (m) => {
    if (m.protocolOperation === SEARCH_RESULT_ENTRY) events.push(`entry ${m.messageId}`);
  });
  if (readAhead) {
    expect(installPagesAhead(client)).toBe(true);
    readingAhead.add(client);
  }
  await client.bind(facts.readerBindDN, facts.readerPassword);
  return { client, events };
}

describe('paged searches read ahead, on the Samba DC', () => {
  const ou = uniqueName('AHEAD');
  const ouDn = `OU=${ou},${facts.baseDN}`;
  const prefix = ou.slice(-9);
  const names = Array.from({ length: COUNT }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`.slice(0, 15));
  const options: SearchOptions = {
    scope: 'sub',
    filter: '(objectCategory=computer)',
    attributes: ['cn', 'dNSHostName', 'servicePrincipalName', 'msDS-AllowedToDelegateTo', 'userAccountControl', 'objectSid'],
    explicitBufferAttributes: ['objectSid'],
    paged: { pageSize: PAGE },
    sizeLimit: 0,
  };

  beforeAll(() => loadEntries(facts, ringClusterEntries(ou, names)));

  it('is used on ldapts Clients of the version it mirrors, not on others', () => {
    const client = new Client({ url: facts.url });
    expect(supportsPagesAhead(client)).toBe(true);
    expect(supportsPagesAhead(client, '8.3.0')).toBe(false);
    expect(supportsPagesAhead({ searchPaginated: () => undefined })).toBe(false);
    expect(installPagesAhead(client, '9.0.0')).toBe(false);
  });

  it('gives the same pages and entries as searchPaginated, requesting each next page before parsing this one', async () => {
    const plain = await connect(false);
    const ahead = await connect(true);
    try {
      const expected = await readAll(pagesOf(plain.client, ouDn, options));
      const got = await readAll(pagesOf(ahead.client, ouDn, options));
      expect(expected).toHaveLength(Math.ceil(COUNT / PAGE));
      expect(expected.flatMap((p) => p.searchEntries.map((e) => e.cn)).sort()).toEqual([...names].sort());
      expect(got).toEqual(expected);

      // Read ahead: page k+1's request leaves before the first entry of page k is parsed (after page 1).
      const order = (events: string[]) => {
        const sends = events.filter((e) => e.startsWith('send')).map((e) => e.split(' ')[1]!);
        return sends.slice(1).map((next, k) => ({
          sent: events.indexOf(`send ${next}`),
          firstEntryOfPrevious: events.indexOf(`entry ${sends[k]}`),
        }));
      };
      const aheadOrder = order(ahead.events);
      expect(aheadOrder).toHaveLength(expected.length - 1);
      for (const { sent, firstEntryOfPrevious } of aheadOrder) expect(sent).toBeLessThan(firstEntryOfPrevious);
      // searchPaginated asks only once the page is parsed: the same check fails there.
      for (const { sent, firstEntryOfPrevious } of order(plain.events)) expect(sent).toBeGreaterThan(firstEntryOfPrevious);
    } finally {
      await plain.client.unbind();
      await ahead.client.unbind();
    }
  });

  it('hands each entry on as it is decoded (onEntry): the same entries in the same order, pages counting them', async () => {
    const plain = await connect(false);
    const ahead = await connect(true);
    try {
      const expected = await readAll(pagesOf(plain.client, ouDn, options));
      for (const { client } of [ahead, plain]) {
        // Read ahead, and the fallback (searchPaginated) used where read-ahead is not installed.
        const handed: EntryView[] = [];
        const pages = await readAll(pagesOf(client, ouDn, options, (entry) => handed.push(entry)));
        // As ldapts's parser and toObject give them.
        expect(handed.map(({ dn, attributes }) => ({ dn, attributes }))).toEqual(
          expected.flatMap((p) => p.searchEntries).map((e) => ({ dn: e.dn, attributes: attributesOf(e) })),
        );
        expect(handed.filter((view) => view.entry === undefined)).toHaveLength(0);
        expect(pages.map((p) => p.entries)).toEqual(expected.map((p) => p.searchEntries.length));
        expect(pages.every((p) => p.searchEntries.length === 0)).toBe(true);
      }
      // On the read-ahead path each entry is handed on before the next entry is parsed, not after its page.
      const order: string[] = [];
      const parser = (ahead.client as unknown as { messageParser: { on(e: 'message', l: (m: { messageId: number }) => void): void } }).messageParser;
      parser.on('message', (m) => order.push(`parsed by the connection ${m.messageId}`));
      await readAll(pagesOf(ahead.client, ouDn, options, () => order.push('handed on')));
      expect(order.filter((o) => o === 'handed on')).toHaveLength(COUNT);
      expect(order.filter((o) => o.startsWith('parsed by the connection'))).toHaveLength(Math.ceil(COUNT / PAGE));
    } finally {
      await plain.client.unbind();
      await ahead.client.unbind();
    }
  });

  it("asks for the page after next while still converting a page: a slow conversion does not hold the DC up", async () => {
    const { client, events } = await connect(true);
    try {
      let handed = 0;
      const slow = (): void => {
        // ~1 ms per entry: converting a page of 100 takes far longer than the DC takes to produce the next one.
        const until = performance.now() + 1;
        while (performance.now() < until);
        events.push(`handed ${Math.floor(handed++ / PAGE)}`);
      };
      const pages = await readAll(pagesOf(client, ouDn, options, slow));
      expect(handed).toBe(COUNT);
      // Every page, in order, although later pages' Dones came in while earlier pages were still being converted.
      const full = Math.floor(COUNT / PAGE);
      expect(pages.map((p) => p.entries)).toEqual([...Array<number>(full).fill(PAGE), COUNT - full * PAGE]);
      const sends = events.filter((e) => e.startsWith('send'));
      const lastHandedOfPage = (k: number) => events.lastIndexOf(`handed ${k}`);
      // The request for page k+2 leaves (when page k+1's Done arrives) before page k's last entry is handed on.
      const overlapping = [0, 1, 2].filter((k) => events.indexOf(sends[k + 2]!) < lastHandedOfPage(k));
      expect(overlapping.length).toBeGreaterThan(0);
    } finally {
      await client.unbind();
    }
  });

  it('asks for at most three pages beyond the one a slow caller is at', async () => {
    const { client, events } = await connect(true);
    try {
      const pages: SearchPage[] = [];
      for await (const page of pagesOf(client, ouDn, options)) {
        pages.push(page);
        // A caller far slower than the DC: without the bound, every page would be asked for during the first wait.
        await new Promise((resolve) => setTimeout(resolve, 150));
        events.push('took');
      }
      expect(pages.reduce((n, p) => n + p.searchEntries.length, 0)).toBe(COUNT);
      const sends = events.flatMap((e, i) => (e.startsWith('send') ? [i] : []));
      expect(sends).toHaveLength(Math.ceil(COUNT / PAGE));
      sends.forEach((at, i) => {
        const took = events.slice(0, at).filter((e) => e === 'took').length;
        expect(took).toBeGreaterThanOrEqual(i - 2);
      });
    } finally {
      await client.unbind();
    }
  });

  it('an onEntry that throws fails the search at the next page, and the connection keeps working', async () => {
    const { client } = await connect(true);
    try {
      let seen = 0;
      const failing = readAll(
        pagesOf(client, ouDn, options, () => {
          seen++;
          if (seen === 150) throw new Error('conversion failed at entry 150');
        }),
      );
      await expect(failing).rejects.toThrow('conversion failed at entry 150');
      const pages = await readAll(pagesOf(client, ouDn, options));
      expect(pages.reduce((n, p) => n + p.searchEntries.length, 0)).toBe(COUNT);
    } finally {
      await client.unbind();
    }
  });

  it('rejects as searchPaginated does, and the connection keeps working', async () => {
    const { client } = await connect(true);
    try {
      await expect(readAll(pagesOf(client, `OU=missing-${ou},${facts.baseDN}`, options))).rejects.toBeInstanceOf(NoSuchObjectError);
      const pages = await readAll(pagesOf(client, ouDn, options));
      expect(pages.reduce((n, p) => n + p.searchEntries.length, 0)).toBe(COUNT);
    } finally {
      await client.unbind();
    }
  });

  it('stops after the first page on request; the page asked for ahead settles and the connection keeps working', async () => {
    const { client, events } = await connect(true);
    try {
      const pages = pagesOf(client, ouDn, options);
      const first = await pages.next();
      expect(first.done).toBe(false);
      expect((first.value as SearchPage).searchEntries).toHaveLength(PAGE);
      // The second page was requested when the first one's Done came in.
      expect(events.filter((e) => e.startsWith('send'))).toHaveLength(2);
      await expect(pages.return(undefined)).resolves.toEqual({ done: true, value: undefined });
      const again = await readAll(pagesOf(client, ouDn, options));
      expect(again.flatMap((p) => p.searchEntries.map((e) => e.cn)).sort()).toEqual([...names].sort());
    } finally {
      await client.unbind();
    }
  });

  it('pages of one entry, a last page that is full, fewer entries than a page, none: as searchPaginated gives them', async () => {
    const plain = await connect(false);
    const ahead = await connect(true);
    try {
      const cases: Array<{ filter: string; pageSize: number; cns: string[] }> = [
        { filter: `(cn=${names[0]})`, pageSize: 1, cns: [names[0]!] },
        { filter: `(|(cn=${names[1]})(cn=${names[2]})(cn=${names[3]}))`, pageSize: 2, cns: names.slice(1, 4) },
        { filter: `(|(cn=${names[1]})(cn=${names[2]}))`, pageSize: 2, cns: names.slice(1, 3) },
        { filter: '(cn=no-such-host-here)', pageSize: 5, cns: [] },
      ];
      for (const c of cases) {
        const o = { ...options, filter: c.filter, paged: { pageSize: c.pageSize } };
        const got = await readAll(pagesOf(ahead.client, ouDn, o));
        expect(got.flatMap((p) => p.searchEntries.map((e) => e.cn)).sort()).toEqual([...c.cns].sort());
        expect(got).toEqual(await readAll(pagesOf(plain.client, ouDn, o)));
      }
    } finally {
      await plain.client.unbind();
      await ahead.client.unbind();
    }
  });
});
