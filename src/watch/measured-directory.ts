/**
 * A Directory that reports every whole-directory read (how long it took; when it failed, why) to the
 * metrics port. It sits under the cache, so it counts the reads that reach AD, not the questions.
 */
import type { User } from '../domain/model';
import type { DirectorySnapshot } from '../domain/snapshot';
import type { MetricsSink } from './port';
import { failureCause } from '../directory/failure-cause';
import type { Directory, SnapshotOptions } from '../directory/port';

export class MeasuredDirectory implements Directory {
  constructor(
    readonly inner: Directory,
    private readonly metrics: MetricsSink,
    private readonly now: () => number = () => performance.now(),
  ) {}

  describe() {
    return this.inner.describe();
  }

  async snapshot(options?: SnapshotOptions): Promise<DirectorySnapshot> {
    const started = this.now();
    try {
      const snapshot = await this.inner.snapshot(options);
      this.metrics.directoryRead((this.now() - started) / 1000);
      return snapshot;
    } catch (error) {
      this.metrics.directoryRead((this.now() - started) / 1000, failureCause(error));
      throw error;
    }
  }

  findUser(name: string): Promise<User | undefined> {
    return this.inner.findUser(name);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
