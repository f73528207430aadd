/**
 * connectAhead (src/directory/ldap/connect-ahead.ts): the early read's LDAPS socket, opened before ldapts loads.
 * Real handshakes against a local TLS server (throw-away CAs): taken once and secure; every failure is the one the
 * client's own connect would have met (the socket's error, or ldapts's "Connection timeout"); a socket nobody
 * takes is destroyed on close.
 */
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { connectAhead } from '../../src/directory/ldap/connect-ahead';
import { ldapEndpoint, ldapTlsOptions } from '../../src/directory/ldap/tls-options';
import { startThrowawayTls, THROWAWAY_SERVERNAME, type ThrowawayTls } from '../support/throwaway-tls';

let tls: ThrowawayTls;
/** Server-side sockets, by arrival: the tests end them as they need. */
const accepted: TLSSocket[] = [];

beforeAll(async () => {
  tls = await startThrowawayTls((socket) => accepted.push(socket));
});

afterAll(async () => {
  for (const s of accepted) s.destroy();
  await tls.close();
});

const options = (caPem: string) => ldapTlsOptions({ host: '127.0.0.1', caPem, tlsServername: THROWAWAY_SERVERNAME });
const url = () => `ldaps://127.0.0.1:${tls.port}`;

describe('connectAhead', () => {
  it('hands out the secure socket once; `connected` settles first', async () => {
    const ahead = connectAhead(url(), options(tls.caA), 10_000);
    let connectedFirst = false;
    await ahead.connected.then(() => (connectedFirst = true));
    const socket = await ahead.take()!;
    expect(connectedFirst).toBe(true);
    expect(socket.authorized).toBe(true);
    expect(socket.readyState).toBe('open');
    expect(ahead.take()).toBeUndefined();
    ahead.close(); // taken: the taker's to close
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  });

  it('a certificate the CA did not sign: the verification error, the socket destroyed', async () => {
    const ahead = connectAhead(url(), options(tls.caB), 10_000);
    await ahead.connected;
    await expect(ahead.take()).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE|ISSUER|SELF_SIGNED/) });
  });

  it('nothing listening: ECONNREFUSED, and `connected` settles anyway', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const ahead = connectAhead(`ldaps://127.0.0.1:${port}`, options(tls.caA), 10_000);
    await ahead.connected;
    await expect(ahead.take()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a server that never completes the handshake: "Connection timeout" after the timeout, as ldapts says it', async () => {
    const held: Socket[] = [];
    const silent: TcpServer = createTcpServer((s) => held.push(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const ahead = connectAhead(`ldaps://127.0.0.1:${(silent.address() as { port: number }).port}`, options(tls.caA), 300);
      await expect(ahead.take()).rejects.toThrow(/^Connection timeout$/);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('closed by the server after the handshake, before it is taken: taking it fails, nothing is thrown meanwhile', async () => {
    const before = accepted.length;
    const ahead = connectAhead(url(), options(tls.caA), 10_000);
    await ahead.connected;
    await new Promise<void>((resolve) => {
      const poll = () => (accepted.length > before ? resolve() : setTimeout(poll, 5));
      poll();
    });
    accepted[before]!.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(ahead.take()).rejects.toThrow();
  });

  it('closed before anyone takes it: destroyed, and not handed out', async () => {
    const ahead = connectAhead(url(), options(tls.caA), 10_000);
    ahead.close();
    expect(ahead.take()).toBeUndefined();
    await ahead.connected;
  });
});

describe('ldapEndpoint', () => {
  it('host and port as ldapts derives them', () => {
    expect(ldapEndpoint('ldaps://dc1.lab.test')).toEqual({ host: 'dc1.lab.test', port: 636 });
    expect(ldapEndpoint('ldaps://dc1.lab.test:3269')).toEqual({ host: 'dc1.lab.test', port: 3269 });
    expect(ldapEndpoint('ldap://10.0.0.5')).toEqual({ host: '10.0.0.5', port: 389 });
    expect(ldapEndpoint('ldaps://[::1]:636')).toEqual({ host: '::1', port: 636 });
  });
});
