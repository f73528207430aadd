/**
 * The LDAP fast path of `kcd scan` (KCD_LDAP_FAST_PATH): each next page is requested as soon as the current
 * page's SearchResultDone arrives, before its entries are parsed (pages-ahead.ts).
 * Why: the DC then produces page N+1 while kcd parses page N (measured: bench/README.md, issue 15).
 * Invariant: installed only by an explicit call (never on import), only on the ldapts version it mirrors; the
 * entries are those the plain reader gives. The only code that reaches into ldapts's private members.
 */
import { Client } from 'ldapts';
import { type LdapPaging, plainPaging } from '../paging';
import { installPagesAhead, searchPagesAhead } from './pages-ahead';
import { installedLdaptsVersion, PATCHED_LDAPTS_VERSION } from './ldapts-version';

/** The fast path's paging, or undefined when the installed ldapts is not the version it mirrors. */
export function installLdapFastPath(version: string = installedLdaptsVersion()): LdapPaging | undefined {
  if (version !== PATCHED_LDAPTS_VERSION) return undefined;
  return {
    attach: (client) => void installPagesAhead(client, version),
    // Clients that are not ldapts's (test doubles) read the plain way.
    pages: (client, baseDN, options, onEntry) =>
      client instanceof Client ? searchPagesAhead(client, baseDN, options, onEntry) : plainPaging.pages(client, baseDN, options, onEntry),
  };
}
