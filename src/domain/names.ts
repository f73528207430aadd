import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import { InputError, UnknownHostError, UnknownHostsError, UnknownUserError } from './errors';
import type { Computer, User } from './model';
import type { DirectorySnapshot } from './snapshot';

/** Longest name we try to resolve; anything longer is not a host name (AD caps dNSHostName at 2048 but FQDNs at 255). */
const MAX_NAME = 255;

/** Lower-case, drop a trailing `$`, keep it as typed otherwise. */
export function normaliseName(input: string): string {
  return input.trim().toLowerCase().replace(/\$$/, '');
}

/** Compare by letters and digits only, so "gogo3", "GoGo_3" and "gogo-3" are close. */
function skeleton(s: string): string {
  return s.toLowerCase().split('.')[0]!.replace(/[^\p{L}\p{N}]/gu, '');
}

/** Up to `limit` names that look like `input`, best first. */
export function suggest(input: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = skeleton(input.slice(0, MAX_NAME));
  if (!wanted) return [];
  return candidates
    .map((name) => ({ name, score: JaroWinklerDistance(wanted, skeleton(name), {}) }))
    .filter((c) => c.score >= 0.82)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((c) => c.name);
}

/** Accepts NetBIOS name, sAMAccountName (with or without `$`) or FQDN, case-insensitively. */
export function findHost(snapshot: DirectorySnapshot, input: string): Computer | undefined {
  if (input.length > MAX_NAME) return undefined;
  const key = input.trim().toLowerCase();
  return snapshot.computersByName.get(key) ?? snapshot.computersByName.get(normaliseName(input));
}

/**
 * Why `input` cannot name a computer at all (not merely an unknown one, which gets "did you mean"), or
 * undefined: a DNS name has at most 253 characters and 63 in each label.
 */
export function hostNameProblem(input: string): string | undefined {
  const name = input.trim().replace(/\$$/, '');
  if (name.length > 253) return `${name.length} characters; a host name has at most 253`;
  const long = name.split('.').find((label) => label.length > 63);
  if (long !== undefined) return `a part of ${long.length} characters; each part of a host name has at most 63`;
  return undefined;
}

/** The answer to a name that cannot be a host name (hostNameProblem), as an input error. */
export function notAHostName(input: string, problem: string): InputError {
  const shown = displayable(input);
  return new InputError(
    `"${shown.slice(0, 60)}${shown.length > 60 ? '…' : ''}" cannot be a host name (${problem}).`,
    'Give the computer name (GOGO-3), its DNS name (gogo-3.contoso.com) or its account name (GOGO-3$).',
  );
}

/**
 * Like findHost, but an unknown name is an input error with "did you mean" suggestions (Hyper-V hosts first),
 * and a name that cannot be a host name is refused as such.
 */
export function resolveHost(snapshot: DirectorySnapshot, input: string): Computer {
  const found = findHost(snapshot, input);
  if (found) return found;
  const problem = hostNameProblem(input);
  if (problem) throw notAHostName(input, problem);
  const hyperV = snapshot.hyperVHosts.map((h) => h.name);
  const others = snapshot.data.computers.map((c) => c.name).filter((n) => !hyperV.includes(n));
  const suggestions = suggest(input, hyperV);
  if (suggestions.length < 3) suggestions.push(...suggest(input, others, 3 - suggestions.length));
  throw new UnknownHostError(displayable(input), suggestions);
}

/** resolveHost for every name of one command; when several are unknown, one error names them all. */
export function resolveHosts(snapshot: DirectorySnapshot, inputs: readonly string[]): Computer[] {
  const found: Computer[] = [];
  const unknown: UnknownHostError[] = [];
  for (const input of inputs) {
    try {
      found.push(resolveHost(snapshot, input));
    } catch (error) {
      if (!(error instanceof UnknownHostError)) throw error;
      unknown.push(error);
    }
  }
  if (unknown.length === 1) throw unknown[0]!;
  if (unknown.length > 1) throw new UnknownHostsError(unknown);
  return found;
}

export function resolveUserIn(snapshot: DirectorySnapshot, input: string): User {
  // No length cap as for hosts: AD allows a UPN of 1,024 characters, and the other user lookups have none.
  const found = snapshot.usersByName.get(input.trim().toLowerCase());
  if (found) return found;
  throw new UnknownUserError(displayable(input), suggest(input, snapshot.data.users.map((u) => u.samAccountName)));
}

/** Names echoed back in messages: control characters made visible, length capped. */
export function displayable(input: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
  const clean = input.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}
