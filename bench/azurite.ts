/**
 * Azurite (Microsoft's Azure Storage emulator, a devDependency) for tests and the benchmark: a blob service on a free loopback
 * port with its data in a temporary folder, started and stopped by the test. `restart()` keeps the data (the
 * "storage was down for a while" case). Started with --skipApiVersionCheck: Azurite 3.35.0 refuses the API
 * version @azure/storage-blob 12.31.0 sends otherwise (stack-notes.md).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** From bench/ (ts-jest) or dist/bench/ (the compiled benchmark): the package root is where package.json is. */
const BIN = join(require.resolve('azurite/package.json'), '..', '..', '.bin', 'azurite-blob');

/** The development account's connection string for a blob endpoint on this loopback port (Azurite or a proxy to it). */
export function devConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};BlobEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export class Azurite {
  private child: ChildProcess | undefined;
  private output = '';
  readonly location = mkdtempSync(join(tmpdir(), 'kcd-azurite-'));

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<Azurite> {
    const azurite = new Azurite(port ?? (await freePort()));
    await azurite.up();
    return azurite;
  }

  /** A connection string for this instance (the development account on this port). */
  get connectionString(): string {
    return devConnectionString(this.port);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  private async up(): Promise<void> {
    const child = spawn(
      BIN,
      ['--silent', '--skipApiVersionCheck', '--location', this.location, '--blobHost', '127.0.0.1', '--blobPort', String(this.port)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!(await accepts(this.port))) {
      if (child.exitCode !== null) throw new Error(`Azurite exited (${child.exitCode}) before listening on ${this.port}: ${this.output.slice(-2000)}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`Azurite did not listen on ${this.port} within 60 s: ${this.output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops the emulator; its data stays in `location` until dispose(). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.up();
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.location, { recursive: true, force: true });
  }
}
