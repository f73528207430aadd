/** How a listener's bound address is shown (host:port) and reached from this machine (a URL). */
import type { AddressInfo } from 'node:net';

export function boundAddress(bound: AddressInfo): { address: string; url: string } {
  const shown = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  // Bound to every interface: a client on this machine comes in over loopback.
  const everywhere = bound.address === '0.0.0.0' || bound.address === '::';
  return { address: `${shown}:${bound.port}`, url: `http://${everywhere ? '127.0.0.1' : shown}:${bound.port}` };
}
