/** "Can SOURCE live-migrate to DEST?" as a card: verdict, findings with their PowerShell, all fixes, host checklist. */
import type { PairReport } from '../../checker';
import type { User } from '../../domain/model';
import { summary } from '../text';
import {
  adaptiveCard,
  codeBlock,
  container,
  findingList,
  fitToBudget,
  fixRequestParts,
  fixScriptBlock,
  footer,
  recheck,
  submit,
  text,
} from './common';
import { TOPICS } from '../../domain/topics';
import { RULE_TOPICS } from './explain';
import { psName } from '../../fixes/powershell';
import { md, oneLine } from './markdown';
import type { AdaptiveCard, CardAction, CardContext, CardElement, CheckPairData } from './types';

interface PairLimits {
  perRule: number;
  withFix: boolean;
  scriptLines: number;
  maxRules?: number;
}

const LADDER: readonly PairLimits[] = [
  { perRule: 5, withFix: true, scriptLines: 60 },
  { perRule: 3, withFix: true, scriptLines: 40 },
  { perRule: 2, withFix: false, scriptLines: 30 },
  { perRule: 1, withFix: false, scriptLines: 12, maxRules: 8 },
];

export function pairData(report: PairReport): CheckPairData {
  return {
    kcd: 'check',
    source: report.source.name,
    destination: report.destination.name,
    storage: report.storage,
    fileServers: report.fileServers.map((f) => f.name),
  };
}

/** Whose account the verdict covers: the card must say whether the asker was checked. */
export function askerLine(user: User | undefined, asker: CardContext['asker']): string {
  if (asker?.checked) {
    const name = asker.name ?? user?.userPrincipalName ?? user?.samAccountName;
    return name ? `Checked as ${md(name, 120)}` : 'Your account was checked.';
  }
  if (asker && !asker.checked) return md(asker.note ?? 'Your account was not found in AD: not checked.', 300);
  if (user) return `Checked as ${md(user.userPrincipalName ?? user.samAccountName, 120)}`;
  return 'The account that starts the migration was not checked.';
}

/** What AD cannot tell: the Hyper-V side of a migration, as commands to run on both hosts. */
function hostChecklist(source: string, dest: string): CardElement[] {
  const script = [
    `# On both ${oneLine(source)} and ${oneLine(dest)}:`,
    'Enable-VMMigration',
    'Set-VMHost -VirtualMachineMigrationAuthenticationType Kerberos',
    'Set-VMMigrationNetwork <migration subnet, e.g. 10.0.50.0/24>',
    `# From ${oneLine(source)}: TCP 6600 must be open to ${oneLine(dest)}`,
    `Test-NetConnection -ComputerName ${psName(dest)} -Port 6600`,
    '# Kerberos, not CredSSP: Credential Guard (on by default on Windows Server 2025) makes CredSSP moves fail',
  ].join('\n');
  return [
    text('**On the hosts** (not in AD, so not checked here)', { separator: true, spacing: 'Medium' }),
    codeBlock(script),
  ];
}

/** Up to two "Explain" buttons for the topics behind the most serious findings. */
export function explainActions(rules: readonly string[], limit = 2): CardAction[] {
  const topics = [...new Set(rules.map((r) => RULE_TOPICS[r]).filter((t) => t !== undefined))].slice(0, limit);
  return topics.map((id) => submit(`Explain: ${TOPICS.find((t) => t.id === id)?.short ?? id}`, { kcd: 'explain', topic: id }));
}

function build(report: PairReport, ctx: CardContext, limits: PairLimits): AdaptiveCard {
  const src = report.source.name;
  const dst = report.destination.name;
  const errorRules = [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
  const details = [
    report.storage ? 'with storage (cifs)' : 'VM only (no storage move)',
    ...(report.fileServers.length > 0
      ? [
          `VM files on ${report.fileServers
            .slice(0, 5)
            .map((f) => md(f.name))
            .join(', ')}${report.fileServers.length > 5 ? ` and ${report.fileServers.length - 5} more` : ''}`,
        ]
      : []),
  ];
  const headline = container(
    [
      text(report.ready ? '✅ READY' : '❌ NOT READY', { size: 'Large', weight: 'Bolder', color: report.ready ? 'Good' : 'Attention' }),
      text(`Can **${md(src)}** live-migrate to **${md(dst)}**? ${report.ready ? 'Yes, as far as AD is concerned.' : 'Not yet.'}`, {
        spacing: 'Small',
      }),
      text(`${details.join(' · ')} · ${summary(report.findings)}`, { isSubtle: true, size: 'Small', spacing: 'None' }),
    ],
    { style: report.ready ? 'good' : 'attention', bleed: true },
  );
  const fix = fixRequestParts(report.ready, ctx);
  const body: CardElement[] = [headline, ...fix.notes];
  if (report.findings.length === 0) body.push(text('Nothing to fix in AD for this pair.', { spacing: 'Medium' }));
  body.push(
    ...findingList(report.findings, {
      perRule: limits.perRule,
      maxRules: limits.maxRules,
      withFix: limits.withFix,
    }),
    ...fixScriptBlock(report.findings, {
      purgeOn: [src],
      maxLines: limits.scriptLines,
      fullScriptHint: `kcd check ${src} ${dst}${report.storage ? ' --storage' : ''}`,
    }),
    ...hostChecklist(src, dst),
    footer(ctx, [askerLine(report.user, ctx.asker)]),
  );
  const data = pairData(report);
  const actions: CardAction[] = [
    ...fix.actions,
    recheck('Re-check', data),
    submit(`Check ${dst} → ${src}`, { ...data, source: dst, destination: src }),
    ...explainActions(errorRules.length > 0 ? errorRules : report.findings.map((f) => f.rule)),
  ];
  return adaptiveCard(body, {
    actions,
    fallbackText: `${src} → ${dst}: ${report.ready ? 'READY' : `NOT READY (${errorRules.join(', ')})`}`,
    fullWidth: true,
  });
}

/** The card for a pair question; long finding lists are grouped by rule and cut to fit the size budget. */
export function pairCard(report: PairReport, ctx: CardContext): AdaptiveCard {
  return fitToBudget((limits) => build(report, ctx, limits), LADDER);
}
