/**
 * Fuzz: 10,000 generated utterances, Action.Submit payloads and Action.Execute invokes (random text, unicode,
 * control characters, hostile LDAP strings, very long input, wrong JSON types) through the bot on one shared
 * TestAdapter conversation. Every message gets exactly one reply message (typing indicators don't count),
 * every invoke exactly one invoke response and no message; nothing throws.
 */
import fc from 'fast-check';
import type { Activity } from 'botbuilder';
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

type Input = { kind: 'text'; text: string } | { kind: 'submit'; value: unknown; text?: string } | { kind: 'invoke'; data: unknown };

const input: fc.Arbitrary<Input> = fc.oneof(
  { weight: 5, arbitrary: utterance.map((text) => ({ kind: 'text' as const, text })) },
  { weight: 3, arbitrary: fc.tuple(payload, fc.constantFrom(undefined, '', '  ')).map(([value, text]) => ({ kind: 'submit' as const, value, ...(text !== undefined ? { text } : {}) })) },
  { weight: 2, arbitrary: payload.map((data) => ({ kind: 'invoke' as const, data })) },
);

function activityOf(i: Input): Partial<Activity> {
  switch (i.kind) {
    case 'text':
      return { type: 'message', text: i.text };
    case 'submit':
      return { type: 'message', value: i.value, ...(i.text !== undefined ? { text: i.text } : {}) };
    case 'invoke':
      return { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'recheck', data: i.data } } };
  }
}

test(`fuzz: ${RUNS} hostile inputs, each gets exactly one reply`, async () => {
  const c = conversation({ rateLimit: false });
  let count = 0;
  const kinds = { text: 0, submit: 0, invoke: 0 };
  await fc.assert(
    fc.asyncProperty(input, async (i) => {
      const replies = await c.say(activityOf(i));
      count++;
      kinds[i.kind]++;
      const messages = replies.filter((r) => r.type === 'message');
      const invokeResponses = replies.filter((r) => r.type === 'invokeResponse');
      if (i.kind === 'invoke') {
        expect(messages).toHaveLength(0);
        expect(invokeResponses).toHaveLength(1);
        const body = (invokeResponses[0]!.value as { status: number; body: { value: unknown } }).body;
        expect(typeof body.value).toBe('object');
      } else {
        expect(messages).toHaveLength(1);
        expect(invokeResponses).toHaveLength(0);
      }
    }),
    { numRuns: RUNS, seed: 20260101, endOnFailure: true },
  );
  console.log(`fuzz: ${count} inputs through the bot (${kinds.text} utterances, ${kinds.submit} card submits, ${kinds.invoke} card invokes), each answered exactly once`);
  expect(count).toBe(RUNS);
}, 120_000);
