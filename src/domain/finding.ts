/** What the checker returns: findings are data, never exceptions or log lines. */
import type { PeerQuery } from './migration-group';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/**
 * A fix as data, so fixes for one host merge into one `Set-ADComputer` call and the whole list can be
 * rendered as PowerShell (src/fixes/powershell.ts).
 */
export type Fix =
  /** Add and/or remove msDS-AllowedToDelegateTo values (and enable / set dNSHostName) on one computer. */
  | {
      kind: 'computer';
      host: string;
      addDelegation?: string[];
      removeDelegation?: string[];
      enable?: boolean;
      dnsHostName?: string;
    }
  /**
   * Delegate HOST to `services` (in NetBIOS and FQDN form) on every peer `peers` selects, adding only what its
   * msDS-AllowedToDelegateTo lacks: a fleet scan's fix when the missing entries are too many to list
   * (FLEET_MAX_LISTED in src/checker/fleet-summariser.ts). Rendered as a PowerShell loop that reads the current list first.
   */
  | { kind: 'delegate-to-peers'; host: string; services: string[]; peers: PeerQuery; missing: number; peerCount: number }
  /**
   * Write DEST's resource-based delegation descriptor anew, allowing exactly `principals` (sAMAccountNames, or
   * SIDs): Set-ADComputer -PrincipalsAllowedToDelegateToAccount replaces the whole descriptor, so the list holds
   * the accounts to keep as well. `note` says why this fix and not another (rendered as a comment).
   */
  | { kind: 'resource-based'; host: string; principals: string[]; note?: string }
  /** Switch a computer to "Trust … specified services only / Use any authentication protocol". */
  | { kind: 'account-control'; host: string; trustedForDelegation: false; trustedToAuthForDelegation: true }
  /** Register SPNs on their rightful owner (setspn -S refuses duplicates). */
  | { kind: 'register-spn'; host: string; spns: string[]; note?: string }
  /** Remove an SPN from an account that should not hold it. */
  | { kind: 'remove-spn'; account: string; spn: string }
  | { kind: 'user-delegable'; user: string }
  /** Allow AES (and so no longer RC4 alone) for a computer's or a user's tickets: -KerberosEncryptionType AES128,AES256. */
  | { kind: 'encryption-types'; account: string; accountKind: 'computer' | 'user' }
  | { kind: 'leave-group'; user: string; group: string; member: string }
  /** Something only a person can do (e.g. move a host to the same domain); rendered as a comment. */
  | { kind: 'manual'; text: string };

export interface Finding {
  /** Stable rule id, KCD001…KCD026. */
  rule: string;
  severity: Severity;
  /** The account the finding is about (host name, or the user's sAMAccountName). */
  subject: string;
  /** What is wrong, in one sentence. */
  message: string;
  /** Why it matters for live migration. */
  why: string;
  /** The finding's facts (the missing SPN, the owners of a duplicate…); rule-specific, JSON-safe. */
  data: Record<string, string | number | boolean | string[]>;
  fix?: Fix;
}
