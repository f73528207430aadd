/**
 * An expired DC certificate against the real Samba DC (test/ad-lab): the DC is restarted presenting a server
 * certificate from the CA the bot trusts, but expired (valid 2020 → 2021). The bot's card names the DC, says
 * the certificate has expired (not "wrong CA": the CA is right) and what to do. Then the valid certificate is
 * put back, the DC restarted, and the same bot answers from AD again without a restart.
 *
 * The lab DC is shared with the other dc test files: afterAll always writes back the original smb.conf and
 * leaves a DC running with the valid certificate, whatever happened here.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { CachedDirectory } from '../../src/directory/cached-directory';
import { LdapDirectory } from '../../src/directory/ldap-directory';
import { computerEntry, LAB_HOST, LAB_TLS_SERVERNAME, labFacts, loadEntries, startDc, stopDc, uniqueName, waitForDc, type LabFacts } from '../ad-lab/lab';
import { labLdapOptions } from '../support/scenario-lab';
import { expectValidCard } from '../support/validate-card';
import { askUntil, cards, cardText, conversation, messages } from './conversation';

jest.setTimeout(180_000);

let facts: LabFacts = labFacts();
const HOST = uniqueName('EXPC');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const originalConf = readFileSync(facts.smbConf, 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'kcd-expired-cert-'));

/**
 * A server certificate for the DC's names, signed by the lab CA (so the chain is trusted), valid only in 2020.
 * `openssl ca` because OpenSSL 3.0's `x509 -req` cannot set a start date in the past.
 */
function makeExpiredCertificate(): { certfile: string; keyfile: string } {
  const tls = join(facts.dir, 'private', 'tls');
  const w = (name: string) => join(workDir, name);
  writeFileSync(w('index.txt'), '');
  writeFileSync(w('serial'), '1000\n');
  writeFileSync(
    w('ca.cnf'),
    [
      '[ca]',
      'default_ca = lab',
      '[lab]',
      `database = ${w('index.txt')}`,
      `new_certs_dir = ${workDir}`,
      `serial = ${w('serial')}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '[server]',
      `subjectAltName = DNS:${LAB_TLS_SERVERNAME},DNS:${LAB_HOST},DNS:localhost,IP:127.0.0.1,IP:::1`,
      'basicConstraints = CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  );
  const quiet = { stdio: 'pipe' as const };
  execFileSync('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-subj', `/O=kcd-bot AD lab/CN=${LAB_TLS_SERVERNAME}`, '-keyout', w('key.pem'), '-out', w('req.pem')], quiet);
  execFileSync(
    'openssl',
    ['ca', '-batch', '-config', w('ca.cnf'), '-cert', join(tls, 'ca.pem'), '-keyfile', join(tls, 'ca-key.pem'), '-in', w('req.pem'), '-out', w('cert.pem'),
      '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-extensions', 'server', '-notext'],
    quiet,
  );
  // The test can only mean something if the certificate is what we say: from the lab CA, and expired.
  const verify = (() => {
    try {
      return execFileSync('openssl', ['verify', '-CAfile', facts.caFile, w('cert.pem')], quiet).toString();
    } catch (err) {
      return String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    }
  })();
  expect(verify).toContain('certificate has expired');
  return { certfile: w('cert.pem'), keyfile: w('key.pem') };
}

/** smb.conf with the DC's TLS key and certificate replaced (the CA file stays the lab's). */
function confWith(cert: { certfile: string; keyfile: string }): string {
  const conf = originalConf
    .replace(/^(\s*tls keyfile\s*=).*$/m, `$1 ${cert.keyfile}`)
    .replace(/^(\s*tls certfile\s*=).*$/m, `$1 ${cert.certfile}`);
  expect(conf).not.toBe(originalConf);
  return conf;
}

async function restartDc(conf: string, ready: () => Promise<void>): Promise<void> {
  await stopDc(facts.pid);
  writeFileSync(facts.smbConf, conf);
  const child = startDc(facts.dir);
  facts = { ...facts, pid: child.pid! };
  // The teardown stops the DC by the pid in the facts file.
  writeFileSync(facts.factsFile, JSON.stringify(facts, null, 2));
  await ready();
}

/** The TLS error code the DC's LDAPS port gives a verifying client (ca + servername), or 'ok'. */
function handshake(): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: 636, ca: [readFileSync(facts.caFile)], servername: facts.tlsServername });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('secureConnect', () => {
      socket.destroy();
      resolve('ok');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** Waits until the DC answers the TLS handshake with an expired certificate (waitForDc would need a valid one). */
async function waitForExpiredDc(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await handshake();
    if (last === 'CERT_HAS_EXPIRED') return;
    await sleep(200);
  }
  throw new Error(`the DC did not present the expired certificate within ${timeoutMs} ms (last: ${last})`);
}

const opened: Array<{ close(): Promise<void> }> = [];
function cached(ttlMs = 300): CachedDirectory {
  const d = new CachedDirectory(new LdapDirectory(labLdapOptions(facts, { timeoutMs: 3_000, warn: () => undefined })), { ttlMs, maxBackoffMs: 500 });
  opened.push(d);
  return d;
}


beforeAll(async () => {
  await loadEntries(facts, [computerEntry({ name: HOST, hyperV: true, operatingSystem: 'Windows Server 2022 Datacenter' })]);
});

afterAll(async () => {
  await Promise.all(opened.map((d) => d.close().catch(() => undefined)));
  // Always leave the shared DC as we found it: original smb.conf, valid certificate, running.
  const restored = readFileSync(facts.smbConf, 'utf8') === originalConf;
  const healthy = restored && (await waitForDc(facts, 2_000).then(() => true, () => false));
  if (!healthy) await restartDc(originalConf, () => waitForDc(facts));
  rmSync(workDir, { recursive: true, force: true });
  JSON.parse(readFileSync(facts.factsFile, 'utf8'));
});

test('expired DC certificate: the card names the DC, says it expired and what to do; recovery without a restart', async () => {
  expect(await handshake()).toBe('ok');
  const warmDirectory = cached();
  const warm = conversation({ directory: warmDirectory });
  expect(cardText(await warm.say(`check ${HOST}`))).toContain(HOST);

  await restartDc(confWith(makeExpiredCertificate()), () => waitForExpiredDc());
  try {
    // A bot that never read AD: the AD-unreachable card.
    const cold = conversation({ directory: cached() });
    const replies = messages(await cold.say(`check ${HOST}`));
    expect(replies).toHaveLength(1);
    expectValidCard(cards(replies)[0]);
    const text = cardText(replies);
    expect(text).toContain("I can't read Active Directory right now");
    expect(text).toContain(facts.url);
    expect(text).toContain("the domain controller's certificate has expired");
    expect(text).toMatch(/CERT\\*_HAS\\*_EXPIRED/); // Markdown-escaped in the card
    expect(text).toContain("Renew the domain controller's LDAPS certificate");
    expect(text).toMatch(/clock/);
    expect(text).not.toContain('KCD_LDAP_CA_FILE'); // the CA is right; pointing elsewhere would not help

    // A bot that had read AD: the last good read, marked, with the same reason.
    await sleep(400);
    await warm.say(`check ${HOST}`);
    await warmDirectory.refresh().catch(() => undefined);
    const stale = cardText(await warm.say(`check ${HOST}`));
    expect(stale).toContain('AD unreachable — answer from the last good read');
    expect(stale).toContain('certificate has expired');

    // Valid certificate back, DC restarted: the same bots answer from AD again.
    await restartDc(originalConf, () => waitForDc(facts));
    const recovered = await askUntil(cold, `check ${HOST}`, (t) => t.includes(HOST) && !t.includes("can't read Active Directory"));
    expect(cardText(recovered)).toContain(HOST);
    expect(cardText(recovered)).not.toContain("can't read Active Directory");
    const warmRecovered = await askUntil(warm, `check ${HOST}`, (t) => !t.includes('AD unreachable'));
    expect(cardText(warmRecovered)).toContain(HOST);
    expect(cardText(warmRecovered)).not.toContain('AD unreachable');
  } finally {
    if (readFileSync(facts.smbConf, 'utf8') !== originalConf) await restartDc(originalConf, () => waitForDc(facts));
  }
});
