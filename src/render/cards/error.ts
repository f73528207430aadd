/**
 * Errors as cards: one per kind of KcdError, and a generic one for anything else. Cards never show a
 * stack trace, and text that could carry a secret (URLs with credentials, "password=…") is redacted.
 */
import {
  ConfigError,
  DirectoryUnavailableError,
  InputError,
  KcdError,
  SnapshotFileError,
  UnknownHostError,
  UnknownUserError,
} from '../../domain/errors';
import { redactSecrets } from '../../redaction';
import { adaptiveCard, container, footer, submit, text } from './common';
import { md } from './markdown';
import type { AdaptiveCard, CardAction, CardContext, CardElement, CheckHostData, CheckPairData } from './types';

/** Untrusted error text for a card: redacted, one line, capped, markdown-escaped. */
function safe(value: string, max = 400): string {
  return md(redactSecrets(value), max);
}

function title(icon: string, words: string): CardElement {
  return text(`${icon} ${words}`, { size: 'Large', weight: 'Bolder', color: 'Attention' });
}

/** The question with `wrong` replaced by `suggestion` wherever it was used; a host question otherwise. */
export function withSuggestion(question: CheckPairData | CheckHostData | undefined, wrong: string, suggestion: string): CheckPairData | CheckHostData {
  const same = (x: string) => x.trim().toLowerCase() === wrong.trim().toLowerCase();
  if (question && 'source' in question) {
    const fixed: CheckPairData = {
      ...question,
      source: same(question.source) ? suggestion : question.source,
      destination: same(question.destination) ? suggestion : question.destination,
      fileServers: question.fileServers.map((f) => (same(f) ? suggestion : f)),
    };
    const changed = fixed.source !== question.source || fixed.destination !== question.destination || fixed.fileServers.some((f, i) => f !== question.fileServers[i]);
    if (changed) return fixed;
  }
  return { kcd: 'check', host: suggestion };
}

function unknownHost(e: UnknownHostError, ctx: CardContext, question?: CheckPairData | CheckHostData): AdaptiveCard {
  const body: CardElement[] = [
    title('🔎', 'I can\'t find that host'),
    text(`There is no computer named "${safe(e.hostName, 80)}" in the ${safe(ctx.directoryLabel, 120)}.`),
  ];
  const suggestions: CardAction[] = e.suggestions.slice(0, 5).map((s) => submit(s, withSuggestion(question, e.hostName, s)));
  if (suggestions.length > 0) {
    body.push(text('Did you mean one of these?', { spacing: 'Medium' }), { type: 'ActionSet', actions: suggestions });
  }
  body.push(text(safe(e.remediation), { isSubtle: true, size: 'Small' }), footer(ctx));
  return adaptiveCard(body, { fallbackText: redactSecrets(e.message) });
}

function unknownUser(e: UnknownUserError, ctx: CardContext): AdaptiveCard {
  const body: CardElement[] = [
    title('🔎', 'I can\'t find that user'),
    text(`There is no user "${safe(e.userName, 80)}" in the ${safe(ctx.directoryLabel, 120)}.`),
  ];
  if (e.suggestions.length > 0) body.push(text(`Did you mean ${e.suggestions.slice(0, 5).map((s) => `**${safe(s, 80)}**`).join(', ')}?`));
  body.push(text(safe(e.remediation), { isSubtle: true, size: 'Small' }), footer(ctx));
  return adaptiveCard(body, { fallbackText: redactSecrets(e.message) });
}

function directoryUnavailable(e: DirectoryUnavailableError, ctx: CardContext, question?: CheckPairData | CheckHostData): AdaptiveCard {
  const body: CardElement[] = [
    title('⚠️', 'I can\'t read Active Directory right now'),
    text('Nothing was checked, so I can\'t say whether the hosts are ready.'),
    {
      type: 'FactSet',
      facts: [
        { title: 'Directory', value: safe(e.url, 200) },
        { title: 'What failed', value: safe(e.reason) },
      ],
    },
    text('**What to check**', { spacing: 'Medium' }),
    text(safe(e.remediation, 600), { spacing: 'Small' }),
    footer(ctx),
  ];
  return adaptiveCard(body, {
    actions: question ? [submit('Try again', question)] : [],
    fallbackText: `Cannot read the directory at ${redactSecrets(e.url)}`,
  });
}

function configProblem(e: ConfigError, ctx: CardContext): AdaptiveCard {
  const problems = e.problems.slice(0, 15);
  const body: CardElement[] = [
    title('🛠️', 'The bot is not configured correctly'),
    text('An administrator of this bot needs to fix its settings:'),
    container(problems.map((p) => text(`• ${safe(p, 300)}`, { spacing: 'None' })), { spacing: 'Small' }),
  ];
  if (e.problems.length > problems.length) body.push(text(`… and ${e.problems.length - problems.length} more.`, { isSubtle: true }));
  body.push(text(safe(e.remediation), { isSubtle: true, size: 'Small' }), footer(ctx));
  return adaptiveCard(body, { fallbackText: 'The bot is not configured correctly.' });
}

function badInput(e: InputError, ctx: CardContext): AdaptiveCard {
  const heading = e instanceof SnapshotFileError ? 'I can\'t use that snapshot file' : 'I couldn\'t use that request';
  const body: CardElement[] = [
    title('✋', heading),
    text(safe(e.message, 600)),
    text(safe(e.remediation, 600), { isSubtle: true, spacing: 'Small' }),
    footer(ctx),
  ];
  return adaptiveCard(body, { actions: [submit('Show help', { kcd: 'help' })], fallbackText: redactSecrets(e.message) });
}

function unexpected(ctx: CardContext): AdaptiveCard {
  const body: CardElement[] = [
    title('😕', 'Something went wrong'),
    text('I couldn\'t answer that one. Nothing was changed in Active Directory: I only read it. Please try again in a moment.'),
  ];
  if (ctx.correlationId) {
    body.push(text(`If it keeps happening, give the bot's administrator this reference: **${md(ctx.correlationId, 80)}**`, { isSubtle: true }));
  }
  body.push(footer(ctx));
  return adaptiveCard(body, {
    actions: [submit('Show help', { kcd: 'help' })],
    fallbackText: `Something went wrong${ctx.correlationId ? ` (reference ${ctx.correlationId})` : ''}.`,
  });
}

/**
 * Any error as a card. `question` (optional) is the check that failed: "did you mean" buttons then repeat
 * it with the suggested name, and "Try again" repeats it as is.
 */
export function errorCard(error: unknown, ctx: CardContext, question?: CheckPairData | CheckHostData): AdaptiveCard {
  if (error instanceof UnknownHostError) return unknownHost(error, ctx, question);
  if (error instanceof UnknownUserError) return unknownUser(error, ctx);
  if (error instanceof DirectoryUnavailableError) return directoryUnavailable(error, ctx, question);
  if (error instanceof ConfigError) return configProblem(error, ctx);
  if (error instanceof InputError) return badInput(error, ctx);
  if (error instanceof KcdError) {
    // A kind added later: its message and remediation are written for people; still no stack.
    return adaptiveCard(
      [title('⚠️', 'I couldn\'t answer that'), text(safe(error.message, 600)), text(safe(error.remediation, 600), { isSubtle: true }), footer(ctx)],
      { fallbackText: redactSecrets(error.message) },
    );
  }
  return unexpected(ctx);
}
