/**
 * A pasted failure, answered: what each code and event means, whether AD explains it (the rule ids of the
 * pair's findings) or where else to look, hosts the directory does not know, then the pair's own card.
 */
import type { Diagnosis } from '../../diagnose/diagnose';
import { notExplained } from '../diagnose';
import { hostCard } from './host';
import { adaptiveCard, container, footer, submit, text } from './common';
import { md } from './markdown';
import { pairCard } from './pair';
import type { AdaptiveCard, CardAction, CardContext, CardElement } from './types';

function causeElements(d: Diagnosis): CardElement[] {
  if (d.causes.length === 0) return [text('No error code or event id in what you pasted: the pair check below is all there is.', { isSubtle: true })];
  return d.causes.map((c) => {
    const what = c.code !== undefined ? md(c.code) : `event ${c.event}`;
    const items: CardElement[] = [text(`**${what}**: ${md(c.meaning, 400)}`, { spacing: 'Small' })];
    if (c.explainedBy.length > 0) items.push(text(`**AD explains it: ${c.explainedBy.join(', ')}** (below)`, { color: 'Attention', spacing: 'None' }));
    else if (c.known) {
      items.push(text(`${md(notExplained(d), 120)}. Look here:`, { spacing: 'None', isSubtle: true }));
      for (const n of c.notInAd) items.push(text(`• ${md(n, 400)}`, { spacing: 'None' }));
    }
    return container(items, { spacing: 'Small' });
  });
}

export function diagnosisCard(d: Diagnosis, ctx: CardContext): AdaptiveCard {
  const route = `${md(d.facts.source ?? '(source not named)', 80)} → ${md(d.facts.destination ?? '(destination not named)', 80)}`;
  const body: CardElement[] = [
    text('What the failure says', { size: 'Large', weight: 'Bolder' }),
    text(`Read from your paste: ${route}${d.facts.storage ? ', with storage' : ''}${d.facts.fileServers.length > 0 ? `, files on ${md(d.facts.fileServers.join(', '), 200)}` : ''}`, { isSubtle: true }),
    ...causeElements(d),
  ];
  const actions: CardAction[] = [];
  for (const u of d.unknown) {
    body.push(text(`I can't find the ${u.role} **${md(u.name, 80)}** in the directory${u.suggestions.length > 0 ? `; did you mean ${u.suggestions.map((s) => md(s, 80)).join(', ')}?` : '.'}`, { color: 'Warning' }));
  }
  if (d.missing.length > 0 && d.unknown.length === 0) {
    body.push(text(`No pair check: your paste does not name ${d.missing.map((m) => md(m)).join(' or ')}. Ask "/kcd check <source> <destination>".`, { isSubtle: true }));
  }
  if (d.facts.source && d.facts.destination && d.unknown.length > 0) {
    const source = d.unknown.find((u) => u.role === 'source')?.suggestions[0] ?? d.facts.source;
    const destination = d.unknown.find((u) => u.role === 'destination')?.suggestions[0] ?? d.facts.destination;
    actions.push(submit(`Check ${source} → ${destination}`, { kcd: 'check', source, destination, storage: d.facts.storage, fileServers: [] }));
  }
  const checked = d.report ? pairCard(d.report, ctx) : d.hostReport ? hostCard(d.hostReport, ctx) : undefined;
  if (!checked) {
    body.push(footer(ctx));
    return adaptiveCard(body, { actions, fallbackText: `Diagnosis: ${d.causes.map((c) => c.code ?? `event ${c.event}`).join(', ') || 'no code'}` });
  }
  if (d.hostReport) body.push(text(`Your paste names one host: **${md(d.hostReport.host.name, 80)}**, checked against its migration group below.`, { isSubtle: true }));
  return adaptiveCard([...body, container(checked.body, { separator: true, spacing: 'Large' })], {
    actions: [...(checked.actions ?? []), ...actions],
    fallbackText: `Diagnosis: ${d.causes.map((c) => c.code ?? `event ${c.event}`).join(', ') || 'no code'}; ${checked.fallbackText ?? ''}`,
  });
}
