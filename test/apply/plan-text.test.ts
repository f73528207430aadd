import { outcomeText, planJson, planText, terminalSafe, terminalSafeJson } from '../../src/apply/plan-text';
import type { FixPlan } from '../../src/apply/types';

const SID = 'S-1-5-21-1-2-3';

const PLAN: FixPlan = {
  id: 'p1',
  question: { kind: 'host', host: 'AZ-HV3', storage: true },
  directory: 'demo directory',
  takenAt: '2026-12-07T05:00:00.000Z',
  createdAt: '2026-12-07T05:01:00.000Z',
  objects: [
    {
      dn: 'CN=AZ-HV3,OU=AADDC Computers,DC=aadds,DC=contoso,DC=com',
      name: 'AZ-HV3$',
      kind: 'computer',
      basis: { allowedToDelegateTo: [], userAccountControl: 0x1000, supportedEncryptionTypes: 0x4, resourceBasedAces: null },
      changes: [
        { attribute: 'msDS-SupportedEncryptionTypes', before: 0x4, after: 0x18 },
        { attribute: 'msDS-AllowedToActOnBehalfOfOtherIdentity', before: null, after: [{ sid: `${SID}-1601`, type: 'allow', mask: 0xf01ff, principal: 'AZ-HV1$' }] },
      ],
      rules: ['KCD018', 'KCD001'],
    },
    {
      dn: 'CN=alice,CN=Users,DC=contoso,DC=com',
      name: 'alice',
      kind: 'user',
      basis: { allowedToDelegateTo: [], userAccountControl: 0x100200, supportedEncryptionTypes: null },
      changes: [{ attribute: 'userAccountControl', before: 0x100200, after: 0x200 }],
      rules: ['KCD010'],
    },
  ],
  refused: [{ subject: 'krbtgt', rule: 'KCD020', reason: 'krbtgt', detail: "krbtgt is the KDC's own account; kcd never changes it." }],
  instructions: ['Set-ADAccountControl -Identity krbtgt -AccountNotDelegated $false'],
};

test('the plan as text: encryption types and descriptors before → after, refusals with their reasons, then the PowerShell', () => {
  expect(planText(PLAN)).toBe(
    [
      'kcd · directory: demo directory (read 2026-12-07T05:00:00.000Z)',
      'Plan p1 for AZ-HV3 and its peers (with storage): 2 objects to change, 1 fix not applied.',
      '',
      'AZ-HV3$ (computer) — fixes KCD018, KCD001',
      '  dn: CN=AZ-HV3,OU=AADDC Computers,DC=aadds,DC=contoso,DC=com',
      '  msDS-SupportedEncryptionTypes: 0x4 (RC4-HMAC) → 0x18 (AES128, AES256)',
      '  msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based delegation):',
      '    before: no descriptor',
      `    after:  allow AZ-HV1$ [${SID}-1601] 0xF01FF`,
      '',
      'alice (user) — fixes KCD010',
      '  dn: CN=alice,CN=Users,DC=contoso,DC=com',
      '  userAccountControl: 0x100200 (NOT_DELEGATED) → 0x200 (none)',
      '',
      'Not applied by kcd:',
      "  KCD020 krbtgt: krbtgt — krbtgt is the KDC's own account; kcd never changes it.",
      '',
      'For a person to do (PowerShell):',
      'Set-ADAccountControl -Identity krbtgt -AccountNotDelegated $false',
    ].join('\n'),
  );
});

test('control characters from AD are shown escaped, never passed to the terminal', () => {
  expect(terminalSafe('a\u001b[31mb\u009bc\u202ed\ne\tf')).toBe('a\\u001b[31mb\\u009bc\\u202ed\ne\tf');
  const json = terminalSafeJson({ v: 'x\u009by\u001bz' });
  expect(json).toBe('{\n  "v": "x\\u009by\\u001bz"\n}');
  expect(JSON.parse(json)).toEqual({ v: 'x\u009by\u001bz' });
  const evil: FixPlan = { ...PLAN, objects: [{ ...PLAN.objects[1]!, name: 'al\nice\u001b]0;owned\u0007' }] };
  expect(planText(evil)).toContain('al\\nice\\u001b]0;owned\\u0007 (user)');
});

test('planJson is a copy of the plan', () => {
  const copy = planJson(PLAN);
  expect(copy).toEqual(PLAN);
  expect(copy).not.toBe(PLAN);
});

test('the outcome says which objects were written', () => {
  const dn = PLAN.objects[0]!.dn;
  expect(outcomeText(PLAN, { status: 'applied', objects: PLAN.objects.map((o) => ({ dn: o.dn, status: 'written', before: {}, after: {} })) })).toBe('Written: AZ-HV3$, alice.');
  expect(
    outcomeText(PLAN, { status: 'failed', cause: 'concurrent-change', detail: 'the old value was gone', failedDn: PLAN.objects[1]!.dn, objects: [{ dn, status: 'written', before: {}, after: {} }] }),
  ).toBe('The write failed (concurrent-change on alice): the old value was gone\nWritten: AZ-HV3$.\nNot written: alice.');
  expect(outcomeText(PLAN, { status: 'changed', differences: [{ dn, attribute: 'userAccountControl', planned: '4096', now: '4098' }] })).toBe(
    'Nothing written: AD no longer holds what the plan was made from.\n  AZ-HV3$ userAccountControl: planned from 4096, now 4098\nCheck again and make a new plan.',
  );
});
