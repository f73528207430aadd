/** `/kcd audit`: the last audit records as a table — when, what, which plan, who, and what changed. */
import type { AuditRecord, ObjectOutcome } from '../../apply/types';
import { adaptiveCard, footer, formatTakenAt, text } from './common';
import { clip, md, oneLine } from './markdown';
import type { AdaptiveCard, CardContext, CardElement } from './types';

const EVENT_LABEL: Record<AuditRecord['event'], string> = {
  requested: '🕒 requested',
  approved: '👍 approved',
  rejected: '🚫 rejected',
  expired: '⌛ expired',
  written: '✅ written',
  'write-failed': '❌ write failed',
  stale: '⚠️ not written (AD changed)',
  refused: '⛔ refused',
};

/** "GOGO-3: msDS-AllowedToDelegateTo +cifs/GOGO-4 …" from before/after values. */
function changes(objects: readonly ObjectOutcome[] | undefined): string {
  if (!objects || objects.length === 0) return '';
  return objects
    .map((o) => {
      const parts = Object.keys({ ...o.before, ...o.after }).map((attribute) => {
        const before = new Set((o.before[attribute as keyof typeof o.before] ?? []).map((v) => v.toLowerCase()));
        const after = o.after[attribute as keyof typeof o.after] ?? [];
        const added = after.filter((v) => !before.has(v.toLowerCase()));
        const afterSet = new Set(after.map((v) => v.toLowerCase()));
        const removed = (o.before[attribute as keyof typeof o.before] ?? []).filter((v) => !afterSet.has(v.toLowerCase()));
        return `${attribute} ${[...added.map((v) => `+${v}`), ...removed.map((v) => `-${v}`)].join(' ') || 'unchanged'}`;
      });
      return `${o.dn.replace(/^CN=([^,]+),.*$/i, '$1')} (${o.status}): ${parts.join('; ')}`;
    })
    .join(' · ');
}

function cell(value: string, options: Record<string, unknown> = {}) {
  return { type: 'TableCell', items: [text(value, { size: 'Small', spacing: 'None', ...options })] };
}

export function auditCard(records: readonly AuditRecord[], asked: number, ctx: CardContext): AdaptiveCard {
  const body: CardElement[] = [text(`Audit log: the last ${records.length === asked ? asked : `${records.length} (of ${asked} asked)`} records`, { size: 'Large', weight: 'Bolder' })];
  if (records.length === 0) body.push(text('Nothing yet: no fix has been requested through the bot.', { spacing: 'Small' }));
  else {
    const header = { type: 'TableRow', style: 'accent', cells: ['When', 'What', 'Plan', 'Who', 'Detail'].map((h) => cell(`**${h}**`)) };
    const rows = [...records].reverse().map((r) => ({
      type: 'TableRow',
      cells: [
        cell(formatTakenAt(r.at) ?? md(r.at)),
        cell(EVENT_LABEL[r.event] ?? md(r.event)),
        cell(md(r.planId ?? '—')),
        cell(md(r.actor?.name ?? r.actor?.upn ?? r.actor?.aadObjectId ?? (r.actor?.via === 'cli' ? 'command line' : '—'), 80)),
        cell(md(clip(oneLine([r.detail ?? '', changes(r.objects)].filter((x) => x).join(' · ')), 400))),
      ],
    }));
    body.push({ type: 'Table', columns: [{ width: 2 }, { width: 2 }, { width: 2 }, { width: 2 }, { width: 5 }], rows: [header, ...rows], showGridLines: true, spacing: 'Medium' });
  }
  body.push(footer(ctx, ['Newest first. The whole log: audit.jsonl in KCD_STATE_DIR (one JSON record per line).']));
  return adaptiveCard(body, { fallbackText: `Audit log: ${records.length} records`, fullWidth: true });
}
