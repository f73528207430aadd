/**
 * Paged searches whose next page is requested before the current page is parsed (ldapts 8.2.0 internals).
 * Why: the paged-results cookie comes in the SearchResultDone after a page's entries, and ldapts parses every
 * entry before it sees it, so the DC sat idle while kcd parsed. Here the connection's bytes are cut into whole
 * messages (message-framer.ts); a watched search's Done is decoded as soon as it arrives and the next request
 * leaves at once; the entries are then parsed by ldapts's own parser, in order, a slice per event-loop turn.
 * Invariant: the pages, entries and errors are searchPaginated's (test/directory/ldap-pages-ahead.dc.test.ts).
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
  type SearchEntry,
  type SearchResponse,
  StatusCodeParser,
  type Filter,
} from 'ldapts';
import { type EntryView, viewOf } from '../entries';
import { installedLdaptsVersion, PATCHED_LDAPTS_VERSION } from './ldapts-version';
import {
  LdapMessageFramer,
  type MessageEnvelope,
  SEARCH_RESULT_DONE,
  SEARCH_RESULT_ENTRY,
  SEARCH_RESULT_REFERENCE,
} from './message-framer';

/** One page, as searchPaginated yields it, with the number of its entries (handed to `onEntry` or listed). */
export interface SearchPage {
  searchEntries: Entry[];
  searchReferences: string[];
  entries: number;
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

/** What a watched search wants: its Done's raw bytes before its entries are parsed, and maybe each entry. */
interface Watch {
  /** Called with the raw bytes of the search's SearchResultDone before the entries waiting for it are parsed. */
  onDone(doneBytes: Buffer): void;
  /** Takes each entry as soon as it is parsed (see searchPagesAhead's `onEntry`); entries then skip the page. */
  entries?: EntrySink;
}

/** Receives a search's entries one by one, parsed by ldapts. */
interface EntrySink {
  request: SearchRequest;
  take(entry: EntryView): void;
  /** An entry could not be parsed, or `take` threw: the search fails at its next page. */
  fail(error: unknown): void;
}

/** Messages parsed (and entries converted) per turn of the event loop while a backlog is worked off. */
const SLICE = 64;

interface Queued {
  bytes: Buffer;
  envelope: MessageEnvelope;
  /** Set for entries of a watched search with a sink. */
  sink?: EntrySink;
}

/**
 * Sits between a connection's socket and ldapts's parser. The bytes are cut into whole messages as they arrive
 * (which also spares ldapts's parser from joining a message from many small TLS records: Samba sends ~900-byte
 * records). The entries of a watched search with a sink join the backlog as they come; those of one without
 * wait until their Done. When the Done comes, the watch's onDone runs at once (it asks for the next page), and
 * the page's messages join the backlog, which is parsed (entries of a watch with a sink go to the sink) in
 * slices of SLICE messages, one slice per turn of the event loop, in the order they came. Between slices the
 * socket is read, so the next page's Done, and with it the request for the page after, never waits for kcd to
 * finish converting a page: the DC's pace, not kcd's, sets the read's.
 * Messages that arrive while nothing is queued are parsed at once (binds, small searches).
 */
class ReadAhead {
  readonly #client: ClientInternals;
  #framer: LdapMessageFramer;
  /** The socket whose bytes the framer is cutting. */
  #socket: unknown;
  readonly #watches = new Map<number, Watch>();
  /** Entries and references of watched searches, waiting for their Done. */
  #waiting: Queued[] = [];
  /** Messages to parse, in order; worked off SLICE at a time. */
  #backlog: Queued[] = [];
  #backlogAt = 0;
  #draining = false;
  /** ldapts's parser for entries that go to a sink (the connection's would hand them to its pending request). */
  readonly #entryParser = new MessageParser();
  #parsedEntry: SearchEntry | undefined;

  constructor(client: ClientInternals) {
    this.#client = client;
    this.#framer = this.#newFramer();
    this.#entryParser.on('message', (message) => {
      this.#parsedEntry = message as SearchEntry;
    });
    this.#entryParser.on('error', () => undefined);
  }

  #newFramer(): LdapMessageFramer {
    return new LdapMessageFramer({
      message: (bytes, envelope) => this.#message(bytes, envelope),
      raw: (bytes) => {
        this.#drainAll();
        this.#parse(bytes);
      },
    });
  }

  /**
   * The socket's data listener (`this` is the socket). ldapts can open a new socket for the same client (after a
   * drop, or StartTLS): a message cut off on the old one must not be joined with the new one's bytes.
   */
  readonly onData = ((reader: ReadAhead) =>
    function onData(this: unknown, data: Buffer): void {
      if (this !== reader.#socket) reader.#switchTo(this);
      reader.#framer.push(data);
    })(this);

  #switchTo(socket: unknown): void {
    if (this.#socket !== undefined) {
      // What the old socket left is for requests ldapts has failed with it.
      this.#framer = this.#newFramer();
      this.#waiting = [];
      this.#backlog = [];
      this.#backlogAt = 0;
    }
    this.#socket = socket;
    // ldapts fails the requests still waiting when the socket closes: parse what arrived for them first.
    const closable = socket as { prependListener?: (event: 'close', listener: () => void) => void };
    closable.prependListener?.('close', () => {
      if (this.#socket === socket) this.#drainAll();
    });
  }

  watch(messageId: number, watch: Watch): void {
    this.#watches.set(messageId, watch);
  }

  unwatch(messageId: number): void {
    this.#watches.delete(messageId);
  }

  #message(bytes: Buffer, envelope: MessageEnvelope): void {
    const watch = this.#watches.get(envelope.messageId);
    if (watch !== undefined) {
      if (envelope.operation === SEARCH_RESULT_ENTRY || envelope.operation === SEARCH_RESULT_REFERENCE) {
        const sink = envelope.operation === SEARCH_RESULT_ENTRY ? watch.entries : undefined;
        if (watch.entries) {
          // Handed on one by one: decoded as they come, a slice per turn of the event loop. The Done is still
          // seen as soon as its bytes arrive (between slices), and the page is mostly converted by then: for the
          // last page, that is time kcd no longer spends after the DC is done.
          this.#backlog.push(sink ? { bytes, envelope, sink } : { bytes, envelope });
          this.#scheduleDrain();
          return;
        }
        this.#waiting.push({ bytes, envelope });
        return;
      }
      if (envelope.operation === SEARCH_RESULT_DONE) {
        this.#watches.delete(envelope.messageId);
        try {
          watch.onDone(bytes);
        } catch {
          // The pager then asks for the next page the ordinary way, after this one is parsed.
        }
      }
    }
    if (this.#waiting.length === 0 && this.#backlogAt === this.#backlog.length) {
      this.#parse(bytes);
      return;
    }
    // Behind what is queued: the waiting messages first (this one may be their Done), then this one.
    for (const queued of this.#waiting) this.#backlog.push(queued);
    this.#waiting = [];
    this.#backlog.push({ bytes, envelope });
    this.#scheduleDrain();
  }

  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(() => {
      this.#draining = false;
      this.#drain(SLICE);
      if (this.#backlogAt < this.#backlog.length) this.#scheduleDrain();
    });
  }

  #drain(limit: number): void {
    const end = Math.min(this.#backlog.length, this.#backlogAt + limit);
    while (this.#backlogAt < end) {
      const { bytes, sink } = this.#backlog[this.#backlogAt]!;
      this.#backlog[this.#backlogAt++] = undefined as never;
      if (sink) this.#toSink(bytes, sink);
      else this.#parse(bytes);
    }
    if (this.#backlogAt === this.#backlog.length) {
      this.#backlog = [];
      this.#backlogAt = 0;
    }
  }

  /** Everything queued, now (before a pass-through or a close). Waiting entries keep their order. */
  #drainAll(): void {
    for (const queued of this.#waiting) this.#backlog.push(queued);
    this.#waiting = [];
    this.#drain(Number.POSITIVE_INFINITY);
  }

  /** Runs inside the socket's data handler: nothing may throw out of it. */
  #toSink(bytes: Buffer, sink: EntrySink): void {
    try {
      this.#parsedEntry = undefined;
      this.#entryParser.read(bytes, new Map([[String(sink.request.messageId), { message: sink.request }]]));
      const entry = this.#parsedEntry as SearchEntry | undefined;
      if (entry === undefined) throw new Error(`an entry of the search could not be parsed (message ${sink.request.messageId})`);
      sink.take(viewOf(entry.toObject(sink.request.attributes, sink.request.explicitBufferAttributes)));
    } catch (err) {
      sink.fail(err);
    }
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
  parser.read(bytes, new Map([[String(request.messageId), { message: request }]]));
  return done;
}

/** searchPaginated's success test: success, or a size limit the request itself set. */
function succeeded(response: SearchResponse, request: SearchRequest): boolean {
  return (
    response.status === MessageResponseStatus.Success ||
    (response.status === MessageResponseStatus.SizeLimitExceeded && request.sizeLimit > 0)
  );
}

/** How many pages beyond the caller's the DC may be asked for (each a few MB at 500 computers a page). */
const MAX_PAGES_AHEAD = 3;

/**
 * searchPaginated with the next page requested before the current one is parsed (see the module comment);
 * with `onEntry`, entries are handed to it one by one as they are parsed (see pagesOf).
 */
export async function* searchPagesAhead(
  client: Client,
  baseDN: string,
  options: SearchOptions = {},
  onEntry?: (entry: EntryView) => void,
): AsyncGenerator<SearchPage> {
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
    /** Entries handed to onEntry so far. */
    handedOn: number;
    failure?: { error: unknown };
    /**
     * The next page's request, sent when this page's Done arrived. Each page keeps its own successor: the Done of
     * page N+1 can arrive (and ask for N+2) while page N is still being parsed, before the loop below reaches it.
     */
    next?: InFlight;
  }
  let finished = false;
  // Pages requested so far, and pages the caller has taken: the DC is asked for at most MAX_PAGES_AHEAD pages
  // beyond the one the caller is at, so a caller slower than the DC does not buffer the whole search.
  let requested = 0;
  let taken = 0;

  const request = (cookie: Buffer | undefined): InFlight => {
    requested++;
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
    // Settled by the loop below, or at the end when the loop stopped before it.
    response.catch(() => undefined);
    const inFlight: InFlight = { request: req, response, handedOn: 0 };
    // Registered after the request is written (no reply can arrive before the next turn of the event loop).
    reader.watch(req.messageId, {
      onDone: (doneBytes) => {
        if (finished) return;
        const done = decodeDone(doneBytes, req);
        const next = done && succeeded(done, req) ? pagedCookie(done) : undefined;
        if (next && requested - taken < MAX_PAGES_AHEAD) inFlight.next = request(next);
      },
      ...(onEntry
        ? {
            entries: {
              request: req,
              take: (entry: EntryView) => {
                // Entries of a page requested ahead that arrive after the consumer stopped are dropped.
                if (inFlight.failure || finished) return;
                inFlight.handedOn++;
                onEntry(entry);
              },
              fail: (error: unknown) => {
                inFlight.failure ??= { error };
              },
            },
          }
        : {}),
    });
    return inFlight;
  };

  let current = request(undefined);
  try {
    for (;;) {
      const response = await current.response;
      if (!succeeded(response, current.request)) throw StatusCodeParser.parse(response);
      if (current.failure) throw current.failure.error;
      const searchEntries = response.searchEntries.map((e) =>
        e.toObject(current.request.attributes, current.request.explicitBufferAttributes),
      );
      const page: SearchPage = {
        searchEntries,
        searchReferences: response.searchReferences.flatMap((r) => r.uris),
        entries: searchEntries.length + current.handedOn,
      };
      const cookie = page.entries || page.searchReferences.length ? pagedCookie(response) : undefined;
      if (!cookie) {
        yield page;
        return;
      }
      // Normally already on its way (sent when this page's Done arrived); if not, ask now.
      const next = current.next ?? request(cookie);
      current.next = next;
      yield page;
      taken++;
      current = next;
    }
  } finally {
    finished = true;
    reader.unwatch(current.request.messageId);
    // Pages requested ahead that nobody will read: let them settle before the connection is used again.
    for (let ahead = current.next; ahead; ahead = ahead.next) await ahead.response.catch(() => undefined);
  }
}
