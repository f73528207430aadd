/**
 * Fuzz: 10,000 generated utterances, Action.Submit payloads and Action.Execute invokes (random text, unicode,
 * control characters, hostile LDAP strings, very long input, wrong JSON types) through the bot on one shared
 * TestAdapter conversation. Every message gets exactly one reply message (typing indicators don't count),
 * every invoke exactly one invoke response and no message; nothing throws. No reply is the generic error
 * card and no exception nobody expected reaches the log (a throwing checker is caught by the bot and
 * turned into that card, so counting replies alone cannot see it); every verdict card (pair, host, scan)
 * says what the checker says for the same question on the same directory.
 */
import fc from 'fast-check';
import type { Activity } from 'botbuilder';
import { readConfig } from '../../src/config';
import { demoData } from '../../src/directory/demo-directory';
import { createSnapshot } from '../../src/domain/snapshot';
import { cardsOf, isGenericErrorReply, recordingLogger, unexpectedErrors, VerdictOracle, type CheckData, type LogRecord } from '../support/reply-audit';
import { conversation } from './conversation';

const RUNS = 10_000;

const LDAP_HOSTILE = [
  '*',
  '*)(objectClass=*',
  'gogo-3)(|(objectClass=*))',
  '*)(|(sAMAccountName=*))(cn=*',
  '\\2a',
  '\\00',
  'gogo-3\u0000',
  '(&(objectClass=user)(adminCount=1))',
  'admin*',
  ')(cn=*))\u0000',
  '\\5c\\2a',
  'CN=Administrator,CN=Users,DC=lab,DC=test',
  "gogo-3' OR '1'='1",
  '$(Remove-Item C:\\)',
  '<script>alert(1)</script>',
  '/kcd check * *',
  '/kcd check *)(cn=* gogo-4 --as *)(cn=*',
];

const fragment = fc.oneof(
  fc.constantFrom(...LDAP_HOSTILE),
  fc.constantFrom('can', 'migrate', 'gogo-3', 'gogo-4', 'to', 'check', 'scan', 'help', 'explain', 'KCD001', '/kcd', 'me', 'cancel', '1', 'subscribe', 'summary'),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // eslint-disable-next-line no-control-regex -- control and invisible characters are what this input is made of
  fc.stringMatching(/^[\u0000-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]{1,10}$/),
);

const utterance = fc.oneof(
  { weight: 6, arbitrary: fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom(...LDAP_HOSTILE) },
  { weight: 1, arbitrary: fc.integer({ min: 3990, max: 20_000 }).map((n) => 'can gogo-3 migrate to gogo-4 '.repeat(Math.ceil(n / 29)).slice(0, n)) },
);

/** Wrong JSON types, right shapes with wrong values, hostile names, oversized values. */
const payload = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withBigInt: false }),
  fc.record(
    {
      kcd: fc.oneof(fc.constantFrom('check', 'scan', 'help', 'explain', 'ask', 'subscribe', '__proto__'), fc.anything({ maxDepth: 1 })),
      source: fc.oneof(fc.constantFrom(...LDAP_HOSTILE, 'gogo-3'), fc.anything({ maxDepth: 1 })),
      destination: fc.oneof(fc.constantFrom(...LDAP_HOSTILE, 'gogo-4'), fc.string()),
      host: fc.oneof(fc.constantFrom(...LDAP_HOSTILE, 'gogo-3'), fc.string({ maxLength: 300 })),
      storage: fc.anything({ maxDepth: 1 }),
      fileServers: fc.oneof(fc.array(fc.constantFrom(...LDAP_HOSTILE)), fc.anything({ maxDepth: 1 })),
      topic: fc.oneof(fc.string(), fc.integer()),
      text: fc.oneof(utterance, fc.integer()),
      padding: fc.constantFrom('', 'x'.repeat(10_000)),
    },
    { requiredKeys: [] },
  ),
);

type Input =
  | { kind: 'text'; text: string }
  | { kind: 'submit'; value: unknown; text?: string }
  | { kind: 'invoke'; data: unknown }
  | { kind: 'pair'; text: string; question: CheckData };

/** The conversation's sender, as the bot looks it up (conversation.ts). */
const ASKER = 'labadmin@contoso.com';
const DEMO_HOSTS = ['GOGO-2', 'GOGO-3', 'GOGO-4', 'GOGO-5', 'VMHOST1', 'VMHOST2', 'HV-OLD', 'FHOST1', 'MGMT1', 'EU-HV1', 'DC1'];
const FILE_SERVERS = ['FHOST1', 'MGMT1', 'GOGO-2'];

/** A pair question whose meaning the test knows, so the reply can be compared with the checker's answer to it. */
const knownPair: fc.Arbitrary<Input> = fc
  .record({
    pair: fc.uniqueArray(fc.constantFrom(...DEMO_HOSTS), { minLength: 2, maxLength: 2 }),
    storage: fc.boolean(),
    fileServer: fc.option(fc.constantFrom(...FILE_SERVERS), { nil: undefined }),
    asMe: fc.boolean(),
    lowerCase: fc.boolean(),
  })
  .map(({ pair: [source, destination], storage, fileServer, asMe, lowerCase }) => {
    const name = (h: string) => (lowerCase ? h.toLowerCase() : h);
    const text = `/kcd check ${name(source!)} ${name(destination!)}${storage ? ' storage' : ''}${fileServer ? ` via ${name(fileServer)}` : ''}${asMe ? ' as me' : ''}`;
    const question: CheckData = { kcd: 'check', source, destination, storage, fileServers: fileServer ? [fileServer] : [], ...(asMe ? { asker: ASKER } : {}) };
    return { kind: 'pair' as const, text, question };
  });

const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 5, arbitrary: utterance.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 3, arbitrary: fc.tuple(payload, fc.constantFrom(undefined, '', '  ')).map(([value, text]) => ({ kind: 'submit' as const, value, ...(text !== undefined ? { text } : {}) })) },
  { weight: 2, arbitrary: payload.map((data) => ({ kind: 'invoke' as const, data })) },
  { weight: 1, arbitrary: knownPair },
);

function activityOf(i: Input): Partial<Activity> {
  switch (i.kind) {
    case 'text':
    case 'pair':
      return { type: 'message', text: i.text };
    case 'submit':
      return { type: 'message', value: i.value, ...(i.text !== undefined ? { text: i.text } : {}) };
    case 'invoke':
      return { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'recheck', data: i.data } } };
  }
}

test(`fuzz: ${RUNS} hostile inputs, each gets exactly one reply`, async () => {
  const records: LogRecord[] = [];
  const c = conversation({ rateLimit: false, logger: recordingLogger(records) });
  const oracle = new VerdictOracle(createSnapshot(demoData()), readConfig({}).migrationGroup);
  let count = 0;
  const kinds = { text: 0, submit: 0, invoke: 0, pair: 0 };
  await fc.assert(
    fc.asyncProperty(input, async (i) => {
      const replies = await c.say(activityOf(i));
      count++;
      kinds[i.kind]++;
      const messages = replies.filter((r) => r.type === 'message');
      const invokeResponses = replies.filter((r) => r.type === 'invokeResponse');
      let cards: Array<Record<string, unknown>>;
      if (i.kind === 'invoke') {
        expect(messages).toHaveLength(0);
        expect(invokeResponses).toHaveLength(1);
        const body = (invokeResponses[0]!.value as { status: number; body: { value: unknown; type?: string } }).body;
        expect(typeof body.value).toBe('object');
        // The refreshed card comes back in the invoke response, not as a message.
        const refreshed = { attachments: [{ contentType: body.type ?? '', content: body.value }] };
        expect(isGenericErrorReply(refreshed)).toBe(false);
        cards = cardsOf(refreshed);
      } else {
        expect(messages).toHaveLength(1);
        expect(invokeResponses).toHaveLength(0);
        expect(messages.filter(isGenericErrorReply)).toEqual([]);
        cards = messages.flatMap(cardsOf);
      }
      expect(cards.flatMap((card) => oracle.differences(card))).toEqual([]);
      // A question the test understands: the answer must be the checker's answer to that question.
      if (i.kind === 'pair') {
        expect(cards).toHaveLength(1);
        expect(oracle.differences(cards[0]!, i.question)).toEqual([]);
      }
      expect(unexpectedErrors(records)).toEqual([]);
    }),
    { numRuns: RUNS, seed: 20260101, endOnFailure: true },
  );
  const checked = oracle.compared;
  console.log(
    `fuzz: ${count} inputs through the bot (${kinds.text} utterances, ${kinds.pair} known pair questions, ${kinds.submit} card submits, ${kinds.invoke} card invokes), each answered exactly once; ` +
      `no generic error reply, no unexpected exception logged; verdict cards equal to the checker's: ${checked.pair} pair, ${checked.host} host, ${checked.scan} scan`,
  );
  expect(count).toBe(RUNS);
  // The comparison ran on every kind of verdict card, so a wrong verdict could not slip through unseen.
  expect(Math.min(checked.pair, checked.host, checked.scan)).toBeGreaterThan(0);
}, 120_000);
