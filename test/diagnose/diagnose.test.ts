/** A diagnosis against the demo directory: the rules that explain each code, the rest named, unknown hosts with suggestions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkHost, checkPair } from '../../src/checker';
import { diagnose } from '../../src/diagnose/diagnose';
import { KNOWN_CODES, KNOWN_EVENTS } from '../../src/diagnose/knowledge';
import { CHECKS } from '../../src/checks';
import { resolveHost } from '../../src/domain/names';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';
import { diagnosisJson } from '../../src/render/diagnose';
import { diagnosisCard } from '../../src/render/cards/diagnose';
import { expectValidCard } from '../support/validate-card';

const snapshot = createSnapshot(demoData(new Date(0)));
const paste = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', 'pastes', name), 'utf8');

describe('diagnose', () => {
  test('the article\'s failure: 0x8009030E explained by the pair\'s own findings, the check the same as kcd check', () => {
    const d = diagnose(snapshot, paste('move-vm-no-credentials-gogo3-gogo4-storage.txt'));
    const expected = checkPair(snapshot, resolveHost(snapshot, 'GOGO-3'), resolveHost(snapshot, 'GOGO-4'), { storage: true });
    expect(d.report?.findings.map((f) => f.rule)).toEqual(expected.findings.map((f) => f.rule));
    const rules = new Set(expected.findings.map((f) => f.rule));
    expect(d.causes).toEqual([
      expect.objectContaining({ code: '0x8009030E', known: true, explainedBy: KNOWN_CODES[0]!.rules.filter((r) => rules.has(r)) }),
    ]);
    expect(d.causes[0]!.explainedBy).toEqual(['KCD001', 'KCD002', 'KCD004']);
    const json = diagnosisJson(d, 'demo directory');
    expect(Object.keys(json)).toEqual(['source', 'destination', 'storage', 'fileServers', 'codes', 'events', 'causes', 'check']);
    expect(json.check).toMatchObject({ source: 'GOGO-3', destination: 'GOGO-4', ready: false });
  });

  test('a socket code on a pair AD has nothing against: not explained by AD, the network named instead', () => {
    const d = diagnose(snapshot, 'Move-VM to destination host \'GOGO-2\' failed at migration source \'GOGO-4\' with 0x8007274D');
    expect(d.report?.ready).toBe(true);
    expect(d.causes).toEqual([expect.objectContaining({ code: '0x8007274D', explainedBy: [], notInAd: expect.arrayContaining([expect.stringContaining('TCP 6600')]) as unknown })]);
  });

  test('an unknown code is named as unknown; an unknown host gets "did you mean"', () => {
    const d = diagnose(snapshot, "failed at migration source 'GOGO3' with host 'GOGO-4' (0x80091234)");
    expect(d.report).toBeUndefined();
    expect(d.unknown).toEqual([{ role: 'source', name: 'GOGO3', suggestions: expect.arrayContaining(['GOGO-3']) as unknown }]);
    expect(d.causes).toEqual([expect.objectContaining({ code: '0x80091234', known: false })]);
    expect(diagnosisJson(d, 'demo').check).toBeNull();
    const card = diagnosisCard(d, { directoryLabel: 'demo directory' });
    expectValidCard(card);
    expect(JSON.stringify(card)).toContain('did you mean GOGO-3');
  });

  test('the card for a paste: the causes, then the pair card with its fixes', () => {
    const d = diagnose(snapshot, paste('event-20306-on-gogo2-with-gogo5.txt'));
    const card = diagnosisCard(d, { directoryLabel: 'demo directory' });
    expectValidCard(card);
    const json = JSON.stringify(card);
    expect(json).toContain('AD explains it: KCD001, KCD007');
    expect(json).toContain('Set-ADComputer');
  });

  test('an event about the host it was logged on (14050) checks that host: AD explains it when the host lacks its SPNs', () => {
    const d = diagnose(snapshot, paste('event-14050-gogo5.txt'));
    expect(d.report).toBeUndefined();
    const expected = checkHost(snapshot, resolveHost(snapshot, 'GOGO-5'));
    expect(d.hostReport?.host.name).toBe('GOGO-5');
    expect(d.hostReport?.findings).toEqual(expected.findings);
    expect(d.causes).toEqual([expect.objectContaining({ event: 14050, known: true, explainedBy: ['KCD007'] })]);
    const json = diagnosisJson(d, 'demo directory');
    expect(json.check).toBeNull();
    expect(json.host).toMatchObject({ host: 'GOGO-5', ready: false });
    const card = diagnosisCard(d, { directoryLabel: 'demo directory' });
    expectValidCard(card);
    const text = JSON.stringify(card);
    expect(text).toContain('AD explains it: KCD007');
    expect(text).toContain('setspn -S');
  });

  test('the same event from a host whose SPNs are in place: AD does not explain it for that host, the service is named', () => {
    const d = diagnose(snapshot, paste('event-14050-gogo5.txt').replace('GOGO-5.contoso.com', 'GOGO-2.contoso.com'));
    expect(d.hostReport?.host.name).toBe('GOGO-2');
    expect(d.causes).toEqual([expect.objectContaining({ event: 14050, explainedBy: [], notInAd: [expect.stringContaining('Virtual Machine Management service')] })]);
    expect(JSON.stringify(diagnosisCard(d, { directoryLabel: 'demo directory' }))).toContain('AD does not explain it for GOGO-2');
  });

  test('a paste that names only the source checks the source: its own findings explain the code, not its peers\'', () => {
    const d = diagnose(snapshot, "Virtual machine migration operation for 'VM01' failed at migration source 'GOGO-3'. (0x8009030E)");
    expect(d.report).toBeUndefined();
    expect(d.hostReport?.host.name).toBe('GOGO-3');
    const own = new Set(d.hostReport!.findings.filter((f) => f.subject === 'GOGO-3' && f.severity !== 'info').map((f) => f.rule));
    expect(d.causes[0]!.explainedBy).toEqual(KNOWN_CODES[0]!.rules.filter((r) => own.has(r)));
    expect(d.causes[0]!.explainedBy.length).toBeGreaterThan(0);
    // GOGO-5 lacks an SPN (KCD007 about GOGO-5 is among GOGO-3's host findings) but that is not GOGO-3's doing.
    expect(d.hostReport!.findings.some((f) => f.rule === 'KCD007' && f.subject === 'GOGO-5')).toBe(true);
    expect(d.causes[0]!.explainedBy).not.toContain('KCD007');
  });

  test('the knowledge table: every code and event has a meaning, a source, and rule ids that exist', () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    for (const e of [...KNOWN_CODES, ...KNOWN_EVENTS]) {
      expect(e.meaning.length).toBeGreaterThan(20);
      expect(e.source.length).toBeGreaterThan(5);
      for (const r of e.rules) expect(ids.has(r)).toBe(true);
      expect(e.rules.length + e.notInAd.length).toBeGreaterThan(0);
    }
    expect(KNOWN_CODES.map((c) => c.code)).toEqual(expect.arrayContaining(['0x8009030E', '0x8009030D', '0x80090322', '0x80090303', '0x80070005', '0x80070569', '0x80070534', '0x8007274C', '0x8007274D', '0x8007271D']));
    expect(KNOWN_EVENTS.map((e) => e.id)).toEqual(expect.arrayContaining([20306, 21502, 21024, 14050]));
  });
});
