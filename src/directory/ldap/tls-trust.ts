/** The TLS trust of LDAP connections configured with a CA file (KCD_LDAP_CA_FILE). */
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

const secureContexts = new Map<string, SecureContext>();

/**
 * A TLS context that trusts what Node trusts by default (its bundled CAs, or the system's store when Node runs
 * with --use-openssl-ca) and `caPem`. Node's `ca` option replaces that store, so the context starts from the
 * default one and adds the CA to its own copy of it (`addCACert` of the native context, what `ca` itself calls;
 * other contexts are not affected). Where that method is missing, the bundled list and the CA are given as `ca`,
 * which re-parses the ~150 bundled certificates (25-45 ms of CPU before the first handshake) and leaves out a
 * system store. Made once per CA and process.
 */
export function trustingAlso(caPem: string): SecureContext {
  let context = secureContexts.get(caPem);
  if (!context) {
    const fromBuiltIn = createSecureContext();
    const native = (fromBuiltIn as { context?: { addCACert?: (pem: string) => void } }).context;
    if (typeof native?.addCACert === 'function') {
      native.addCACert(caPem);
      context = fromBuiltIn;
    } else context = createSecureContext({ ca: [...rootCertificates, caPem] });
    secureContexts.set(caPem, context);
  }
  return context;
}
