/** Hand-made forests of a few computers, for unit tests that need a case no scenario has. */
import type { Computer, DirectoryData } from '../../src/domain/model';

/** A member computer of contoso.com with nothing set but what `parts` says. */
export const computer = (parts: Partial<Computer>): Computer => ({
  name: 'HV1',
  samAccountName: 'HV1$',
  domain: 'contoso.com',
  distinguishedName: 'CN=HV1,DC=contoso,DC=com',
  userAccountControl: 0x1000,
  servicePrincipalNames: [],
  allowedToDelegateTo: [],
  allowedToActOnBehalfOf: [],
  memberOf: [],
  ...parts,
});

/** A forest of only these computers (no users, groups or SPN accounts; Windows' default sPNMappings). */
const NOTHING_ELSE: Omit<DirectoryData, 'computers'> = {
  source: { kind: 'snapshot', label: 'small test forest', takenAt: '2026-12-07T00:00:00Z' },
  domains: ['contoso.com'],
  users: [],
  groups: [],
  spnAccounts: [],
  spnMappings: [],
};

export const forestOf = (computers: Computer[], extra: Partial<DirectoryData> = {}): DirectoryData => ({ ...NOTHING_ELSE, computers, ...extra });
