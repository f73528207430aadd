/** Help and welcome cards, from the command registry's help entries. */
import { adaptiveCard, container, footer, plain, text } from './common';
import { clip, md, oneLine } from './markdown';
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
export function askButton(asked: string): CardAction {
  const question = clip(oneLine(asked), 300);
  return {
    type: 'Action.Submit',
    title: question.length > 60 ? `${question.slice(0, 59)}…` : question,
    data: { kcd: 'ask', text: question, msteams: { type: 'imBack', value: question } },
  };
}

function usageLines(e: CommandHelpEntry): string[] {
  return (typeof e.usage === 'string' ? [e.usage] : [...e.usage]).slice(0, 4).map((u) => clip(oneLine(u), 200));
}

function entryBlock(e: CommandHelpEntry): CardElement {
  const items: CardElement[] = [
    ...usageLines(e).map((u, i) => plain(u, { fontType: 'Monospace', weight: 'Bolder', spacing: i === 0 ? 'Default' : 'None' })),
    plain(clip(e.description, 600), { spacing: 'None' }),
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
    fallbackText: `kcd commands: ${shown.map((e) => usageLines(e)[0] ?? '').join('; ')}`,
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
      text(`Commands: ${entries.slice(0, MAX_ENTRIES).map((e) => md(usageLines(e)[0] ?? '', 80)).join(' · ')}`, { isSubtle: true, size: 'Small' }),
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
