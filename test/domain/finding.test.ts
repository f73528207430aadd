import { hasErrors, SEVERITY_ORDER, type Finding, type Severity } from '../../src/domain/finding';

const finding = (severity: Severity): Finding => ({ rule: 'KCD000', severity, subject: 'HV1', message: 'm', why: 'w', data: {} });

describe('findings', () => {
  test('a report has errors only when a finding is an error, wherever it is in the list', () => {
    expect(hasErrors([])).toBe(false);
    expect(hasErrors([finding('warning'), finding('info')])).toBe(false);
    expect(hasErrors([finding('info'), finding('warning'), finding('error')])).toBe(true);
    expect(hasErrors([finding('error')])).toBe(true);
  });

  test('errors sort before warnings, warnings before information', () => {
    const order = (['info', 'error', 'warning'] as Severity[]).sort((a, b) => SEVERITY_ORDER[a] - SEVERITY_ORDER[b]);
    expect(order).toEqual(['error', 'warning', 'info']);
  });
});
