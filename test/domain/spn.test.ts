import { DEFAULT_SPN_MAPPINGS, makeSpn, parseSpn, parseSpnMappings, spnKey } from '../../src/domain/spn';

describe('SPN helpers', () => {
  test('parseSpn: class, host and what follows the host (port, service name)', () => {
    expect(parseSpn('cifs/fs1.contoso.com')).toEqual({ serviceClass: 'cifs', host: 'fs1.contoso.com', rest: '' });
    expect(parseSpn('MSSQLSvc/sql1.contoso.com:1433')).toEqual({ serviceClass: 'MSSQLSvc', host: 'sql1.contoso.com', rest: ':1433' });
    expect(parseSpn('ldap/dc1.contoso.com/contoso.com')).toEqual({ serviceClass: 'ldap', host: 'dc1.contoso.com', rest: '/contoso.com' });
    expect(parseSpn('Microsoft Virtual System Migration Service/GOGO-4')).toEqual({
      serviceClass: 'Microsoft Virtual System Migration Service',
      host: 'GOGO-4',
      rest: '',
    });
  });

  test('parseSpn: no class, no host or no slash is no SPN', () => {
    expect(parseSpn('/GOGO-4')).toBeUndefined();
    expect(parseSpn('cifs/')).toBeUndefined();
    expect(parseSpn('GOGO-4')).toBeUndefined();
    expect(parseSpn('')).toBeUndefined();
    expect(parseSpn('c/h')).toEqual({ serviceClass: 'c', host: 'h', rest: '' });
  });

  test('makeSpn and spnKey: joined with a slash; keys ignore case and surrounding blanks', () => {
    expect(makeSpn('cifs', 'GOGO-4')).toBe('cifs/GOGO-4');
    expect(spnKey('  CIFS/Gogo-4.Contoso.com\t')).toBe('cifs/gogo-4.contoso.com');
  });

  test('parseSpnMappings: each alias to the class standing in for it, in lower case; a later value wins', () => {
    const aliases = parseSpnMappings(['HOST= Alerter, CIFS ,,http', 'www=http', '=orphan', 'novalue', 'other=cifs']);
    expect([...aliases]).toEqual([
      ['alerter', 'host'],
      ['cifs', 'other'],
      ['http', 'www'], // 'www=http': a later value for http
    ]);
  });

  test("parseSpnMappings: no value read means Windows' default, where HOST stands in for cifs and http", () => {
    const aliases = parseSpnMappings([]);
    expect(aliases.get('cifs')).toBe('host');
    expect(aliases.get('http')).toBe('host');
    expect(aliases.size).toBe(DEFAULT_SPN_MAPPINGS[0]!.split('=')[1]!.split(',').length);
    expect(parseSpnMappings(['host=spooler']).get('cifs')).toBeUndefined();
  });
});

describe('parseSpnMappings spacing', () => {
  test('spaces around the class that stands in and around each alias are not part of them', () => {
    const aliases = parseSpnMappings(['HOST = CIFS , http ,', 'www=Rpc']);
    expect([...aliases]).toEqual([['cifs', 'host'], ['http', 'host'], ['rpc', 'www']]);
  });
});
