/**
 * The directory data the checker reads. Every adapter (LDAP, snapshot file, demo) produces this shape,
 * already normalised: absent attributes are empty arrays or undefined, numbers are numbers.
 * It is plain JSON so `kcd snapshot` can write it and a support engineer can read it back offline.
 */

export interface Computer {
  /** The account's name (cn): the NetBIOS host name, e.g. GOGO-3. */
  name: string;
  /** sAMAccountName with the trailing `$`, e.g. GOGO-3$. */
  samAccountName: string;
  /** dNSHostName, e.g. gogo-3.contoso.com; absent on some objects (KCD017). */
  dnsHostName?: string;
  /** The DNS domain the account lives in, derived from the DN's DC= parts, e.g. contoso.com. */
  domain: string;
  distinguishedName: string;
  /** objectSid (S-1-5-21-…), when the source read it: a resource-based descriptor names accounts by SID. */
  sid?: string;
  userAccountControl: number;
  servicePrincipalNames: string[];
  /** msDS-AllowedToDelegateTo: the SPNs this account may delegate to (classic constrained delegation). */
  allowedToDelegateTo: string[];
  /**
   * Principals named in msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based delegation *to* this
   * account), as sAMAccountNames (GOGO-3$) when the adapter could resolve them, else SIDs.
   */
  allowedToActOnBehalfOf: string[];
  /**
   * The ACEs of msDS-AllowedToActOnBehalfOfOtherIdentity's DACL, in DACL order (absent: not read, as in
   * snapshot files written before these were kept; the descriptor rules then stay quiet).
   */
  resourceBasedAces?: ResourceBasedAce[];
  operatingSystem?: string;
  operatingSystemVersion?: string;
  /**
   * msDS-SupportedEncryptionTypes (0x4 RC4, 0x8 AES128, 0x10 AES256; see domain/encryption-types.ts); absent
   * when the attribute is not set (the DCs' default then applies).
   */
  supportedEncryptionTypes?: number;
  /** DNs of the groups the account is a direct member of (nesting is resolved through `groups`). */
  memberOf: string[];
}

/** One ACE of a resource-based delegation descriptor (msDS-AllowedToActOnBehalfOfOtherIdentity). */
export interface ResourceBasedAce {
  /** The ACE's SID, e.g. S-1-5-21-…-1104. */
  sid: string;
  /** The sAMAccountName (or group name) the SID belongs to; absent when no object of the directory has it. */
  principal?: string;
  type: 'allow' | 'deny';
  /** The access mask: 0xF01FF is what Set-ADComputer -PrincipalsAllowedToDelegateToAccount writes. */
  mask: number;
}

export interface User {
  samAccountName: string;
  userPrincipalName?: string;
  distinguishedName: string;
  domain: string;
  userAccountControl: number;
  /** DNs of the groups the user is a direct member of. */
  memberOf: string[];
  /** msDS-SupportedEncryptionTypes, as on Computer; absent when not set (or not read). */
  supportedEncryptionTypes?: number;
  /**
   * Set when the source resolved Protected Users membership itself (the PowerShell export does);
   * otherwise the checker resolves it from memberOf and `groups`.
   */
  protectedUsers?: boolean;
}

export interface Group {
  distinguishedName: string;
  name: string;
  /** objectSid as a string (S-1-5-21-…-525 is Protected Users), when known. */
  sid?: string;
  /** DNs of the groups this group is a direct member of. */
  memberOf: string[];
}

/** A non-computer account that holds SPNs (service accounts, krbtgt…): needed for the forest-wide SPN index. */
export interface SpnAccount {
  samAccountName: string;
  distinguishedName: string;
  servicePrincipalNames: string[];
  /** Read for krbtgt (which holds kadmin/changepw): marked sensitive, it stops every delegation (KCD020). */
  userAccountControl?: number;
}

export type SourceKind = 'demo' | 'ldap' | 'snapshot';

export interface SourceInfo {
  kind: SourceKind;
  /** What every output prints as the data's origin: "demo directory", "ldaps://dc1…", "snapshot customer.json". */
  label: string;
  /** When the data was read (ISO 8601). */
  takenAt: string;
}

export interface DirectoryData {
  source: SourceInfo;
  /** DNS names of the forest's domains, e.g. ["contoso.com"]. */
  domains: string[];
  computers: Computer[];
  users: User[];
  groups: Group[];
  spnAccounts: SpnAccount[];
  /**
   * The forest's sPNMappings values, e.g. "host=alerter,…,cifs,…": HOST/x stands in for cifs/x.
   * Empty means "not read": the checker then assumes Windows' default mapping.
   */
  spnMappings: string[];
}
