/**
 * trustingAlso (src/directory/ldap/tls-trust.ts): a context that trusts the configured CA and still Node's
 * built-in store, without changing what other TLS contexts of the process trust. Real TLS handshakes against a
 * local server whose certificate one of two throw-away CAs signed (openssl, as the DC tests make theirs).
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect, createSecureContext, type SecureContext } from 'node:tls';
import { ModuleKind, ScriptTarget, transpileModule } from 'typescript';
import { trustingAlso } from '../../src/directory/ldap/tls-trust';
import { startThrowawayTls, THROWAWAY_SERVERNAME, type ThrowawayTls } from '../support/throwaway-tls';

let tls: ThrowawayTls;
let dir = '';
let port = 0;
let caA = '';
let caB = '';

/** Whether a handshake with the server verifies its certificate under `context`. */
function verifies(context: SecureContext): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: THROWAWAY_SERVERNAME, secureContext: context }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

beforeAll(async () => {
  tls = await startThrowawayTls();
  ({ dir, port, caA, caB } = tls);
});

afterAll(() => tls.close());

describe('trustingAlso', () => {
  it('trusts the configured CA, not another one; one context per CA', async () => {
    expect(await verifies(trustingAlso(caA))).toBe(true);
    expect(await verifies(trustingAlso(caB))).toBe(false);
    expect(trustingAlso(caA)).toBe(trustingAlso(caA));
  });

  it('leaves the trust of other contexts alone', async () => {
    trustingAlso(caA);
    expect(await verifies(createSecureContext())).toBe(false);
  });

  it("keeps the store Node trusts by default: a CA in it is trusted next to the configured one", async () => {
    // With --use-openssl-ca, Node's default store is OpenSSL's (SSL_CERT_FILE): a fresh process with CA a there,
    // configured with CA b. (Giving `ca` the bundled list plus the CA, the way before, fails this: it replaced that store.)
    // The child runs the module as TypeScript compiles it (jest's transform is not there).
    const source = readFileSync(require.resolve('../../src/directory/ldap/tls-trust'), 'utf8');
    const compiled = transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS, target: ScriptTarget.ES2022 } });
    writeFileSync(join(dir, 'tls-trust.js'), compiled.outputText);
    const script = `
      const { trustingAlso } = require(${JSON.stringify(join(dir, 'tls-trust.js'))});
      const { connect } = require('node:tls');
      const socket = connect({ host: '127.0.0.1', port: ${port}, servername: 'kcd-test.local', secureContext: trustingAlso(process.env.CA_B) }, () => {
        socket.destroy(); process.stdout.write('verified');
      });
      socket.on('error', (err) => process.stdout.write('refused ' + err.code));
    `;
    // Asynchronously: the server answering the child runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['--use-openssl-ca', '-e', script], {
      env: { ...process.env, SSL_CERT_FILE: join(dir, 'ca-a.pem'), CA_B: caB },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(stdout).toBe('verified');
  });
});
