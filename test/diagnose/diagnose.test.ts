/** A diagnosis against the demo directory: the rules that explain each code, the rest named, unknown hosts with suggestions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkPair } from '../../src/checker';
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
