/**
 * The scheduler's leader lease on Azurite (real time: Azure leases last 15-60 s, so these tests wait): one
 * holder among replicas; a replica that stops hands over at once; one that dies (stops renewing without
 * releasing) is replaced within the lease period; storage down means nobody holds it.
 */
import { BlobLeaderLease } from '../../src/scheduler/leader-lease';
import { Azurite } from '../support/azurite';

jest.setTimeout(180_000);

let azurite: Azurite;
let n = 0;
beforeAll(async () => {
  azurite = await Azurite.start();
});
afterAll(async () => {
  await azurite?.dispose();
});

const LEASE_SECONDS = 15;
const replicas = (count: number) => {
  const container = `lease-${process.pid}-${++n}`;
  return Array.from({ length: count }, (_, i) => new BlobLeaderLease(azurite.connectionString, container, { leaseSeconds: LEASE_SECONDS, replica: `r${i}` }));
};
const holders = (leases: BlobLeaderLease[]) => leases.filter((l) => l.holds()).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: () => boolean, ms: number): Promise<number> {
  const from = Date.now();
  while (!what()) {
    if (Date.now() - from > ms) throw new Error(`not within ${ms} ms`);
    await sleep(200);
  }
  return Date.now() - from;
}

test('three replicas trying at once: exactly one holds the lease, and keeps it while it renews', async () => {
  const leases = replicas(3);
  await Promise.all(leases.map((l) => l.tryNow()));
  expect(holders(leases)).toBe(1);
  const holder = leases.find((l) => l.holds())!;
  // Renewals (each a third of the period) keep it past the period; the others keep being refused.
  for (let i = 0; i < 4; i++) {
    await sleep((LEASE_SECONDS * 1000) / 3);
    await Promise.all(leases.map((l) => l.tryNow()));
    expect(holders(leases)).toBe(1);
    expect(holder.holds()).toBe(true);
  }
  await Promise.all(leases.map((l) => l.stop()));
});

test('a holder that stops releases the lease: another replica takes it at its next try', async () => {
  const [a, b] = replicas(2);
  a!.start();
  await until(() => a!.holds(), 10_000);
  b!.start();
  await sleep(500);
  expect(b!.holds()).toBe(false);
  await a!.stop();
  expect(a!.holds()).toBe(false);
  await b!.tryNow();
  expect(b!.holds()).toBe(true);
  await b!.stop();
});

test('a holder that dies (no renewal, no release) is replaced within the lease period plus one try', async () => {
  const [dead, heir] = replicas(2);
  await dead!.tryNow();
  expect(dead!.holds()).toBe(true);
  // "Dies": never asked again. Its own view expires with the period too (a stalled process stops believing it).
  heir!.start();
  const waited = await until(() => heir!.holds(), (LEASE_SECONDS * 4 * 1000) / 3 + 5_000);
  expect(waited).toBeGreaterThan(LEASE_SECONDS * 1000 - 3_000);
  expect(dead!.holds()).toBe(false);
  await heir!.stop();
});

test('storage down: nobody holds the lease (no posts), and it is taken again when storage is back', async () => {
  const [a] = replicas(1);
  await a!.tryNow();
  expect(a!.holds()).toBe(true);
  await azurite.stop();
  try {
    await a!.tryNow();
    expect(a!.holds()).toBe(false);
  } finally {
    await azurite.restart();
  }
  // The old lease may still run on the restarted emulator (it keeps its data): taken again within a period.
  a!.start();
  await until(() => a!.holds(), (LEASE_SECONDS * 4 * 1000) / 3 + 5_000);
  await a!.stop();
});
