/**
 * How LdapDirectory reads the pages of its big searches. The default is ldapts's public `searchPaginated`;
 * `kcd scan` may swap in the fast path (ldap/fast/, KCD_LDAP_FAST_PATH), which gives the same entries sooner.
 * Invariant: whichever paging is used, the same search yields the same entries in the same order.
 */
import type { Client, Entry, SearchOptions } from 'ldapts';
import { type EntryView, viewOf } from './entries';

export interface LdapPaging {
  /** Prepares a client the directory just created, before its first operation. */
  attach(client: Client): void;
  /**
   * The pages of a paged search; each entry goes to `onEntry` (in order) as it is parsed. The caller may stop
   * between pages (return from its for-await): the search then ends at the page in flight.
   */
  pages(client: Client, baseDN: string, options: SearchOptions, onEntry: (entry: EntryView) => void): AsyncGenerator<unknown>;
}

/** ldapts's searchPaginated, the next page requested before this one's entries are handed on. */
export const plainPaging: LdapPaging = {
  attach: () => undefined,
  pages: (client, baseDN, options, onEntry) => handingOn(client.searchPaginated(baseDN, options), onEntry),
};

async function* handingOn(
  pages: AsyncGenerator<{ searchEntries: Entry[]; searchReferences: string[] }>,
  onEntry: (entry: EntryView) => void,
): AsyncGenerator<number> {
  let next = pages.next();
  try {
    for (;;) {
      const page = await next;
      if (page.done) return;
      next = pages.next();
      for (const entry of page.value.searchEntries) onEntry(viewOf(entry));
      yield page.value.searchEntries.length;
    }
  } finally {
    // Stopped early: settle the page in flight and end the generator.
    await next.catch(() => undefined);
    await pages.return(undefined).catch(() => undefined);
  }
}
