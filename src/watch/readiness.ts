/**
 * GET /readyz: can the bot answer a question now? Yes while it holds a directory snapshot (a cached one
 * answers even when AD has since gone away: the cards say how old it is), or when the directory can be read
 * now. Otherwise not ready, with a reason a load balancer's log can show: the failure's cause as one word
 * (src/directory/failure-cause.ts), never the DC's name or the bind account, as the port faces the internet.
 */
import type { DirectorySnapshot } from '../domain/snapshot';
import { failureCause, type FailureCause } from '../directory/failure-cause';

/** How long a probe waits for a read when no snapshot is held (the read itself goes on, and is shared). */
export const READINESS_WAIT_MS = 5_000;

export type Readiness = { ready: true } | { ready: false; reason: string; cause: FailureCause | 'reading' };

export interface ReadinessDirectory {
  /** The snapshot held now, if the directory caches one (CachedDirectory). */
  readonly held?: DirectorySnapshot;
  snapshot(): Promise<DirectorySnapshot>;
}

export async function readiness(directory: ReadinessDirectory, waitMs = READINESS_WAIT_MS): Promise<Readiness> {
  if (directory.held) return { ready: true };
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waited'>((resolve) => (timer = setTimeout(() => resolve('waited'), waitMs)));
  try {
    const outcome = await Promise.race([directory.snapshot().then(() => 'read' as const), waited]);
    if (outcome === 'read') return { ready: true };
    return { ready: false, cause: 'reading', reason: `no directory snapshot yet: the first read has not finished within ${waitMs / 1000} s` };
  } catch (error) {
    const cause = failureCause(error);
    return { ready: false, cause, reason: `no directory snapshot is held and the directory cannot be read (${cause})` };
  } finally {
    clearTimeout(timer);
  }
}
