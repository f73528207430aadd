/**
 * Two throw-away CAs (openssl, as the DC tests make theirs) and a local TLS server for `kcd-test.local` whose
 * certificate CA a signed: real handshakes for the TLS tests, no DC needed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';

export interface ThrowawayTls {
  dir: string;
  /** PEM of the CA that signed the server's certificate, and of one that did not. */
  caA: string;
  caB: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export const THROWAWAY_SERVERNAME = 'kcd-test.local';

export async function startThrowawayTls(onSecure: (socket: TLSSocket) => void = (s) => s.end()): Promise<ThrowawayTls> {
  const dir = mkdtempSync(join(tmpdir(), 'kcd-tls-'));
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  for (const ca of ['a', 'b']) {
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=kcd test CA ${ca}`, '-keyout', `ca-${ca}.key`, '-out', `ca-${ca}.pem`]);
  }
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${THROWAWAY_SERVERNAME}`, '-keyout', 'server.key', '-out', 'server.csr']);
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=DNS:${THROWAWAY_SERVERNAME}\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca-a.pem', '-CAkey', 'ca-a.key', '-CAcreateserial', '-days', '2', '-extfile', 'san.ext', '-out', 'server.pem']);
  const server = createServer({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, onSecure);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    dir,
    caA: readFileSync(join(dir, 'ca-a.pem'), 'utf8'),
    caB: readFileSync(join(dir, 'ca-b.pem'), 'utf8'),
    port: (server.address() as { port: number }).port,
    server,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
