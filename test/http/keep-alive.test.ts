/**
 * A keep-alive connection left idle longer than Node's default (5 s) is still served: a client or reverse proxy
 * that reuses it then gets an answer, not a reset (the bot keeps idle connections KEEP_ALIVE_MS).
 */
import { connect } from 'node:net';
import { readConfig } from '../../src/config';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { KEEP_ALIVE_MS, startServer } from '../../src/server';

jest.setTimeout(60_000);

const quiet = { info: () => undefined, error: () => undefined };

test('an idle keep-alive connection is answered again after 7 s', async () => {
  expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000);
  const running = await startServer({ config: readConfig({}), directory: new DemoDirectory(), logger: quiet }, 0, '127.0.0.1');
  const port = Number(new URL(running.url).port);
  const socket = connect({ port, host: '127.0.0.1' });
  let received = '';
  let closed = false;
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('close', () => (closed = true));
  const get = () => socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
  const answers = () => received.split('HTTP/1.1 200').length - 1;
  const until = async (what: () => boolean) => {
    for (let i = 0; i < 100 && !what(); i++) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    get();
    await until(() => answers() === 1);
    expect(received).toMatch(/Keep-Alive: timeout=65/i);
    await new Promise((r) => setTimeout(r, 7_000));
    expect(closed).toBe(false);
    get();
    await until(() => answers() === 2);
    expect(answers()).toBe(2);
  } finally {
    socket.destroy();
    await running.close();
  }
});
