/** A state store in memory with the same semantics as the file store (deep copies in and out): for tests and dry runs. */
import type { CompactScan } from './compact-scan';
import { emptyState, trimState, type State, type StateStore } from './state';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class MemoryStateStore implements StateStore {
  private state: State = emptyState();
  private readonly scans = new Map<string, CompactScan>();
  private chain: Promise<unknown> = Promise.resolve();

  describe(): string {
    return 'memory';
  }

  read(): Promise<State> {
    return Promise.resolve(clone(this.state));
  }

  update<T>(change: (state: State) => T): Promise<T> {
    const run = this.chain.then(() => {
      const next = clone(this.state);
      const result = change(next);
      trimState(next);
      this.state = next;
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  saveScan(id: string, scan: CompactScan): Promise<void> {
    if (!this.scans.has(id)) this.scans.set(id, clone(scan));
    return Promise.resolve();
  }

  loadScan(id: string): Promise<CompactScan | undefined> {
    const scan = this.scans.get(id);
    return Promise.resolve(scan ? clone(scan) : undefined);
  }
}
