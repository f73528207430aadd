/** One host against its peers: a readiness table (both directions), findings by rule, the fix script. */
import type { Direction, HostReport, PeerReadiness } from '../../checker';
import { describeMigrationGroup } from '../../domain/migration-group';
import { summary } from '../text';
import { adaptiveCard, container, findingList, fitToBudget, fixRequestParts, fixScriptBlock, footer, plural, recheck, text } from './common';
import { md } from './markdown';
import { explainActions } from './pair';
import type { AdaptiveCard, CardContext, CardElement } from './types';

interface HostLimits {
  peerRows: number;
  perRule: number;
  withFix: boolean;
  scriptLines: number;
  maxRules?: number;
}

/**
 * The fixes are shown once, as the merged script ("All fixes"): per-finding PowerShell blocks made a demo
 * host's card about 5,900 px tall with near-identical blocks.
 */
const LADDER: readonly HostLimits[] = [
  { peerRows: 20, perRule: 3, withFix: false, scriptLines: 80 },
  { peerRows: 12, perRule: 2, withFix: false, scriptLines: 30 },
  { peerRows: 8, perRule: 1, withFix: false, scriptLines: 20 },
  { peerRows: 5, perRule: 1, withFix: false, scriptLines: 10, maxRules: 6 },
];

function cell(items: CardElement[]): CardElement {
  return { type: 'TableCell', items };
}

function directionCell(d: Direction): CardElement {
  return cell([
    d.ready
      ? text('✅ ready', { color: 'Good' })
      : text(`❌ ${d.blockers.map((b) => md(b)).join(', ')}`, { color: 'Attention' }),
  ]);
}

/** Peers with something not ready first, then the rest; each group in the checker's (name) order. */
function orderPeers(peers: readonly PeerReadiness[]): PeerReadiness[] {
  const bad = peers.filter((p) => !p.outbound.ready || !p.inbound.ready);
  return [...bad, ...peers.filter((p) => p.outbound.ready && p.inbound.ready)];
}

/** The readiness table (Adaptive Cards 1.5 Table): peer, host → peer, peer → host. */
export function peerTable(report: HostReport, maxRows: number): CardElement[] {
  const host = md(report.host.name);
  const shown = orderPeers(report.peers).slice(0, maxRows);
  const header = {
    type: 'TableRow',
    style: 'emphasis',
    cells: [cell([text('**Peer**')]), cell([text(`**${host} → peer**`)]), cell([text(`**peer → ${host}**`)])],
  };
  const rows = shown.map((p) => ({
    type: 'TableRow',
    cells: [cell([text(md(p.peer.name))]), directionCell(p.outbound), directionCell(p.inbound)],
  }));
  const out: CardElement[] = [
    { type: 'Table', columns: [{ width: 2 }, { width: 3 }, { width: 3 }], rows: [header, ...rows], showGridLines: true, spacing: 'Medium' },
  ];
  const hidden = report.peers.length - shown.length;
  if (hidden > 0) {
    const hiddenReady = report.peers.filter((p) => p.outbound.ready && p.inbound.ready).length - shown.filter((p) => p.outbound.ready && p.inbound.ready).length;
    out.push(
      text(`… and ${plural(hidden, 'more peer')}: ${hiddenReady} ready both ways, ${hidden - hiddenReady} not.`, {
        isSubtle: true,
        spacing: 'Small',
      }),
    );
  }
  return out;
}

function build(report: HostReport, ctx: CardContext, limits: HostLimits): AdaptiveCard {
  const name = report.host.name;
  const outboundReady = report.peers.filter((p) => p.outbound.ready).length;
  const inboundReady = report.peers.filter((p) => p.inbound.ready).length;
  const headline = container(
    [
      text(`${report.ready ? '✅' : '❌'} **${md(name)}**: ${report.ready ? 'READY' : 'NOT READY'}`, {
        size: 'Large',
        weight: 'Bolder',
        color: report.ready ? 'Good' : 'Attention',
      }),
      text(
        report.peers.length === 0
          ? 'No other Hyper-V host is in its migration group.'
          : `Can migrate to ${outboundReady} of ${plural(report.peers.length, 'peer')}; ${inboundReady} can migrate to it.`,
        { spacing: 'Small' },
      ),
      text(`${md(describeMigrationGroup(report.group), 300)} · ${report.storage ? 'with storage (cifs)' : 'VM only'} · ${summary(report.findings)}`, {
        isSubtle: true,
        size: 'Small',
        spacing: 'None',
      }),
    ],
    { style: report.ready ? 'good' : 'attention', bleed: true },
  );
  const fix = fixRequestParts(report.ready, ctx);
  const body: CardElement[] = [headline, ...fix.notes];
  if (report.peers.length > 0) body.push(...peerTable(report, limits.peerRows));
  if (report.findings.length === 0) body.push(text('Nothing to fix in AD for this host.', { spacing: 'Medium' }));
  body.push(
    ...findingList(report.findings, {
      perRule: limits.perRule,
      maxRules: limits.maxRules,
      withFix: limits.withFix,
      whyOnce: true,
    }),
    ...fixScriptBlock(report.findings, { maxLines: limits.scriptLines, fullScriptHint: `kcd host ${name}` }),
    footer(ctx),
  );
  const errorRules = [...new Set(report.findings.filter((f) => f.severity === 'error').map((f) => f.rule))];
  return adaptiveCard(body, {
    actions: [...fix.actions, recheck('Re-check', { kcd: 'check', host: name }), ...explainActions(errorRules)],
    fallbackText: `${name}: ${report.ready ? 'READY' : `NOT READY (${errorRules.join(', ')})`} with ${report.peers.length} peer(s)`,
    fullWidth: true,
  });
}

/** The card for a host question; large groups show the not-ready peers first and count the rest. */
export function hostCard(report: HostReport, ctx: CardContext): AdaptiveCard {
  return fitToBudget((limits) => build(report, ctx, limits), LADDER);
}
