/** A diagnosis (src/diagnose/) as `kcd diagnose --json` prints it, and as text. */
import type { Diagnosis } from '../diagnose/diagnose';
import { hostJson, pairJson } from './json';
import { hostText, pairText } from './text';

export function diagnosisJson(d: Diagnosis, directory: string) {
  return {
    source: d.report?.source.name ?? d.facts.source ?? null,
    destination: d.report?.destination.name ?? d.facts.destination ?? null,
    storage: d.facts.storage,
    fileServers: d.facts.fileServers,
    codes: d.facts.codes,
    events: d.facts.events,
    causes: d.causes.map((c) => ({
      ...(c.code !== undefined ? { code: c.code } : { event: c.event }),
      known: c.known,
      meaning: c.meaning,
      explainedBy: c.explainedBy,
      notInAd: c.explainedBy.length > 0 ? [] : c.notInAd,
    })),
    ...(d.unknown.length > 0 ? { unknown: d.unknown } : {}),
    ...(d.missing.length > 0 ? { missing: d.missing } : {}),
    check: d.report ? pairJson(d.report, directory) : null,
    // One host named and no pair: the object `kcd host --json` prints for it.
    ...(d.hostReport ? { host: hostJson(d.hostReport, directory) } : {}),
  };
}

/** Why the "look here" list is shown: what was checked and found no rule to blame. */
export function notExplained(d: Diagnosis): string {
  if (d.report) return 'AD does not explain it for this pair';
  if (d.hostReport) return `AD does not explain it for ${d.hostReport.host.name}`;
  return 'Outside AD';
}

function causeLines(d: Diagnosis): string[] {
  if (d.causes.length === 0) return ['No error code or event id in the text: the pair check below is all there is.'];
  return d.causes.flatMap((c) => {
    const what = c.code !== undefined ? c.code : `event ${c.event}`;
    const lines = [`${what}: ${c.meaning}`];
    if (c.explainedBy.length > 0) lines.push(`    AD explains it: ${c.explainedBy.join(', ')} (below).`);
    else if (c.known) {
      lines.push(`    ${notExplained(d)}; look here:`);
      for (const n of c.notInAd) lines.push(`    - ${n}`);
    }
    return lines;
  });
}

export function diagnosisText(d: Diagnosis, directory: string): string {
  const hosts = `${d.facts.source ?? '(source not named)'} → ${d.facts.destination ?? '(destination not named)'}`;
  const lines = [`kcd diagnose · directory: ${directory}`, `Read from the paste: ${hosts}${d.facts.storage ? ', with storage' : ''}${d.facts.fileServers.length ? `, files on ${d.facts.fileServers.join(', ')}` : ''}`, ''];
  lines.push(...causeLines(d), '');
  for (const u of d.unknown) lines.push(`The ${u.role} "${u.name}" is not in the directory${u.suggestions.length ? `; did you mean ${u.suggestions.join(', ')}?` : '.'}`);
  if (d.missing.length > 0) lines.push(`No pair check: the paste does not name ${d.missing.join(' or ')}. Run kcd check <source> <destination>.`);
  if (d.hostReport) lines.push(`The paste names one host: ${d.hostReport.host.name}, checked against its migration group.`, '', hostText(d.hostReport, directory));
  if (d.report) lines.push(pairText(d.report, directory));
  return lines.join('\n').trimEnd();
}
