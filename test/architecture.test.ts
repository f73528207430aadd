/**
 * The two promises of docs/architecture.md that a change can break without noticing: the folders of src/
 * import one another in one direction only (no folder imports a folder that imports it back), and the chat
 * SDK (botbuilder, restify) is imported only by the files the document lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file names in an import, export … from, or dynamic import (comments are not code, but none quote an import). */
function specifiers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|(?:^|[\s;])import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    found.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return found;
}

/** The folder (or top-level file) of src/ a path belongs to: "checker/", "log". */
function unitOf(file: string): string {
  const parts = relative(join(ROOT, 'src'), file).split(sep);
  return parts.length > 1 ? `${parts[0]}/` : parts[0]!.replace(/\.ts$/, '');
}

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    try {
      readFileSync(candidate);
      return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('docs/architecture.md holds', () => {
  const srcFiles = sourceFiles(join(ROOT, 'src'));

  it('no folder of src/ imports a folder that imports it back', () => {
    const edges = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const file of srcFiles) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolveRelative(file, spec);
        if (target === undefined || !target.startsWith(join(ROOT, 'src') + sep)) continue;
        const [from, to] = [unitOf(file), unitOf(target)];
        if (from === to) continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
        why.set(`${from} -> ${to}`, `${relative(ROOT, file)} imports ${spec}`);
      }
    }
    expect(edges.size).toBeGreaterThan(10); // the scan found the imports at all
    const described = cycles(edges).map((c) => [c.join(' ↔ '), ...c.flatMap((a) => c.filter((b) => why.has(`${a} -> ${b}`)).map((b) => `  ${why.get(`${a} -> ${b}`)}`))].join('\n'));
    expect(described).toEqual([]);
  });

  it('only the files the document lists import botbuilder or restify', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const seam = doc.slice(doc.indexOf('## The seam to the chat SDK'));
    const listed = [...seam.matchAll(/^\| `((?:src|dialogs)\/[^`]+)` \|/gm)].map((m) => m[1]!).sort();
    expect(listed.length).toBeGreaterThan(3);
    const sdk = /^(botbuilder(-[a-z-]+)?|restify)$/;
    const importers = [...srcFiles, ...sourceFiles(join(ROOT, 'dialogs'))]
      .filter((file) => specifiers(readFileSync(file, 'utf8')).some((spec) => sdk.test(spec)))
      .map((file) => relative(ROOT, file).split(sep).join('/'))
      .sort();
    expect(importers).toEqual(listed);
  });
});
