import { createInterner, internAll } from '../../src/domain/intern';

describe('createInterner', () => {
  it('returns the first string object seen for equal values', () => {
    const intern = createInterner();
    const first = intern(['cifs', 'HV01.lab.test'].join('/'));
    const second = intern(['cifs', 'HV01.lab.test'].join('/'));
    expect(second).toBe(first);
    expect(intern('other')).toBe('other');
  });

  it('keeps values case-sensitive (SPN case is compared elsewhere, not merged here)', () => {
    const intern = createInterner();
    expect(intern('cifs/HV01')).toBe('cifs/HV01');
    expect(intern('CIFS/HV01')).toBe('CIFS/HV01');
  });

  it('internAll replaces values in place and keeps order', () => {
    const intern = createInterner();
    const list = internAll(['b', 'a', 'b'], intern);
    expect(list).toEqual(['b', 'a', 'b']);
  });
});
