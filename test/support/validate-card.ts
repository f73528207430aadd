/**
 * Validates Adaptive Card JSON the way a 1.5 host would read it, with the `adaptivecards` library
 * (its dist bundle: the package's main entry does not load in Node/jest) plus the checks the library
 * does not make:
 * - the library parses a card with `SerializationContext(Versions.v1_5)` and reports unknown element and
 *   action types, values outside an enum, properties newer than 1.5; `validateProperties()` adds duplicate
 *   ids and the like. Both are collected.
 * - `version` must be present and at most 1.5 (the library accepts "1.6"), and the card is parsed a
 *   second time at its declared version so a "1.2" card cannot use a 1.5 Table.
 * - the library parses an element's or action's `fallback` only when the primary type is unknown, so a
 *   broken fallback (e.g. Action.Execute's Action.Submit) would never be seen: every fallback is
 *   validated on its own.
 * - unknown properties (typos such as `fonttype`) are silently dropped by the library: every typed
 *   object's keys are compared with the library's schema for that type.
 * - TextBlock / TextRun text and button titles must be non-empty; table rows cannot have more cells than
 *   the table has columns; the JSON must stay under 80 KB.
 */
import type * as ACModule from 'adaptivecards';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the package's main entry does not load in Node (stack-notes)
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof ACModule;

export const MAX_CARD_VERSION = { major: 1, minor: 5 };
export const MAX_CARD_BYTES = 80 * 1024;

type Json = Record<string, unknown>;

const EVENT_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(AC.ValidationEvent).filter(([, v]) => typeof v === 'number').map(([k, v]) => [v as number, k]),
);

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseVersion(v: unknown): { major: number; minor: number } | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\.(\d+)$/.exec(v);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

function libVersion(v: { major: number; minor: number }): ACModule.Version {
  return new AC.Version(v.major, v.minor);
}

/** Parse + validateProperties at `version`; every event the library raises is a problem. */
function libraryProblems(card: Json, version: ACModule.Version, label: string): string[] {
  const problems: string[] = [];
  const context = new AC.SerializationContext(version);
  const parsed = new AC.AdaptiveCard();
  try {
    parsed.parse(card, context);
  } catch (e) {
    return [`${label}: the library could not parse the card: ${(e as Error).message}`];
  }
  for (let i = 0; i < context.eventCount; i++) {
    const ev = context.getEventAt(i);
    problems.push(`${label}: ${EVENT_NAMES[ev.event] ?? ev.event}: ${ev.message}`);
  }
  for (const ev of parsed.validateProperties().validationEvents) {
    problems.push(`${label}: ${EVENT_NAMES[ev.event] ?? ev.event}: ${ev.message}`);
  }
  return problems;
}

/** Property names the library knows for a typed object, or undefined for a type it does not know. */
const schemaCache = new Map<string, Set<string> | undefined>();
function knownProperties(type: string): Set<string> | undefined {
  if (schemaCache.has(type)) return schemaCache.get(type);
  const v15 = AC.Versions.v1_5;
  let instance: ACModule.SerializableObject | undefined =
    AC.GlobalRegistry.elements.createInstance(type, v15) ?? AC.GlobalRegistry.actions.createInstance(type, v15);
  if (!instance) {
    const classes: Record<string, new () => ACModule.SerializableObject> = {
      AdaptiveCard: AC.AdaptiveCard,
      Column: AC.Column,
      TableRow: AC.TableRow,
      TableCell: AC.TableCell,
    };
    instance = classes[type] ? new classes[type]() : undefined;
  }
  const names = instance ? schemaNames(instance) : undefined;
  schemaCache.set(type, names);
  return names;
}

function schemaNames(instance: ACModule.SerializableObject): Set<string> {
  const names = new Set<string>();
  const schema = instance.getSchema();
  for (let i = 0; i < schema.getCount(); i++) names.add(schema.getItemAt(i).name);
  return names;
}

/** Collections and children the library parses by hand (not in its property schemas). */
const STRUCTURAL: Record<string, string[]> = {
  AdaptiveCard: ['body', 'actions', 'msteams'],
  Container: ['items'],
  Column: ['items'],
  TableCell: ['items'],
  ColumnSet: ['columns'],
  Table: ['rows', 'columns'],
  TableRow: ['cells'],
  RichTextBlock: ['inlines'],
  ActionSet: ['actions'],
  ImageSet: ['images'],
  'Action.ShowCard': ['card'],
  'Input.ChoiceSet': ['choices'],
};
const ANY_TYPED = ['type', 'fallback', '$schema'];
const FACT_KEYS = new Set(['title', 'value']);
const COLUMN_DEFINITION_KEYS = schemaNames(new AC.TableColumnDefinition());

function isAction(type: string): boolean {
  return type.startsWith('Action.');
}

/** Our own structural checks over the raw JSON (the library ignores what it does not know). */
function walk(node: unknown, path: string, problems: string[], fallbacks: Array<{ path: string; json: Json; asAction: boolean }>): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, `${path}[${i}]`, problems, fallbacks));
    return;
  }
  if (!isObject(node)) return;
  const type = typeof node.type === 'string' ? node.type : undefined;
  if (type) {
    const known = knownProperties(type);
    if (known) {
      const allowed = new Set([...known, ...ANY_TYPED, ...(STRUCTURAL[type] ?? [])]);
      for (const key of Object.keys(node)) {
        if (!allowed.has(key)) problems.push(`${path}: unknown property "${key}" on ${type} (the library would drop it)`);
      }
    }
    if ((type === 'TextBlock' || type === 'TextRun') && (typeof node.text !== 'string' || node.text.trim() === '')) {
      problems.push(`${path}: ${type} without text`);
    }
    if (isAction(type) && type !== 'Action.ShowCard' && (typeof node.title !== 'string' || node.title.trim() === '')) {
      problems.push(`${path}: ${type} without a title`);
    }
    if (type === 'Table') {
      const columns = Array.isArray(node.columns) ? node.columns : [];
      if (columns.length === 0) problems.push(`${path}: Table without columns`);
      columns.forEach((c, i) => {
        if (!isObject(c)) problems.push(`${path}.columns[${i}]: not an object`);
        else for (const key of Object.keys(c)) if (!COLUMN_DEFINITION_KEYS.has(key)) problems.push(`${path}.columns[${i}]: unknown property "${key}"`);
      });
      (Array.isArray(node.rows) ? node.rows : []).forEach((row, i) => {
        const cells = isObject(row) && Array.isArray(row.cells) ? row.cells.length : 0;
        if (cells > columns.length) problems.push(`${path}.rows[${i}]: ${cells} cells but ${columns.length} columns`);
      });
    }
    if (type === 'FactSet') {
      (Array.isArray(node.facts) ? node.facts : []).forEach((f, i) => {
        if (!isObject(f) || typeof f.title !== 'string' || typeof f.value !== 'string') problems.push(`${path}.facts[${i}]: a fact needs a string title and value`);
        else for (const key of Object.keys(f)) if (!FACT_KEYS.has(key)) problems.push(`${path}.facts[${i}]: unknown property "${key}"`);
      });
    }
    if (isObject(node.fallback)) fallbacks.push({ path: `${path}.fallback`, json: node.fallback, asAction: isAction(type) });
  }
  for (const [key, value] of Object.entries(node)) {
    // An action's data is the bot's payload, and msteams is Teams' extension: neither is card content.
    if (key === 'data' || key === 'msteams' || key === 'facts') continue;
    if (type === 'Table' && key === 'columns') continue;
    walk(value, `${path}.${key}`, problems, fallbacks);
  }
}

/** Every problem found in `card`; an empty list means a 1.5 host (Teams) will render it as intended. */
export function validateCard(card: unknown, options: { maxBytes?: number } = {}): string[] {
  if (!isObject(card)) return ['not a JSON object'];
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push(`type is ${JSON.stringify(card.type)}, not "AdaptiveCard"`);
  const version = parseVersion(card.version);
  if (!version) {
    problems.push(`version ${JSON.stringify(card.version)} is not a "major.minor" string`);
  } else if (version.major > MAX_CARD_VERSION.major || (version.major === MAX_CARD_VERSION.major && version.minor > MAX_CARD_VERSION.minor)) {
    problems.push(`version ${card.version as string} is above 1.5, the highest Teams renders`);
  }
  if (!Array.isArray(card.body)) problems.push('body is missing or not an array');
  const size = Buffer.byteLength(JSON.stringify(card), 'utf8');
  const maxBytes = options.maxBytes ?? MAX_CARD_BYTES;
  if (size > maxBytes) problems.push(`the card is ${size} bytes of JSON, over ${maxBytes}`);

  problems.push(...libraryProblems(card, AC.Versions.v1_5, 'as 1.5'));
  if (version && (version.major < 1 || (version.major === 1 && version.minor < 5))) {
    problems.push(...libraryProblems(card, libVersion(version), `as ${card.version as string}`));
  }

  const fallbacks: Array<{ path: string; json: Json; asAction: boolean }> = [];
  walk(card, '$', problems, fallbacks);
  for (const fb of fallbacks) {
    const wrapper: Json = {
      type: 'AdaptiveCard',
      version: typeof card.version === 'string' ? card.version : '1.5',
      body: fb.asAction ? [] : [fb.json],
      ...(fb.asAction ? { actions: [fb.json] } : {}),
    };
    for (const p of libraryProblems(wrapper, AC.Versions.v1_5, 'as 1.5')) problems.push(`${fb.path}: ${p}`);
  }
  return [...new Set(problems)];
}

/** Jest helper: fails with the list of problems. */
export function expectValidCard(card: unknown): void {
  const problems = validateCard(card);
  if (problems.length > 0) {
    throw new Error(`Invalid Adaptive Card (${problems.length} problem(s)):\n  - ${problems.join('\n  - ')}`);
  }
}
