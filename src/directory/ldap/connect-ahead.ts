/**
 * An LDAPS connection opened before the LDAP client is loaded (for `kcd scan`'s early read).
 *
 * Why: the TLS handshake with the DC (~20 ms on the benchmark's loopback DC, one round trip and the server's key
 * exchange, more over a network) and the loading of ldapts and the adapter (~35 ms of CPU) need not come one after
 * the other. The socket is opened with the very host, port and TLS options the adapter's client would use
 * (ldapEndpoint, ldapTlsOptions), and the adapter's main connection takes it once it is secure instead of opening
 * its own: its bind is the first thing the socket carries. A failure is the failure the client's own connection
 * would have met (the same socket error, or ldapts's "Connection timeout" after the same time), so the adapter
 * reports it as it would its own.
 */
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { ldapEndpoint } from './tls-options';

export interface ConnectionAhead {
  /**
   * Settles once the TCP connection is up (the TLS ClientHello then leaves, from the event loop) or has failed:
   * what the caller does synchronously after that overlaps the DC's reply.
   */
  readonly connected: Promise<void>;
  /** The secure socket, once (later calls: undefined); rejects as the client's own connect would have. */
  take(): Promise<TLSSocket> | undefined;
  /** Destroys the socket unless it was taken (the read that would have used it is set aside). */
  close(): void;
}

export function connectAhead(url: string, tlsOptions: ConnectionOptions, timeoutMs: number): ConnectionAhead {
  const { host, port } = ldapEndpoint(url);
  const socket = connect(port, host, tlsOptions);
  let taken = false;
  let lost: Error | undefined;
  let settle: ((err?: Error) => void) | undefined;
  const secure = new Promise<TLSSocket>((resolve, reject) => {
    const timer = setTimeout(() => settle?.(new Error('Connection timeout')), timeoutMs);
    const failed = (err: Error) => settle?.(err);
    const closed = () => settle?.(new Error('the connection closed during the TLS handshake'));
    settle = (err) => {
      settle = undefined;
      clearTimeout(timer);
      socket.removeListener('secureConnect', ready);
      socket.removeListener('error', failed);
      socket.removeListener('close', closed);
      if (err) {
        socket.destroy();
        reject(err);
        return;
      }
      // Until the client takes the socket (and puts its own listeners on it), an error is kept, not thrown.
      socket.on('error', (e) => (lost ??= e));
      socket.once('close', () => (lost ??= new Error('the connection closed before it was used')));
      resolve(socket);
    };
    const ready = () => settle?.();
    socket.once('secureConnect', ready);
    socket.once('error', failed);
    socket.once('close', closed);
  });
  // Nobody may take it (the read is set aside): its failure is then nobody's.
  secure.catch(() => undefined);
  const connected = new Promise<void>((resolve) => {
    socket.once('connect', () => resolve());
    secure.then(() => resolve(), () => resolve());
  });
  return {
    connected,
    take() {
      if (taken) return undefined;
      taken = true;
      return secure.then((open) => {
        if (lost) throw lost;
        return open;
      });
    },
    close() {
      if (taken) return;
      taken = true;
      settle?.(new Error('set aside'));
      socket.destroy();
    },
  };
}
