import { describeUac, hasFlag, UAC } from '../../src/domain/uac';

describe('userAccountControl flags', () => {
  test('a flag is a bit: set among any others, not set when only its neighbours are', () => {
    const all = Object.values(UAC).reduce((a, b) => a | b, 0) | 0x10 | 0x20000;
    for (const flag of Object.keys(UAC) as Array<keyof typeof UAC>) {
      expect(hasFlag(UAC[flag], flag)).toBe(true);
      expect(hasFlag(all, flag)).toBe(true);
      expect(hasFlag(all & ~UAC[flag], flag)).toBe(false);
    }
    expect(hasFlag(0, 'NOT_DELEGATED')).toBe(false);
  });

  test('described by the names of the flags that matter, in table order; "none" when there are none', () => {
    expect(describeUac(UAC.WORKSTATION_TRUST_ACCOUNT | UAC.TRUSTED_TO_AUTH_FOR_DELEGATION)).toBe('WORKSTATION_TRUST_ACCOUNT | TRUSTED_TO_AUTH_FOR_DELEGATION');
    expect(describeUac(UAC.NOT_DELEGATED | 0x200 | UAC.ACCOUNTDISABLE)).toBe('ACCOUNTDISABLE | NOT_DELEGATED');
    expect(describeUac(0x200)).toBe('none'); // NORMAL_ACCOUNT alone: no flag the checker reads
    expect(describeUac(0)).toBe('none');
    expect(describeUac(UAC.SERVER_TRUST_ACCOUNT | UAC.PARTIAL_SECRETS_ACCOUNT | UAC.TRUSTED_FOR_DELEGATION)).toBe(
      'SERVER_TRUST_ACCOUNT | TRUSTED_FOR_DELEGATION | PARTIAL_SECRETS_ACCOUNT',
    );
  });
});
