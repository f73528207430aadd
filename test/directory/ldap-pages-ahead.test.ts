/**
 * The read-ahead's byte routing on an ldapts Client without a server (the paging itself is tested against the
 * Samba DC in ldap-pages-ahead.dc.test.ts): messages reach ldapts's parser whole and in order, and a new socket
 * (ldapts reconnecting, or StartTLS) starts cleanly even when the old one stopped in the middle of a message.
 */
import { BerWriter, Client } from 'ldapts';
import { installPagesAhead } from '../../src/directory/ldap/fast/pages-ahead';

/** A BindResponse (success) with the given message id, as a server sends it. */
function bindResponse(id: number): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(id);
  w.startSequence(0x61);
  w.writeEnumeration(0);
  w.writeString('');
  w.writeString('');
  w.endSequence();
  w.endSequence();
  return w.buffer;
}

function clientSeeing(): { client: Client; handler: (this: unknown, data: Buffer) => void; ids: number[]; errors: unknown[] } {
  const client = new Client({ url: 'ldaps://127.0.0.1:1' });
  expect(installPagesAhead(client)).toBe(true);
  const internals = client as unknown as {
    socketDataHandler: (this: unknown, data: Buffer) => void;
    messageParser: { on(event: string, listener: (x: never) => void): void };
  };
  const ids: number[] = [];
  const errors: unknown[] = [];
  internals.messageParser.on('message', (m: { messageId: number }) => ids.push(m.messageId));
  internals.messageParser.on('error', (e: unknown) => errors.push(e));
  return { client, handler: internals.socketDataHandler, ids, errors };
}

describe('read-ahead byte routing', () => {
  it('hands messages to ldapts whole and in order, however the bytes are cut', () => {
    const { handler, ids, errors } = clientSeeing();
    const socket = {};
    const stream = Buffer.concat([bindResponse(1), bindResponse(2), bindResponse(300)]);
    for (let i = 0; i < stream.length; i += 3) handler.call(socket, stream.subarray(i, i + 3));
    expect(ids).toEqual([1, 2, 300]);
    expect(errors).toEqual([]);
  });

  it('drops a message cut off by the end of its socket; the next socket is read from its first byte', () => {
    const { handler, ids, errors } = clientSeeing();
    const first = bindResponse(7);
    handler.call({ name: 'old socket' }, first.subarray(0, 5));
    handler.call({ name: 'new socket' }, bindResponse(8));
    expect(ids).toEqual([8]);
    expect(errors).toEqual([]);
  });

  it('is installed once per client and only on ldapts Clients', () => {
    const client = new Client({ url: 'ldaps://127.0.0.1:1' });
    expect(installPagesAhead(client)).toBe(true);
    const handler = (client as unknown as { socketDataHandler: unknown }).socketDataHandler;
    expect(installPagesAhead(client)).toBe(true);
    expect((client as unknown as { socketDataHandler: unknown }).socketDataHandler).toBe(handler);
    expect(installPagesAhead({} as Client)).toBe(false);
  });
});
