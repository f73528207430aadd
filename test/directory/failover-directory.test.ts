import { DirectoryUnavailableError, SnapshotFileError } from '../../src/domain/errors';
import { DemoDirectory } from '../../src/directory/demo-directory';
import { FailoverDirectory } from '../../src/directory/failover-directory';
import type { Directory } from '../../src/directory/port';

function down(url: string): Directory & { calls: number } {
  const d = {
    calls: 0,
    describe: () => ({ kind: 'ldap' as const, label: url }),
    snapshot: () => {
      d.calls++;
      return Promise.reject(new DirectoryUnavailableError(url, 'connection refused', 'Check that the DC is running.'));
    },
    findUser: () => {
      d.calls++;
      return Promise.reject(new DirectoryUnavailableError(url, 'connection refused', 'Check that the DC is running.'));
    },
    close: () => Promise.resolve(),
  };
  return d;
}

describe('FailoverDirectory', () => {
  test('a dead first DC falls over to the next, which is then tried first', async () => {
    const dc1 = down('ldaps://dc1');
    const failover = new FailoverDirectory([dc1, new DemoDirectory()]);
    expect((await failover.snapshot()).hyperVHosts.length).toBeGreaterThan(0);
    expect(await failover.findUser('labadmin')).toBeDefined();
    expect(dc1.calls).toBe(1);
    expect(failover.describe().label).toBe('demo directory');
  });

  test('all DCs down: one error naming every URL and its cause', async () => {
    const failover = new FailoverDirectory([down('ldaps://dc1'), down('ldaps://dc2')]);
    const error = await failover.snapshot().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DirectoryUnavailableError);
    expect((error as Error).message).toContain('ldaps://dc1');
    expect((error as Error).message).toContain('ldaps://dc2');
  });

  test('other errors are answers, not reasons to fail over', async () => {
    const broken: Directory = { ...new DemoDirectory(), describe: () => ({ kind: 'snapshot', label: 'x' }), snapshot: () => Promise.reject(new SnapshotFileError('x.json', 'bad')), findUser: () => Promise.resolve(undefined), close: () => Promise.resolve() };
    const second = down('ldaps://dc2');
    await expect(new FailoverDirectory([broken, second]).snapshot()).rejects.toBeInstanceOf(SnapshotFileError);
    expect(second.calls).toBe(0);
  });
});
