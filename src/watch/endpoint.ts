/**
 * GET /metrics on a listener of its own (KCD_METRICS_PORT, bound to KCD_METRICS_HOST, 127.0.0.1 unless
 * configured): the bot's port faces the internet, the metrics port need not. Plain node:http: it serves one
 * read-only route and reads no request body.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { boundAddress } from '../http/bound-address';
import type { PrometheusMetrics } from './prometheus';

export interface MetricsEndpoint {
  /** host:port actually bound. */
  address: string;
  /** Where a client on this machine scrapes it. */
  url: string;
  close(): Promise<void>;
}

export async function startMetricsEndpoint(metrics: PrometheusMetrics, port: number, host: string): Promise<MetricsEndpoint> {
  // restify replaces ServerResponse's writeHead process-wide (it returns nothing there): no chaining.
  const answer = (res: ServerResponse, status: number, contentType: string, body?: string) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') return answer(res, 404, 'text/plain', 'not found: GET /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, 'text/plain', 'GET only\n');
    metrics
      .exposition()
      .then(({ contentType, text }) => answer(res, 200, contentType, req.method === 'HEAD' ? undefined : text))
      .catch((error: unknown) => {
        if (!res.headersSent) answer(res, 500, 'text/plain', `metrics could not be collected: ${error instanceof Error ? error.message : String(error)}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const { address, url } = boundAddress(server.address() as AddressInfo);
  return {
    address,
    url: `${url}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
