import { fromSnapshot } from '../../src/commands/host-vocabulary';
import { parseCommand } from '../../src/commands/parser';
import { COMMANDS, commandForIntent, findCommand, helpEntries, helpText, manifestCommands, TEAMS_COMMAND_LIMITS, usageLines } from '../../src/commands/registry';
import { TOPIC_IDS } from '../../src/commands/topics';
import { INTENTS } from '../../src/commands/types';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

const hosts = fromSnapshot(createSnapshot(demoData()));

describe('the command registry', () => {
  test('declares each command once; the intents are exactly the commands\' own, plus unknown', () => {
    expect(COMMANDS.map((c) => c.id)).toEqual(['check', 'scan', 'explain', 'help', 'subscribe', 'unsubscribe', 'subscriptions', 'summary', 'diagnose', 'audit']);
    const words = COMMANDS.flatMap((c) => [c.id, ...c.aliases]);
    expect(new Set(words).size).toBe(words.length);
    expect(INTENTS).toEqual(['check_pair', 'check_host', 'scan', 'explain', 'help', 'subscribe', 'unsubscribe', 'subscriptions', 'summary', 'diagnose', 'audit', 'unknown']);
    for (const c of COMMANDS) {
      for (const intent of c.intents) expect(commandForIntent(intent)).toBe(c);
      if (c.singleHostIntent) expect(c.intents).toContain(c.singleHostIntent);
      expect(c.examples.length).toBeGreaterThan(0);
      for (const a of c.arguments) expect(a.description.length).toBeGreaterThan(0);
    }
  });

  test('every example parses, as a slash command, to its command', () => {
    for (const c of COMMANDS) {
      for (const example of c.examples) {
        const parsed = parseCommand(example, hosts);
        expect({ example, via: parsed.via, intent: parsed.intent }).toEqual({
          example,
          via: 'slash',
          intent: parsed.host ? c.singleHostIntent : c.intents[0],
        });
        expect(parsed.unresolved).toEqual([]);
      }
    }
  });

  test('first words are found by id and alias, case-insensitively, trailing punctuation ignored', () => {
    expect(findCommand('CHECK')?.id).toBe('check');
    expect(findCommand('Help!')?.id).toBe('help');
    expect(findCommand('?')?.id).toBe('help');
    expect(findCommand('unsub')?.id).toBe('unsubscribe');
    expect(findCommand('can')).toBeUndefined();
  });

  test('usage lines show both forms of check', () => {
    const check = COMMANDS.find((c) => c.id === 'check')!;
    expect(usageLines(check)).toEqual(['/kcd check <host> [fresh]', '/kcd check <source> <destination> [storage] [via <file-server>]... [fresh]']);
    expect(usageLines(COMMANDS.find((c) => c.id === 'scan')!)).toEqual(['/kcd scan [fresh]']);
    expect(usageLines(COMMANDS.find((c) => c.id === 'subscribe')!)).toEqual(['/kcd subscribe [HH:MM] [time-zone]']);
    expect(usageLines(COMMANDS.find((c) => c.id === 'explain')!)).toEqual(['/kcd explain [topic]']);
  });

  test('help text and structured help come from the same list', () => {
    const text = helpText();
    const entries = helpEntries();
    expect(entries.map((e) => e.id)).toEqual(COMMANDS.map((c) => c.id));
    for (const entry of entries) {
      for (const usage of entry.usage) expect(text).toContain(usage);
      expect(text).toContain(entry.description);
      for (const example of entry.examples) expect(text).toContain(example);
    }
    for (const topic of TOPIC_IDS) expect(text).toContain(topic);
    // The fresh flag of check and scan: in the usage, explained, with an example.
    expect(text).toContain('/kcd scan [fresh]');
    expect(text).toMatch(/fresh \(optional\): read AD now instead of answering from the cache/);
    expect(text).toContain('/kcd check gogo-3 gogo-4 fresh');
    expect(text).toContain('can gogo-3 migrate to gogo-4?');
  });

  test('manifest commandLists entries respect the Teams limits', () => {
    const commands = manifestCommands();
    expect(commands.length).toBe(COMMANDS.length);
    expect(commands.length).toBeLessThanOrEqual(TEAMS_COMMAND_LIMITS.commandsPerScope);
    expect(TEAMS_COMMAND_LIMITS).toEqual({ title: 32, description: 128, commandsPerScope: 10 });
    for (const c of commands) {
      expect(Object.keys(c).sort()).toEqual(['description', 'title']);
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.title.length).toBeLessThanOrEqual(32);
      expect(c.description.length).toBeGreaterThan(0);
      expect(c.description.length).toBeLessThanOrEqual(128);
    }
    expect(new Set(commands.map((c) => c.title)).size).toBe(commands.length);
    expect(commands[0]).toEqual({
      title: 'check',
      description: '<source> [destination] [storage] [via <file-server>]... [fresh]: Can a host live-migrate to another?',
    });
    expect(commands[1]).toEqual({ title: 'scan', description: '[fresh]: Check every Hyper-V host in the directory: totals and the worst hosts.' });
  });
});
