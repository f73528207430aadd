/**
 * Paged searches whose next page is requested before the current page is parsed (ldapts 8.2.0).
 *
 * Why: the Simple Paged Results control (RFC 2696) allows one outstanding request per search, and the cookie
 * for the next page comes in the SearchResultDone that ends the current one. ldapts parses every entry of a
 * page as its bytes arrive and only then sees the Done, so the DC sat idle while kcd parsed: on the benchmark
 * DC (5,000 hosts, pages of 500 entries, ~2.4 MB each) a page cost the DC ~110–150 ms to produce and kcd
 * 50–100 ms to parse, one after the other, ten times per scan. Here the connection's bytes are split into whole
 * messages first (LdapMessageFramer, which reads only each message's envelope); the entries of a watched search
 * wait unparsed until its Done arrives; the Done (a few dozen bytes) is decoded by ldapts's own parser, the
 * next page is requested at once, and only then are the waiting entries handed to ldapts, in their order. The
 * DC produces page N+1 while kcd parses and converts page N.
 *
 * The pages, their entries and every error are what `client.searchPaginated` gives: the same SearchRequest
 * fields and controls, ldapts's parser and `toObject`, the same status handling. It relies on ldapts
 * internals (`socketDataHandler`, `messageParser`, `_send`, `_nextMessageId`, `_ensureConnected`), so it is
 * used only on the ldapts version it was written against (PATCHED_LDAPTS_VERSION); elsewhere, and on clients
 * that are not ldapts Clients (test doubles), pagesOf() falls back to `searchPaginated`.
 * test/directory/ldap/pages-ahead.dc.test.ts checks on the Samba DC that results equal searchPaginated's and
 * that each next request leaves before the previous page's entries are parsed.
 */
import {
  Client,
  type Control,
  type Entry,
  FilterParser,
  MessageParser,
  MessageResponseStatus,
  PagedResultsControl,
  PresenceFilter,
  type SearchOptions,
  SearchRequest,
  type SearchResponse,
  StatusCodeParser,
  type Filter,
} from 'ldapts';
import { installedLdaptsVersion, PATCHED_LDAPTS_VERSION } from './fast-attribute-parse';
import {
  LdapMessageFramer,
  type MessageEnvelope,
  SEARCH_RESULT_DONE,
  SEARCH_RESULT_ENTRY,
  SEARCH_RESULT_REFERENCE,
} from './message-framer';

/** One page, as searchPaginated yields it. */
export interface SearchPage {
  searchEntries: Entry[];
  searchReferences: string[];
}

/** The parts of ldapts 8.2.0's Client this module uses (not in its typings). */
interface ClientInternals {
  socket?: { removeListener(event: 'data', listener: (data: Buffer) => void): void; on(event: 'data', listener: (data: Buffer) => void): void };
  socketDataHandler: (data: Buffer) => void;
  messageParser: { read(data: Buffer, details: Map<string, unknown>): void };
  messageDetailsByMessageId: Map<string, unknown>;
  _ensureConnected(): Promise<void>;
  _nextMessageId(): number;
  _send(message: SearchRequest): Promise<SearchResponse>;
}

/** Watchers are told the raw bytes of a watched search's SearchResultDone before its entries are parsed. */
type DoneWatcher = (doneBytes: Buffer) => void;

/**
 * Sits between a connection's socket and ldapts's parser. Messages go to the parser at once, in order, except
 * the entries and references of watched searches, which wait until their Done: then the watcher runs, and the
 * waiting messages and the Done are parsed. Also spares ldapts's parser from concatenating a message from
 * many small TLS records (Samba sends ~900-byte records): it gets each message whole.
 */
class ReadAhead {
  readonly #client: ClientInternals;
  readonly #framer: LdapMessageFramer;
  readonly #watchers = new Map<number, DoneWatcher>();
  #waiting: Buffer[] = [];

  constructor(client: ClientInternals) {
    this.#client = client;
    this.#framer = new LdapMessageFramer({
      message: (bytes, envelope) => this.#message(bytes, envelope),
      raw: (bytes) => {
        this.#release();
        this.#parse(bytes);
      },
    });
  }

  readonly onData = (data: Buffer): void => this.#framer.push(data);

  watch(messageId: number, watcher: DoneWatcher): void {
    this.#watchers.set(messageId, watcher);
  }

  unwatch(messageId: number): void {
    this.#watchers.delete(messageId);
  }

  #message(bytes: Buffer, envelope: MessageEnvelope): void {
    const watcher = this.#watchers.get(envelope.messageId);
    if (watcher !== undefined) {
      if (envelope.operation === SEARCH_RESULT_ENTRY || envelope.operation === SEARCH_RESULT_REFERENCE) {
        this.#waiting.push(bytes);
        return;
      }
      if (envelope.operation === SEARCH_RESULT_DONE) {
        this.#watchers.delete(envelope.messageId);
        try {
          watcher(bytes);
        } catch {
          // The pager then asks for the next page the ordinary way, after this one is parsed.
        }
      }
    }
    this.#release();
    this.#parse(bytes);
  }

  /** Parses the waiting messages, in the order they came. */
  #release(): void {
    if (this.#waiting.length === 0) return;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const bytes of waiting) this.#parse(bytes);
  }

  #parse(bytes: Buffer): void {
    this.#client.messageParser.read(bytes, this.#client.messageDetailsByMessageId);
  }
}

const readers = new WeakMap<object, ReadAhead>();

/** Whether pages can be read ahead on this client (an ldapts Client of the version this module mirrors). */
export function supportsPagesAhead(client: unknown, version: string = installedLdaptsVersion()): client is Client {
  return version === PATCHED_LDAPTS_VERSION && client instanceof Client;
}

/**
 * Routes the client's incoming bytes through a ReadAhead (once per client; before or after it connects:
 * ldapts attaches `socketDataHandler` to each socket it opens, including after StartTLS and reconnects).
 */
function readAheadOf(client: Client): ReadAhead {
  let reader = readers.get(client);
  if (reader) return reader;
  const internals = client as unknown as ClientInternals;
  reader = new ReadAhead(internals);
  readers.set(client, reader);
  const previous = internals.socketDataHandler;
  internals.socketDataHandler = reader.onData;
  if (internals.socket) {
    internals.socket.removeListener('data', previous);
    internals.socket.on('data', reader.onData);
  }
  return reader;
}

/** Installs the read-ahead on a client when supported (call before its first operation). Returns whether it did. */
export function installPagesAhead(client: Client, version?: string): boolean {
  if (!supportsPagesAhead(client, version)) return false;
  readAheadOf(client);
  return true;
}

/** The pages of a paged search: read ahead where supported, else ldapts's searchPaginated. */
export function pagesOf(client: Client, baseDN: string, options: SearchOptions): AsyncGenerator<SearchPage> {
  return readers.has(client) ? searchPagesAhead(client, baseDN, options) : client.searchPaginated(baseDN, options);
}

function pagedCookie(response: SearchResponse): Buffer | undefined {
  for (const control of response.controls ?? []) {
    if (control instanceof PagedResultsControl) return control.value?.cookie?.length ? control.value.cookie : undefined;
  }
  return undefined;
}

/** Decodes a SearchResultDone's bytes with ldapts's parser (a parser of its own: the connection's is mid-stream). */
function decodeDone(bytes: Buffer, request: SearchRequest): SearchResponse | undefined {
  const parser = new MessageParser();
  let done: SearchResponse | undefined;
  parser.on('message', (message) => {
    done = message as SearchResponse;
  });
  parser.on('error', () => undefined);
  parser.read(bytes, new Map([[String(request.messageId), { message: request }]]) as never);
  return done;
}

/** searchPaginated's success test: success, or a size limit the request itself set. */
function succeeded(response: SearchResponse, request: SearchRequest): boolean {
  return (
    response.status === MessageResponseStatus.Success ||
    (response.status === MessageResponseStatus.SizeLimitExceeded && request.sizeLimit > 0)
  );
}

/** searchPaginated with the next page requested before the current one is parsed (see the module comment). */
export async function* searchPagesAhead(client: Client, baseDN: string, options: SearchOptions = {}): AsyncGenerator<SearchPage> {
  const internals = client as unknown as ClientInternals;
  await internals._ensureConnected();
  const reader = readAheadOf(client);
  const pageSize = typeof options.paged === 'object' && options.paged.pageSize ? options.paged.pageSize : 100;
  const filter: Filter =
    options.filter === undefined
      ? new PresenceFilter({ attribute: 'objectclass' })
      : typeof options.filter === 'string'
        ? FilterParser.parseString(options.filter)
        : options.filter;

  interface InFlight {
    request: SearchRequest;
    response: Promise<SearchResponse>;
  }
  let finished = false;
  let ahead: InFlight | undefined;

  const request = (cookie: Buffer | undefined): InFlight => {
    const controls: Control[] = [new PagedResultsControl({ value: { size: pageSize, ...(cookie ? { cookie } : {}) } })];
    const req = new SearchRequest({
      messageId: internals._nextMessageId(),
      baseDN,
      scope: options.scope,
      filter,
      attributes: options.attributes,
      explicitBufferAttributes: options.explicitBufferAttributes,
      returnAttributeValues: options.returnAttributeValues,
      sizeLimit: options.sizeLimit,
      timeLimit: options.timeLimit,
      controls,
    });
    const response = internals._send(req);
    // Registered after the request is written (no reply can arrive before the next turn of the event loop).
    reader.watch(req.messageId, (doneBytes) => {
      if (finished) return;
      const done = decodeDone(doneBytes, req);
      const next = done && succeeded(done, req) ? pagedCookie(done) : undefined;
      if (next) ahead = request(next);
    });
    // Settled by the loop below, or at the end when the loop stopped before it.
    response.catch(() => undefined);
    return { request: req, response };
  };

  let current = request(undefined);
  try {
    for (;;) {
      const response = await current.response;
      if (!succeeded(response, current.request)) throw StatusCodeParser.parse(response);
      const page: SearchPage = {
        searchEntries: response.searchEntries.map((e) =>
          e.toObject(current.request.attributes, current.request.explicitBufferAttributes),
        ),
        searchReferences: response.searchReferences.flatMap((r) => r.uris),
      };
      const cookie = page.searchEntries.length || page.searchReferences.length ? pagedCookie(response) : undefined;
      if (!cookie) {
        yield page;
        return;
      }
      // Normally already on its way (sent when this page's Done arrived); if not, ask now.
      const next = ahead ?? request(cookie);
      ahead = undefined;
      yield page;
      current = next;
    }
  } finally {
    finished = true;
    reader.unwatch(current.request.messageId);
    // A page requested ahead that nobody will read: let it settle before the connection is used again.
    if (ahead) await ahead.response.catch(() => undefined);
  }
}
