import { spnKey } from '../../src/domain/spn';
import { SpnTable } from '../../src/domain/spn-table';
import { createSnapshot, holdersOf } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

describe('SpnTable', () => {
  it('treats SPNs as equal exactly when spnKey does', () => {
    const spns = [
      'HOST/GOGO-3',
      'host/gogo-3',
      ' HOST/gogo-3 ',
      'HOST/GOGO-3.contoso.com',
      'Microsoft Virtual System Migration Service/GOGO-3',
      'MICROSOFT VIRTUAL SYSTEM MIGRATION SERVICE/gogo-3',
      'cifs/ÄRGER',
      'cifs/ärger',
      'cifs/\u212Aelvin', // KELVIN SIGN lower-cases to ASCII k
      'cifs/kelvin',
      'cifs/Kelvin',
      'MSSQLSvc/sql1:1433',
      'mssqlsvc/SQL1:1433',
      'mssqlsvc/SQL1:1434',
      '',
    ];
    const table = new SpnTable(2); // small on purpose: it must grow
    const ids = spns.map((s) => table.add(s));
    for (let i = 0; i < spns.length; i++) {
      for (let j = 0; j < spns.length; j++) {
        expect([spns[i], spns[j], ids[i] === ids[j]]).toEqual([spns[i], spns[j], spnKey(spns[i]!) === spnKey(spns[j]!)]);
      }
      expect(table.idOf(spns[i]!.toUpperCase().toLowerCase())).toBe(table.idOf(spnKey(spns[i]!)));
    }
    expect(table.size).toBe(new Set(spns.map(spnKey)).size);
    expect(table.idOf('HOST/nobody')).toBe(-1);
  });

  it('finds joined SPNs (class, rest from an offset) exactly as idOf finds the whole string', () => {
    const spns = ['HOST/GOGO-3', 'cifs/ärger', 'cifs/\u212Aelvin', 'MSSQLSvc/sql1:1433', ' HOST/spaced ', 'HOST/'];
    const table = new SpnTable(4);
    for (const s of spns) table.add(s);
    const asked = [
      ['host', 'gogo-3'],
      ['HOST', 'GOGO-3.contoso.com'],
      ['CIFS', 'ÄRGER'],
      ['cifs', 'kelvin'],
      ['mssqlsvc', 'SQL1:1433'],
      [' host', 'spaced '],
      ['host', 'spaced'],
      ['host', ''],
      ['host', 'gogo-'],
    ] as const;
    for (const [prefix, rest] of asked) {
      expect([prefix, rest, table.idOfJoined(prefix, rest)]).toEqual([prefix, rest, table.idOf(`${prefix}/${rest}`)]);
      expect(table.idOfJoined(prefix, `xx/${rest}`, 3)).toBe(table.idOf(`${prefix}/${rest}`));
    }
    expect(table.idOfJoined('host', 'gogo-3')).toBe(0);
  });

  it('finds an SPN split anywhere (class of any length, rest from any offset) as idOf does', () => {
    // The hash runs in two lanes by character position: every split must feed each character to the same lane.
    const spns = ['Microsoft Virtual System Migration Service/hv00001.lab.test', 'cifs/HV2', 'HOST/a', 'x/yz', 'ab/cdef:1433'];
    const table = new SpnTable(4);
    for (const s of spns) table.add(s);
    for (const spn of spns) {
      const slash = spn.indexOf('/');
      const [prefix, rest] = [spn.slice(0, slash), spn.slice(slash + 1)];
      for (let pad = 0; pad < 3; pad++) {
        expect([spn, pad, table.idOfJoined(prefix.toUpperCase(), `${'-'.repeat(pad)}${rest}`, pad)]).toEqual([spn, pad, table.idOf(spn)]);
      }
      expect(table.idOfJoined(prefix, rest.slice(0, -1))).toBe(table.idOf(`${prefix}/${rest.slice(0, -1)}`));
    }
  });

  it('keeps ids dense and stable while growing', () => {
    const table = new SpnTable(4);
    for (let i = 0; i < 5000; i++) expect(table.add(`HOST/HV${i}`)).toBe(i);
    for (let i = 0; i < 5000; i++) expect(table.idOf(`host/hv${i}`)).toBe(i);
  });
});

describe('SpnIndex', () => {
  it('finds holders in any case, through the HOST alias, and records duplicates', () => {
    const snapshot = createSnapshot(demoData());
    const gogo3 = snapshot.spnIndex.get('host/gogo-3.contoso.com');
    expect(gogo3?.map((h) => h.samAccountName)).toEqual(['GOGO-3$']);
    expect(snapshot.spnIndex.get('HOST/GOGO-3.CONTOSO.COM')).toBe(gogo3);
    expect(holdersOf(snapshot, 'cifs/GOGO-3.contoso.com').map((h) => h.samAccountName)).toEqual(['GOGO-3$']);
    const dup = snapshot.spnIndex.get('microsoft virtual system migration service/vmhost2');
    expect(dup?.map((h) => h.samAccountName).sort()).toEqual(['VMHOST2$', 'svc-scvmm']);
    for (const h of dup ?? []) expect(snapshot.duplicateSpnHolders.has(h.distinguishedName)).toBe(true);
  });
});
