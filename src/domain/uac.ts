/** userAccountControl bits the checker reads (MS-ADTS "userAccountControl Bits"; the rules using them: README.md, "What is checked"). Tests are bitwise. */
export const UAC = {
  ACCOUNTDISABLE: 0x2,
  WORKSTATION_TRUST_ACCOUNT: 0x1000,
  SERVER_TRUST_ACCOUNT: 0x2000,
  TRUSTED_FOR_DELEGATION: 0x80000,
  NOT_DELEGATED: 0x100000,
  TRUSTED_TO_AUTH_FOR_DELEGATION: 0x1000000,
  /** A read-only domain controller. */
  PARTIAL_SECRETS_ACCOUNT: 0x4000000,
} as const;

export type UacFlag = keyof typeof UAC;

export function hasFlag(userAccountControl: number, flag: UacFlag): boolean {
  return (userAccountControl & UAC[flag]) !== 0;
}

/** A readable list of the flags that matter here, for reports ("WORKSTATION_TRUST_ACCOUNT | TRUSTED_TO_AUTH_FOR_DELEGATION"). */
export function describeUac(userAccountControl: number): string {
  const names = (Object.keys(UAC) as UacFlag[]).filter((flag) => hasFlag(userAccountControl, flag));
  return names.length > 0 ? names.join(' | ') : 'none';
}
