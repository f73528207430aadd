/** Help and welcome cards, from the command registry's help entries. */
import { adaptiveCard, container, footer, plain, text } from './common';
import { md } from './markdown';
import type { AdaptiveCard, CardAction, CardContext, CardElement, CommandHelpEntry } from './types';

const MAX_ENTRIES = 20;
const MAX_EXAMPLES = 4;

/** Example questions for the welcome card (the demo directory's hosts, from the source article). */
export const WELCOME_QUESTIONS: readonly string[] = [
  'can gogo-3 migrate to gogo-4?',
  "what's wrong with gogo-2?",
  'which hosts are misconfigured?',
];

/** A button that asks `question` as if typed: Teams posts it as the user's message (imBack). */
export function askButton(question: string): CardAction {
  return {
    type: 'Action.Submit',
    title: question.length > 60 ? `${question.slice(0, 59)}…` : question,
    data: { kcd: 'ask', text: question, msteams: { type: 'imBack', value: question } },
  };
}

function entryBlock(e: CommandHelpEntry): CardElement {
  const items: CardElement[] = [
    plain(e.usage, { fontType: 'Monospace', weight: 'Bolder' }),
    plain(e.description, { spacing: 'None' }),
  ];
  const examples = e.examples.slice(0, MAX_EXAMPLES);
  if (examples.length > 0) {
    items.push(text(`e.g. ${examples.map((x) => md(x, 120)).join(' · ')}`, { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
  return container(items, { spacing: 'Medium' });
}

export function helpCard(entries: readonly CommandHelpEntry[], ctx: CardContext): AdaptiveCard {
  const shown = entries.slice(0, MAX_ENTRIES);
  const body: CardElement[] = [
    text('kcd: can this Hyper-V host live-migrate to that one?', { size: 'Large', weight: 'Bolder' }),
    text(
      'I check Kerberos constrained delegation in Active Directory and tell you what is wrong, why, and the PowerShell that fixes it. Use a command, or just ask in plain English.',
      { spacing: 'Small' },
    ),
    ...shown.map(entryBlock),
  ];
  if (entries.length > shown.length) body.push(text(`… and ${entries.length - shown.length} more commands.`, { isSubtle: true }));
  body.push(footer(ctx));
  return adaptiveCard(body, {
    actions: WELCOME_QUESTIONS.map(askButton),
    fallbackText: `kcd commands: ${shown.map((e) => e.usage).join('; ')}`,
  });
}

/** Sent when the app is installed: a short intro, the commands in one line, three example questions. */
export function welcomeCard(
  entries: readonly CommandHelpEntry[],
  ctx: CardContext,
  questions: readonly string[] = WELCOME_QUESTIONS,
): AdaptiveCard {
  const body: CardElement[] = [
    text('👋 Hi, I\'m kcd', { size: 'Large', weight: 'Bolder' }),
    text(
      'Ask me whether one Hyper-V host can live-migrate to another. I read Kerberos constrained delegation from Active Directory and answer with what is wrong, why, and the PowerShell that fixes it.',
      { spacing: 'Small' },
    ),
  ];
  if (entries.length > 0) {
    body.push(
      text(`Commands: ${entries.slice(0, MAX_ENTRIES).map((e) => md(e.usage, 80)).join(' · ')}`, { isSubtle: true, size: 'Small' }),
    );
  }
  body.push(
    text('Try one of these:', { spacing: 'Medium' }),
    { type: 'ActionSet', actions: questions.slice(0, 3).map(askButton) },
    footer(ctx),
  );
  return adaptiveCard(body, {
    fallbackText: `Hi, I'm kcd. Try: ${questions.slice(0, 3).join(' / ')}`,
  });
}
