import { checkFleet, checkHost, checkPair } from '../../../src/checker';
import { UnknownHostError } from '../../../src/domain/errors';
import type { DirectoryData } from '../../../src/domain/model';
import { resolveHost } from '../../../src/domain/names';
import { createSnapshot } from '../../../src/domain/snapshot';
import { demoData } from '../../../src/directory/demo-directory';
import { errorCard, escapeMarkdown, hostCard, md, pairCard, scanCard } from '../../../src/render/cards';
import { expectValidCard } from '../../support/validate-card';
import { TAKEN_AT, codeText, demoCtx, objects, texts, unescape, visibleText } from './support';

const SPECIAL = new Set(['\\', '`', '*', '_', '~', '[', ']', '<', '&']);

/** Characters that would format (outside our own **bold**) left unescaped in `markdown`. */
function unescapedSpecials(markdown: string): string[] {
  const found: string[] = [];
  const s = markdown.replace(/^(\s*)(\\?)([-+=>#]|\d+[.)])/gm, (m, sp, esc) => (esc ? m : `${sp}!BLOCK!`));
  if (s.includes('!BLOCK!')) found.push('line-start block marker');
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') {
      i++;
      continue;
    }
    if (SPECIAL.has(s[i]!)) found.push(s[i]!);
  }
  if (/\{\{/.test(s)) found.push('{{');
  return found;
}

const HOSTILE = [
  'GO*GO*3',
  'GO_GO_3',
  '[GOGO-3](http://evil.example)',
  '<b>GOGO-3</b>',
  '{{DATE(2017-02-14T06:08:00Z, SHORT)}}',
  '- GOGO-3',
  '# GOGO-3',
  '1. GOGO-3',
  '`GOGO-3`',
  '~~GOGO-3~~',
  'GOGO&amp;3',
  'GOGO\\*3',
  '> GOGO-3',
  "GO'GO-3",
];

describe('escapeMarkdown', () => {
  test.each([
    ['GOGO-3', 'GOGO-3'],
    ['gogo-3.contoso.com', 'gogo-3.contoso.com'],
    ['Microsoft Virtual System Migration Service/GOGO-4', 'Microsoft Virtual System Migration Service/GOGO-4'],
    ['*bold*', '\\*bold\\*'],
    ['HV_01', 'HV\\_01'],
    ['[a](http://x)', '\\[a\\](http://x)'],
    ['<script>', '\\<script>'],
    ['- item', '\\- item'],
    ['# head', '\\# head'],
    ['1. one', '1\\. one'],
    ['> quote', '\\> quote'],
    ['a & b', 'a \\& b'],
    ['C:\\share', 'C:\\\\share'],
    ['{{TIME(x)}}', '{\u200b{TIME(x)}}'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  test('PowerShell from the fixes needs no escapes except comment lines', () => {
    expect(escapeMarkdown("Set-ADComputer -Identity GOGO-3 -Add @{'msDS-AllowedToDelegateTo'=@(")).toBe(
      "Set-ADComputer -Identity GOGO-3 -Add @{'msDS-AllowedToDelegateTo'=@(",
    );
    expect(escapeMarkdown('Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }')).toBe('Invoke-Command -ComputerName GOGO-3 { klist -li 0x3e7 purge }');
    expect(escapeMarkdown('# Then purge')).toBe('\\# Then purge');
  });

  test('round trip: what a markdown renderer shows is the input; nothing is left to format', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = 'ab-_*`~[]()<>&#!|{}\\.1+= \n';
    for (let n = 0; n < 2000; n++) {
      const s = Array.from({ length: 1 + Math.floor(rand() * 20) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const escaped = escapeMarkdown(s);
      expect(unescape(escaped)).toBe(s);
      for (const line of escaped.split('\n')) expect(unescapedSpecials(line)).toEqual([]);
    }
  });

  test('md() makes a value one line and caps it', () => {
    expect(md('a\nb\tc')).toBe('a b c');
    expect(md('x'.repeat(500), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

/** The demo directory with GOGO-3 renamed to `name` everywhere (account, DN, SPNs, others' delegation). */
function renamed(name: string): DirectoryData {
  const json = JSON.stringify(demoData(new Date(TAKEN_AT)));
  const enc = (s: string) => JSON.stringify(s).slice(1, -1);
  return JSON.parse(json.replaceAll('GOGO-3', enc(name)).replaceAll('gogo-3', enc(name.toLowerCase()))) as DirectoryData;
}

describe('hostile host names from AD are shown literally, never as markdown', () => {
  test.each(HOSTILE)('%s', (name) => {
    const snapshot = createSnapshot(renamed(name));
    const host = resolveHost(snapshot, name);
    expect(host.name).toBe(name);
    const cards = [
      pairCard(checkPair(snapshot, host, resolveHost(snapshot, 'GOGO-4')), demoCtx),
      pairCard(checkPair(snapshot, resolveHost(snapshot, 'GOGO-4'), host, { storage: true }), demoCtx),
      hostCard(checkHost(snapshot, host), demoCtx),
      scanCard(checkFleet(snapshot), demoCtx),
      errorCard(new UnknownHostError(name, [name]), demoCtx),
    ];
    for (const card of cards) {
      expectValidCard(card);
      // Every TextBlock, with our own **bold** markers taken out, has nothing left that could format.
      for (const t of texts(card)) expect({ text: t, unescaped: unescapedSpecials(t.replace(/(?<!\\)\*\*/g, '')) }).toEqual({ text: t, unescaped: [] });
    }
    // ... and shows the name exactly.
    expect(visibleText(cards[0])).toContain(`Can ${name} live-migrate to GOGO-4?`);
    expect(visibleText(cards[2])).toContain(`${name}: NOT READY`);
    expect(visibleText(cards[4])).toContain(`There is no computer named "${name}"`);
    // Buttons carry the raw name (data is not markdown).
    const recheck = objects(cards[2]).find((o) => o.type === 'Action.Execute')!;
    expect(recheck.data).toEqual({ kcd: 'check', host: name });
  });

  test('a name with a newline cannot break out of a code comment or a PowerShell argument', () => {
    const name = 'EVIL\nRemove-ADComputer DC1';
    const snapshot = createSnapshot(renamed(name));
    const card = pairCard(checkPair(snapshot, resolveHost(snapshot, 'GOGO-4'), resolveHost(snapshot, name)), demoCtx);
    expectValidCard(card);
    const code = codeText(card).split('\n');
    // The injected command only ever continues a single-quoted string (a literal in PowerShell) that
    // closes right after it; in comments the name is flattened to one line.
    const injected = code.filter((l) => l.includes('Remove-ADComputer'));
    expect(injected.length).toBeGreaterThan(0);
    for (const line of injected) expect(line.startsWith("Remove-ADComputer DC1'") || /^#.*EVIL Remove-ADComputer DC1/.test(line)).toBe(true);
    expect(code).toContain("Test-NetConnection -ComputerName 'EVIL");
  });
});
