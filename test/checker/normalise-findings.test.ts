import { normaliseFindings } from '../../src/checker';
import type { Finding, Severity } from '../../src/domain/finding';

function finding(rule: string, severity: Severity, subject: string, data: Finding['data'] = {}, message = `${rule} about ${subject}`): Finding {
  return { rule, severity, subject, message, why: 'why', data };
}

const ids = (findings: readonly Finding[]) => findings.map((f) => `${f.severity} ${f.rule} ${f.subject} ${JSON.stringify(f.data)}`);

describe('normaliseFindings: one finding per rule, subject and data, in a fixed order', () => {
  test('errors, then warnings, then infos, whatever the rule ids say', () => {
    const out = normaliseFindings([
      finding('KCD001', 'info', 'A'),
      finding('KCD009', 'warning', 'A'),
      finding('KCD020', 'error', 'A'),
      finding('KCD002', 'error', 'A'),
    ]);
    expect(ids(out)).toEqual(['error KCD002 A {}', 'error KCD020 A {}', 'warning KCD009 A {}', 'info KCD001 A {}']);
  });

  test('within a rule, by subject in any letter case, then by the data', () => {
    const out = normaliseFindings([
      finding('KCD007', 'error', 'hv-b', { spn: 'b' }),
      finding('KCD007', 'error', 'HV-A', { spn: 'z' }),
      finding('KCD007', 'error', 'HV-B', { spn: 'a' }),
      finding('KCD007', 'error', 'hv-a', { spn: 'y' }),
    ]);
    // Case-insensitively HV-A < hv-b: an ordinal sort would put every upper-case name first.
    expect(ids(out)).toEqual([
      'error KCD007 hv-a {"spn":"y"}',
      'error KCD007 HV-A {"spn":"z"}',
      'error KCD007 HV-B {"spn":"a"}',
      'error KCD007 hv-b {"spn":"b"}',
    ]);
  });

  test('the same rule, subject (in any case) and data is one finding: the first one seen', () => {
    const first = finding('KCD001', 'error', 'GOGO-3', { spn: 'cifs/GOGO-4' }, 'first');
    const out = normaliseFindings([
      first,
      finding('KCD001', 'error', 'gogo-3', { spn: 'cifs/GOGO-4' }, 'second'),
      finding('KCD001', 'error', 'GOGO-3', { spn: 'cifs/GOGO-5' }),
      finding('KCD002', 'error', 'GOGO-3', { spn: 'cifs/GOGO-4' }),
    ]);
    expect(out).toHaveLength(3);
    expect(out[0]).toBe(first);
    expect(ids(out)).toEqual(['error KCD001 GOGO-3 {"spn":"cifs/GOGO-4"}', 'error KCD001 GOGO-3 {"spn":"cifs/GOGO-5"}', 'error KCD002 GOGO-3 {"spn":"cifs/GOGO-4"}']);
  });

  test('any iterable, one finding, or none', () => {
    const a = finding('KCD004', 'error', 'A');
    const b = finding('KCD004', 'error', 'B');
    function* both() {
      yield b;
      yield a;
      yield b;
    }
    expect(normaliseFindings(both())).toEqual([a, b]);
    expect(normaliseFindings(new Set([a]))).toEqual([a]);
    expect(normaliseFindings([a])).toEqual([a]);
    expect(normaliseFindings([])).toEqual([]);
    expect(normaliseFindings(new Set())).toEqual([]);
  });

  test('the input list is left as it was', () => {
    const input = [finding('KCD009', 'warning', 'B'), finding('KCD001', 'error', 'A')];
    const copy = [...input];
    normaliseFindings(input);
    expect(input).toEqual(copy);
  });
});
