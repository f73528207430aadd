/** `/kcd check <host>` and `/kcd check <source> <destination> [storage] [via <file-server>]…`. */
import { checkHost, checkPair } from '../../checker';
import { resolveHost } from '../../domain/names';
import { hostCard, pairCard, type CheckHostData, type CheckPairData } from '../../render/cards';
import type { PlanQuestion } from '../../apply/types';
import { defineCommand, FRESH_FLAG, type CommandContext } from '../command';

/** The "Request fix" token (or the note about a request already made) of a not-ready answer. */
async function fixParts(ctx: CommandContext, ready: boolean, question: PlanQuestion): Promise<{ requestFix?: string; fixNote?: string }> {
  if (ready) return {};
  if (ctx.fixNote) return { fixNote: ctx.fixNote };
  const token = ctx.fixRequest ? await ctx.fixRequest(question) : undefined;
  return token ? { requestFix: token } : {};
}

export type CheckRequest = (CheckPairData & { asker?: boolean }) | CheckHostData;

export const check = defineCommand<CheckRequest, 'check_pair' | 'check_host'>({
  id: 'check',
  aliases: ['host', 'pair', 'verify', 'chk'],
  arguments: [
    { name: 'source', required: true, kind: 'host', description: 'the host the VM runs on (alone: that host against all its peers, both directions)' },
    { name: 'destination', required: false, kind: 'host', description: 'the host it should move to' },
    {
      name: 'storage',
      required: false,
      kind: 'flag',
      field: 'storage',
      words: ['storage', 'includestorage', 'disks', 'vhds', 'vhdx', 'withstorage'],
      description: 'the move includes storage (cifs delegation is needed)',
    },
    { name: 'file-server', required: false, kind: 'keyword-host', keyword: 'via', repeatable: true, description: 'an SMB file server holding VM files or ISOs' },
    FRESH_FLAG,
  ],
  options: [{ name: 'as me', description: 'also check your own account (sensitive account, Protected Users)' }],
  description: 'Can a host live-migrate to another? One host: its readiness towards every peer, both ways.',
  examples: ['/kcd check gogo-3 gogo-4', '/kcd check gogo-3 to gogo-4 storage via fhost1', '/kcd check gogo-2', '/kcd check gogo-3 gogo-4 fresh'],
  intents: ['check_pair', 'check_host'],
  singleHostIntent: 'check_host',
  fillers: ['to', 'and', 'with', 'the', 'from', 'host', 'hosts', 'server', 'including', 'incl', 'plus', 'migrate', 'migration', 'live', 'ready', 'ok', '\u2192'],
  slow: true,
  request(parsed) {
    if (parsed.unresolved.length > 0) return undefined;
    if (parsed.intent === 'check_host') return parsed.host ? { kcd: 'check', host: parsed.host } : undefined;
    if (!parsed.source || !parsed.destination) return undefined;
    return { kcd: 'check', source: parsed.source, destination: parsed.destination, storage: parsed.storage, fileServers: parsed.fileServers, asker: parsed.asker };
  },
  async handle(request, ctx) {
    const snapshot = await ctx.snapshot();
    const fresh = ctx.options.fresh;
    if ('host' in request) {
      const report = checkHost(snapshot, resolveHost(snapshot, request.host), { group: ctx.migrationGroup });
      const fix = await fixParts(ctx, report.ready, { kind: 'host', host: report.host.name, storage: report.storage });
      return { card: hostCard(report, ctx.cardContext(snapshot, { fresh, ...fix })), summary: `host ${report.host.name}: ${report.ready ? 'ready' : 'not ready'}`, ready: report.ready };
    }
    const source = resolveHost(snapshot, request.source);
    const dest = resolveHost(snapshot, request.destination);
    const fileServers = request.fileServers.map((f) => resolveHost(snapshot, f));
    const { user, asker } = request.asker ? await ctx.askerAccount() : { user: undefined, asker: undefined };
    const report = checkPair(snapshot, source, dest, { storage: request.storage, fileServers, user });
    const question = { kind: 'pair' as const, source: source.name, destination: dest.name, storage: request.storage, fileServers: fileServers.map((f) => f.name) };
    const fix = await fixParts(ctx, report.ready, question);
    return {
      card: pairCard(report, ctx.cardContext(snapshot, { asker, fresh, ...fix })),
      summary: `check ${source.name} → ${dest.name}: ${report.ready ? 'ready' : 'not ready'}`,
      ready: report.ready,
    };
  },
});
