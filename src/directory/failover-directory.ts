/**
 * Several domain controllers (KCD_LDAP_URL lists them in order): each read goes to the first that answers.
 * Only "unreachable or refused" moves on to the next; anything else is the answer. The last DC that
 * worked is tried first next time, so one dead DC costs one timeout, not one per question.
 */
import { DirectoryUnavailableError } from '../domain/errors';
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { Directory, SnapshotOptions } from './port';

export class FailoverDirectory implements Directory {
  private preferred = 0;

  constructor(private readonly members: readonly Directory[]) {
    if (members.length === 0) throw new Error('FailoverDirectory needs at least one directory');
  }

  describe() {
    return this.members[this.preferred]!.describe();
  }

  private async attempt<T>(operation: (d: Directory) => Promise<T>): Promise<T> {
    const failures: DirectoryUnavailableError[] = [];
    for (let i = 0; i < this.members.length; i++) {
      const index = (this.preferred + i) % this.members.length;
      try {
        const result = await operation(this.members[index]!);
        this.preferred = index;
        return result;
      } catch (error) {
        if (!(error instanceof DirectoryUnavailableError)) throw error;
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0]!;
    throw new DirectoryUnavailableError(
      failures.map((f) => f.url).join(', '),
      failures.map((f) => `${f.url}: ${f.reason}`).join('; '),
      failures[0]!.remediation,
    );
  }

  snapshot(options?: SnapshotOptions): Promise<DirectorySnapshot> {
    return this.attempt((d) => d.snapshot(options));
  }

  findUser(name: string): Promise<User | undefined> {
    return this.attempt((d) => d.findUser(name));
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((d) => d.close().catch(() => undefined)));
  }
}
