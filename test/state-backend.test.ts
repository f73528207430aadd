/**
 * Two bot processes (`node dist/src/main.js`) sharing one Azurite container, as two replicas behind a load
 * balancer: a subscription made through A is listed by B; a question started on A (the destination asked
 * for) is finished on B; with the storage down both still answer questions, subscription commands say the
 * state is unavailable, and everything is back when the storage is.
 */
import { Azurite } from './support/azurite';
import { TalkingBot, replyText } from './support/talking-bot';
import { LocalConnector } from './support/connector';

jest.setTimeout(240_000);

let azurite: Azurite;
let connector: LocalConnector;
let a: TalkingBot;
let b: TalkingBot;

beforeAll(async () => {
  azurite = await Azurite.start();
  connector = await new LocalConnector().start();
  const env = {
    KCD_STATE_STORE: 'azure-blob',
    AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    KCD_STATE_CONTAINER: 'kcd-two-bots',
    KCD_SCHEDULER_ENABLED: 'false',
  };
  [a, b] = await Promise.all([TalkingBot.start('A', env), TalkingBot.start('B', env)]);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await connector?.stop();
  await azurite?.dispose();
});

test('a subscription made through A is listed by B, and stopped through B', async () => {
  expect(replyText(await a.ask(connector, '/kcd subscribe 07:30 Europe/Berlin', 'conv-sub'))).toContain('This chat will get the daily summary');
  const listed = replyText(await b.ask(connector, '/kcd subscriptions', 'conv-sub'));
  expect(listed).toContain('This chat gets the daily summary');
  expect(listed).toContain('07:30 (Europe/Berlin)');
  expect(replyText(await b.ask(connector, '/kcd unsubscribe', 'conv-sub'))).toContain('Daily summary stopped');
  expect(replyText(await a.ask(connector, '/kcd subscriptions', 'conv-sub'))).toContain('This chat has no daily summary');
});

test('a question started on A (which destination?) is finished on B', async () => {
  const prompt = replyText(await a.ask(connector, 'can I move VMs from gogo-3?', 'conv-dialog'));
  expect(prompt).toContain('to which host');
  const answer = replyText(await b.ask(connector, 'GOGO-4', 'conv-dialog'));
  expect(answer).toContain('KCD001');
  expect(answer).toContain('GOGO-3');
});

test('storage down: questions are still answered, subscription commands say the state is unavailable; back up: nothing lost', async () => {
  await a.ask(connector, '/kcd subscribe 06:00 UTC', 'conv-outage');
  await azurite.stop();
  try {
    for (const bot of [a, b]) {
      expect(replyText(await bot.ask(connector, 'can gogo-3 migrate to gogo-4?', `conv-q-${bot.name}`))).toContain('KCD001');
      const refused = replyText(await bot.ask(connector, '/kcd subscriptions', 'conv-outage'));
      expect(refused).toMatch(/state \(azure-blob:devstoreaccount1\/kcd-two-bots\) cannot be used/);
      expect(refused).toContain('Questions are still answered meanwhile');
      expect(refused).not.toMatch(/AccountKey|Eby8vdM0/);
    }
    // A dialog during the outage: the open question is forgotten, the answer that names both hosts still works.
    expect(replyText(await a.ask(connector, 'can I move VMs from gogo-3?', 'conv-outage-dialog'))).toContain('to which host');
  } finally {
    await azurite.restart();
  }
  const back = replyText(await b.ask(connector, '/kcd subscriptions', 'conv-outage'));
  expect(back).toContain('This chat gets the daily summary');
  expect(back).toContain('06:00 (UTC)');
  // Dialog state is shared again (the dialog storage made during the outage was replaced).
  expect(replyText(await a.ask(connector, 'can I move VMs from gogo-3?', 'conv-after'))).toContain('to which host');
  expect(replyText(await b.ask(connector, 'GOGO-4', 'conv-after'))).toContain('KCD001');
  expect(a.exited).toBeUndefined();
  expect(b.exited).toBeUndefined();
});

test('Azurite stopped and restarted under load: every question is answered, none with an error, and the state works after', async () => {
  const conversations = Array.from({ length: 6 }, (_, i) => `conv-load-${i}`);
  const answered: string[] = [];
  let stopAt = 0;
  const load = Promise.all(
    conversations.map(async (conversation, i) => {
      for (let q = 0; q < 8; q++) {
        const bot = (i + q) % 2 === 0 ? a : b;
        answered.push(replyText(await bot.ask(connector, 'can gogo-3 migrate to gogo-4?', conversation)));
        if (q === 2 && i === 0) stopAt = answered.length;
      }
    }),
  );
  // Out for a while in the middle of the run, then back.
  while (stopAt === 0) await new Promise((r) => setTimeout(r, 20));
  await azurite.stop();
  await new Promise((r) => setTimeout(r, 1_500));
  await azurite.restart();
  await load;
  expect(answered).toHaveLength(48);
  for (const text of answered) {
    expect(text).toContain('KCD001');
    expect(text).not.toMatch(/Something went wrong/i);
  }
  expect(replyText(await a.ask(connector, '/kcd subscribe 05:00 UTC', 'conv-after-load'))).toContain('This chat will get the daily summary');
  expect(replyText(await b.ask(connector, '/kcd subscriptions', 'conv-after-load'))).toContain('05:00 (UTC)');
});
