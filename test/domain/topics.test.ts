import { isTopicId, TOPIC_IDS, TOPICS } from '../../src/domain/topics';
import { CHECKS } from '../../src/checks';

describe('topics', () => {
  test('isTopicId: exactly the ids, as written', () => {
    for (const id of TOPIC_IDS) expect(isTopicId(id)).toBe(true);
    for (const other of ['SPN', 'spn ', 'rc', 'kerberos', '', 'constrained delegation']) expect([other, isTopicId(other)]).toEqual([other, false]);
  });

  test('ids are unique, related topics exist and are others, and every rule names known topics', () => {
    expect(new Set(TOPIC_IDS).size).toBe(TOPICS.length);
    for (const t of TOPICS) for (const r of t.related) expect([t.id, r, isTopicId(r) && r !== t.id]).toEqual([t.id, r, true]);
    for (const check of CHECKS) for (const topic of check.topics) expect([check.id, topic, isTopicId(topic)]).toEqual([check.id, topic, true]);
  });

  test('each topic has what its card shows: explanation, live-migration paragraph, commands with notes; names in lower case', () => {
    for (const t of TOPICS) {
      expect(t.explanation.length).toBeGreaterThan(0);
      expect(t.forLiveMigration.length).toBeGreaterThan(0);
      expect(t.validate.every((v) => v.command.length > 0 && v.note.length > 0)).toBe(true);
      for (const word of [...t.aliases, ...t.synonyms]) expect(word).toBe(word.toLowerCase());
    }
  });
});
