/**
 * Paging against a real Samba AD DC: 1,100 Hyper-V-like hosts, more than Samba's (and AD's) MaxPageSize of 1000,
 * so an unpaged search would stop at 1000 (sizeLimitExceeded) and the adapter must page to see them all.
 */
import { Client, type ClientOptions, type Filter } from 'ldapts';
import { readFileSync } from 'node:fs';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { labFacts, loadEntries, MIGRATION_SERVICE_CLASS, ringClusterEntries, uniqueName } from '../ad-lab/lab';

// The dc project's testTimeout in jest.config.js is not applied (testTimeout is a global-only option).
jest.setTimeout(300_000);

const facts = labFacts();
const COUNT = 1100;

describe('paged reads of more than MaxPageSize computers', () => {
  const ou = uniqueName('PAGE');
  const ouDn = `OU=${ou},${facts.baseDN}`;
  // Host names: the OU's unique tag plus a 4-digit number stays within 15 characters.
  const prefix = ou.slice(-9);
  const names = Array.from({ length: COUNT }, (_, i) => `${prefix}${String(i).padStart(4, '0')}`.slice(0, 15));
  let loadMs = 0;

  beforeAll(async () => {
    const entries = ringClusterEntries(ou, names, { operatingSystem: 'Windows Server 2022 Datacenter', operatingSystemVersion: '10.0 (20348)' });
    const result = await loadEntries(facts, entries);
    loadMs = result.ms;
    process.stderr.write(`ad-lab: loaded ${result.added} entries (${COUNT} hosts) in ${result.ms} ms\n`);
  });

  it('loads 1,100 hosts in well under a few minutes', () => {
    expect(loadMs).toBeLessThan(120_000);
  });

  it('Samba answers an unpaged search in full (unlike AD, it does not enforce MaxPageSize)', async () => {
    // On Windows AD an unpaged search stops at MaxPageSize (1000) with sizeLimitExceeded: the adapter must page.
    // Samba returns everything, so the next test counts the pages the adapter actually requested.
    const client = new Client({
      url: facts.url,
      timeout: 60_000,
      tlsOptions: { ca: [readFileSync(facts.caFile)], servername: facts.tlsServername },
    });
    try {
      await client.bind(facts.readerBindDN, facts.readerPassword);
      const { searchEntries } = await client.search(ouDn, { filter: '(objectCategory=computer)', attributes: ['cn'] });
      expect(searchEntries).toHaveLength(COUNT);
    } finally {
      await client.unbind();
    }
  });

  it('returns every one of them through the adapter, in pages of 500, with their attributes', async () => {
    // Count the pages: one SearchRequest written per page (by pages-ahead.ts, or ldapts's searchPaginated where
    // that is not used), per search (its base and filter).
    const pagesPerSearch = new Map<string, number>();
    const createClient = (o: ClientOptions) => {
      const client = new Client(o) as unknown as { _send: (req: { constructor: { name: string }; baseDN?: string; filter?: Filter }) => Promise<unknown> };
      const send = client._send.bind(client);
      client._send = (req) => {
        if (req.constructor.name === 'SearchRequest') {
          const key = `${req.baseDN} ${String(req.filter)}`;
          pagesPerSearch.set(key, (pagesPerSearch.get(key) ?? 0) + 1);
        }
        return send(req);
      };
      return client as unknown as Client;
    };
    const d = new LdapDirectory({
      url: facts.url,
      bindDN: facts.readerBindDN,
      bindPassword: facts.readerPassword,
      caFile: facts.caFile,
      tlsServername: facts.tlsServername,
      baseDN: ouDn,
      timeoutMs: 30_000,
      warn: () => undefined,
    }, { createClient });
    try {
      const t0 = Date.now();
      const snapshot = await d.snapshot();
      process.stderr.write(`ad-lab: paged snapshot of ${snapshot.data.computers.length} computers in ${Date.now() - t0} ms\n`);
      const got = snapshot.data.computers.map((c) => c.name).sort();
      expect(got).toEqual([...names].sort());
      expect(snapshot.hyperVHosts).toHaveLength(COUNT);
      // 1,100 computers at 500 a page: three pages for the computer search.
      expect(Math.max(...pagesPerSearch.values())).toBe(3);
      const last = snapshot.computersByName.get(names[COUNT - 1]!.toLowerCase())!;
      expect(last.allowedToDelegateTo).toEqual([`${MIGRATION_SERVICE_CLASS}/${names[0]}`, `cifs/${names[0]}`]);
      expect(last.userAccountControl).toBe(0x1001000);
      expect(last.dnsHostName).toBe(`${names[COUNT - 1]!.toLowerCase()}.lab.test`);
    } finally {
      await d.close();
    }
  });

  it('also with the whole domain as base and a small page size', async () => {
    const d = new LdapDirectory({
      url: facts.url,
      bindDN: facts.readerBindDN,
      bindPassword: facts.readerPassword,
      caFile: facts.caFile,
      tlsServername: facts.tlsServername,
      timeoutMs: 30_000,
      pageSize: 200,
      warn: () => undefined,
    });
    try {
      const data = await d.readData();
      const mine = data.computers.filter((c) => c.distinguishedName.endsWith(ouDn));
      expect(mine).toHaveLength(COUNT);
      expect(data.computers.some((c) => c.name === 'DC1')).toBe(true);
    } finally {
      await d.close();
    }
  });
});
