import {
  ConfigError,
  DirectoryUnavailableError,
  InputError,
  KcdError,
  SnapshotFileError,
  UnknownHostError,
  UnknownUserError,
} from '../../../src/domain/errors';
import {
  RULE_TOPICS,
  WELCOME_QUESTIONS,
  cardSize,
  errorCard,
  explainCard,
  findExplainTopic,
  helpCard,
  rulesAbout,
  redactSecrets,
  welcomeCard,
  type CommandHelpEntry,
} from '../../../src/render/cards';
import { CHECKS } from '../../../src/checks';
import { helpEntries } from '../../../src/commands/registry';
import { findTopic } from '../../../src/commands/topics';
import { TOPICS } from '../../../src/domain/topics';
import { expectValidCard } from '../../support/validate-card';
import { actions, codeText, demoCtx, visibleText } from './support';

const ENTRIES: CommandHelpEntry[] = [
  { usage: '/kcd check <source> <destination> [storage] [via <file-server>]', description: 'Can SOURCE live-migrate to DESTINATION?', examples: ['/kcd check gogo-3 gogo-4', '/kcd check gogo-3 gogo-4 storage via fhost1'] },
  { usage: '/kcd check <host>', description: 'One host against its peers, both directions.', examples: ['/kcd check gogo-2'] },
  { usage: '/kcd scan', description: 'Every Hyper-V host: totals and the worst hosts.', examples: [] },
  { usage: '/kcd explain <topic>', description: 'UPN, SPN, KDC, constrained delegation, protocol transition…', examples: ['/kcd explain spn'] },
  { usage: '/kcd help', description: 'This list.', examples: [] },
];

describe('explain cards', () => {
  test('the catalogue has the topics of the issues, each complete', () => {
    expect(TOPICS.map((t) => t.id)).toEqual([
      'upn',
      'spn',
      'kdc',
      'constrained-delegation',
      'protocol-transition',
      'unconstrained-delegation',
      'protected-users',
      'duplicate-spn',
      'rc4',
      'credential-guard',
    ]);
    const ids = new Set<string>(TOPICS.map((t) => t.id));
    for (const t of TOPICS) {
      expect(t.title).toBeTruthy();
      expect(t.short.length).toBeLessThanOrEqual(30);
      expect(t.aliases.length).toBeGreaterThan(0);
      expect(t.explanation.length).toBeGreaterThan(0);
      expect(t.validate.length).toBeGreaterThan(0);
      for (const r of t.related) expect(ids.has(r)).toBe(true);
      for (const a of t.aliases) expect(a).toBe(a.toLowerCase());
    }
    for (const topic of Object.values(RULE_TOPICS)) expect(ids.has(topic)).toBe(true);
    for (const c of CHECKS) for (const topic of c.topics) expect(ids.has(topic)).toBe(true);
    // Each rule's first topic is its button; a topic card lists the rules that name it.
    expect(RULE_TOPICS.KCD006).toBe('protocol-transition');
    expect(rulesAbout('protected-users')).toEqual(['KCD010', 'KCD011', 'KCD020']);
    expect(rulesAbout('spn')).toEqual(['KCD007', 'KCD012', 'KCD017']);
    expect(rulesAbout('rc4')).toEqual(['KCD018', 'KCD019', 'KCD023']);
    expect(findExplainTopic('RC4')?.id).toBe('rc4');
    expect(rulesAbout('credential-guard')).toEqual(['KCD021']);
    expect(findExplainTopic('credential guard')?.id).toBe('credential-guard');
    // No alias names two topics.
    const aliases = TOPICS.flatMap((t) => t.aliases);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  test('one catalogue: every topic the parser finds in a sentence opens its own card, not the topic list', () => {
    for (const t of TOPICS) {
      expect(findExplainTopic(t.id)?.id).toBe(t.id);
      for (const s of t.synonyms) expect(findTopic(`what is ${s}?`)).toBe(t.id);
    }
  });

  test.each(TOPICS.map((t) => [t.id]))('%s: valid card with the explanation and the commands that check it', (id) => {
    const topic = TOPICS.find((t) => t.id === id)!;
    const card = explainCard(id, demoCtx);
    expectValidCard(card);
    const visible = visibleText(card);
    expect(visible).toContain(topic.title);
    for (const p of topic.explanation) expect(visible).toContain(p);
    for (const v of topic.validate) expect(codeText(card)).toContain(v.command);
    expect(visible).toContain('Data: demo directory');
  });

  test('the commands the rules document are there', () => {
    expect(codeText(explainCard('spn', demoCtx))).toContain('setspn -L GOGO-4');
    expect(codeText(explainCard('duplicate-spn', demoCtx))).toContain('setspn -X -F');
    expect(codeText(explainCard('constrained-delegation', demoCtx))).toContain('Get-ADComputer GOGO-3 -Properties msDS-AllowedToDelegateTo');
    expect(codeText(explainCard('kdc', demoCtx))).toContain('klist -li 0x3e7 purge');
  });

  test('the protocol-transition text says why 2016 needs it (WMI v2 over WinRM as NETWORK SERVICE)', () => {
    const visible = visibleText(explainCard('protocol transition', demoCtx));
    expect(visible).toContain('WMI v2 over WinRM');
    expect(visible).toContain('NETWORK SERVICE');
    expect(visible).toContain('0x1000000');
    expect(visible).toContain('2012 R2');
  });

  test.each([
    ['SPN', 'spn'],
    ['service principal names', 'spn'],
    ['TGT', 'kdc'],
    ['Protocol Transition', 'protocol-transition'],
    ['protocol-transition', 'protocol-transition'],
    ['"Use any authentication protocol"', 'protocol-transition'],
    ['constrained_delegation', 'constrained-delegation'],
    ['msDS-AllowedToDelegateTo', 'constrained-delegation'],
    ['Protected Users?', 'protected-users'],
    ['duplicate SPNs', 'duplicate-spn'],
    ['unconstrained', 'unconstrained-delegation'],
  ])('findExplainTopic(%j) → %s', (input, id) => {
    expect(findExplainTopic(input)?.id).toBe(id);
  });

  test('an unknown topic lists every topic, with buttons', () => {
    const card = explainCard('quantum <b>foo</b>', demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain('I have no explanation for "quantum <b>foo</b>".');
    const topics = actions(card).map((a) => (a.data as { topic: string }).topic);
    expect(topics).toEqual(TOPICS.map((t) => t.id));
    expect(findExplainTopic('')).toBeUndefined();
    expectValidCard(explainCard('', demoCtx));
  });
});

describe('help and welcome cards', () => {
  test('help lists each entry with usage, description and examples', () => {
    const card = helpCard(ENTRIES, demoCtx);
    expectValidCard(card);
    const visible = visibleText(card);
    for (const e of ENTRIES) {
      expect(visible).toContain(e.usage);
      expect(visible).toContain(e.description);
      for (const x of e.examples) expect(visible).toContain(x);
    }
    expect(visible).toContain('Data: demo directory');
  });

  test('the command registry\'s own helpEntries() render as they are', () => {
    const entries = helpEntries();
    const card = helpCard(entries, demoCtx);
    expectValidCard(card);
    const visible = visibleText(card);
    for (const e of entries) {
      for (const u of e.usage) expect(visible).toContain(u);
      expect(visible).toContain(e.description);
    }
    expectValidCard(welcomeCard(entries, demoCtx));
  });

  test('help stays small with a huge registry', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ usage: `/kcd cmd${i} ${'<arg> '.repeat(50)}`, description: 'x'.repeat(100_000), examples: Array(20).fill('/kcd x'.repeat(1000)) }));
    const card = helpCard(many, demoCtx);
    expectValidCard(card);
    expect(cardSize(card)).toBeLessThan(80 * 1024);
  });

  test('welcome: a short intro and three example questions as buttons that post the question', () => {
    const card = welcomeCard(ENTRIES, demoCtx);
    expectValidCard(card);
    const buttons = actions(card);
    expect(buttons.map((b) => b.title)).toEqual([...WELCOME_QUESTIONS]);
    for (const b of buttons) {
      expect(b.type).toBe('Action.Submit');
      expect(b.data).toEqual({ kcd: 'ask', text: b.title, msteams: { type: 'imBack', value: b.title } });
    }
    expect(visibleText(card)).toContain('/kcd scan');
    const custom = welcomeCard([], demoCtx, ['can a migrate to b?', 'q2', 'q3', 'q4']);
    expectValidCard(custom);
    expect(actions(custom)).toHaveLength(3);
  });
});

describe('error cards', () => {
  test('unknown host: "did you mean" buttons that repeat the question with the suggestion', () => {
    const question = { kcd: 'check' as const, source: 'gogo3', destination: 'GOGO-4', storage: true, fileServers: [] };
    const card = errorCard(new UnknownHostError('gogo3', ['GOGO-3', 'GOGO-2']), demoCtx, question);
    expectValidCard(card);
    expect(visibleText(card)).toContain('There is no computer named "gogo3" in the demo directory.');
    expect(actions(card).map((a) => [a.type, a.title, a.data])).toEqual([
      ['Action.Submit', 'GOGO-3', { ...question, source: 'GOGO-3' }],
      ['Action.Submit', 'GOGO-2', { ...question, source: 'GOGO-2' }],
    ]);
    const noQuestion = errorCard(new UnknownHostError('gogo3', ['GOGO-3']), demoCtx);
    expect(actions(noQuestion)[0]!.data).toEqual({ kcd: 'check', host: 'GOGO-3' });
    const hostQuestion = errorCard(new UnknownHostError('fhost', ['FHOST1']), demoCtx, { ...question, source: 'GOGO-3', fileServers: ['fhost'] });
    expect(actions(hostQuestion)[0]!.data).toEqual({ ...question, source: 'GOGO-3', fileServers: ['FHOST1'] });
    const none = errorCard(new UnknownHostError('zzz', []), demoCtx);
    expectValidCard(none);
    expect(actions(none)).toEqual([]);
  });

  test('unknown user', () => {
    const card = errorCard(new UnknownUserError('alcie', ['alice']), demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain('Did you mean alice?');
  });

  test('AD unreachable: the URL, what failed and what to check; credentials never shown', () => {
    const error = new DirectoryUnavailableError(
      'ldaps://svc-kcd:S3cret!@dc1.contoso.com:636',
      'bind failed (password=S3cret!): invalid credentials',
      'Check KCD_LDAP_URL, that port 636 is reachable, and the bind account in KCD_LDAP_BIND_DN.',
    );
    const question = { kcd: 'check' as const, host: 'GOGO-3' };
    const card = errorCard(error, demoCtx, question);
    expectValidCard(card);
    const visible = visibleText(card);
    expect(visible).toContain('I can\'t read Active Directory right now');
    expect(visible).toContain('Directory: ldaps://***@dc1.contoso.com:636');
    expect(visible).toContain('What failed: bind failed (password=***): invalid credentials');
    expect(visible).toContain('port 636 is reachable');
    expect(JSON.stringify(card)).not.toContain('S3cret');
    expect(card.actions).toEqual([{ type: 'Action.Submit', title: 'Try again', data: question }]);
  });

  test('bad input, snapshot file and configuration errors', () => {
    const input = errorCard(new InputError('Source and destination are the same host (GOGO-3).', 'Name two different Hyper-V hosts.'), demoCtx);
    expectValidCard(input);
    expect(visibleText(input)).toContain('I couldn\'t use that request');
    expect(visibleText(input)).toContain('Name two different Hyper-V hosts.');
    expect(input.actions).toEqual([{ type: 'Action.Submit', title: 'Show help', data: { kcd: 'help' } }]);

    const snap = errorCard(new SnapshotFileError('x.json', 'not JSON'), demoCtx);
    expectValidCard(snap);
    expect(visibleText(snap)).toContain('I can\'t use that snapshot file');

    const config = errorCard(new ConfigError(['KCD_LDAP_URL must be an ldaps:// URL', 'MicrosoftAppPassword is set but MicrosoftAppId is empty']), demoCtx);
    expectValidCard(config);
    expect(visibleText(config)).toContain('The bot is not configured correctly');
    expect(visibleText(config)).toContain('• KCD_LDAP_URL must be an ldaps:// URL');
  });

  test('a KcdError kind added later still gets its message, without a stack', () => {
    class RateLimited extends KcdError {
      readonly code = 'rate-limited';
      readonly exitCode = 3;
    }
    const card = errorCard(new RateLimited('Too many questions.', 'Wait a minute.'), demoCtx);
    expectValidCard(card);
    expect(visibleText(card)).toContain('Too many questions.');
    expect(JSON.stringify(card)).not.toMatch(/\bat .*\.ts:\d+/);
  });

  test('anything else: a friendly generic card with the correlation id, no message, no stack', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'password=hunter2')");
    const card = errorCard(error, { ...demoCtx, correlationId: 'c0ffee-42' });
    expectValidCard(card);
    const json = JSON.stringify(card);
    expect(visibleText(card)).toContain('Something went wrong');
    expect(visibleText(card)).toContain('c0ffee-42');
    expect(json).not.toContain('hunter2');
    expect(json).not.toContain('Cannot read properties');
    expect(json).not.toContain(error.stack!.split('\n')[1]!.trim());
    for (const weird of [undefined, null, 'a string', 42, { message: 'x' }]) expectValidCard(errorCard(weird, demoCtx));
  });

  test('redactSecrets', () => {
    expect(redactSecrets('ldap://user:pw@dc1:389')).toBe('ldap://***@dc1:389');
    expect(redactSecrets('password: hunter2, token=abc api_key="x y"')).toBe('password: ***, token=*** api_key=***');
    expect(redactSecrets('no secrets here')).toBe('no secrets here');
  });
});
