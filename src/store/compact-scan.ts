/**
 * The stored form of a fleet scan (a compact scan: per host, the keys of its problem findings), and its
 * schema. The store owns the format because it writes and validates the files; summary/compact.ts builds
 * compact scans from fleet reports. Changing the shape means a new `version`.
 */
import { z } from 'zod';

export const COMPACT_SCAN_FORMAT = 'kcd-scan-summary';

export interface CompactScan {
  format: typeof COMPACT_SCAN_FORMAT;
  version: 1;
  /** The data source label ("demo directory", "ldaps://dc1.contoso.com"). */
  directory: string;
  /** When the directory data was read (ISO 8601). */
  takenAt?: string;
  totals: { hosts: number; hostsWithErrors: number; pairsExpected: number; pairsReady: number };
  /** Every Hyper-V host → the keys of its error and warning findings (empty: nothing to report). */
  hosts: Record<string, string[]>;
  /** Hosts with at least one error (not ready), sorted. */
  notReady: string[];
}

export const compactScanSchema = z.object({
  format: z.literal(COMPACT_SCAN_FORMAT),
  version: z.literal(1),
  directory: z.string(),
  takenAt: z.string().optional(),
  totals: z.object({
    hosts: z.number().int().nonnegative(),
    hostsWithErrors: z.number().int().nonnegative(),
    pairsExpected: z.number().int().nonnegative(),
    pairsReady: z.number().int().nonnegative(),
  }),
  hosts: z.record(z.string(), z.array(z.string())),
  notReady: z.array(z.string()),
});
