import { expectValidCard, validateCard } from '../../support/validate-card';

const card = (body: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body,
  ...extra,
});
const tb = (text: string, extra: Record<string, unknown> = {}) => ({ type: 'TextBlock', text, wrap: true, ...extra });

describe('validateCard (the validator the card tests rely on)', () => {
  test('accepts a 1.5 card with a Table, a monospace TextBlock and Action.Execute with an Action.Submit fallback', () => {
    const good = card(
      [
        tb('Hello', { fontType: 'Monospace', spacing: 'None' }),
        {
          type: 'Table',
          columns: [{ width: 1 }, { width: 2 }],
          rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [tb('a')] }, { type: 'TableCell', items: [tb('b')] }] }],
        },
      ],
      {
        actions: [{ type: 'Action.Execute', title: 'Re-check', verb: 'recheck', data: { kcd: 'check' }, fallback: { type: 'Action.Submit', title: 'Re-check', data: { kcd: 'check' } } }],
        msteams: { width: 'Full' },
      },
    );
    expect(validateCard(good)).toEqual([]);
    expect(() => expectValidCard(good)).not.toThrow();
  });

  test('rejects an unknown element type', () => {
    expect(validateCard(card([{ type: 'Carousel', pages: [] }]))).toEqual(
      expect.arrayContaining([expect.stringMatching(/UnknownElementType: Unknown element type "Carousel"/)]),
    );
    expect(validateCard(card([{ type: 'Container', items: [{ type: 'Bogus' }] }])).join('\n')).toMatch(/Bogus/);
  });

  test('rejects an unknown action type', () => {
    expect(validateCard(card([tb('x')], { actions: [{ type: 'Action.Nope', title: 'x' }] })).join('\n')).toMatch(/UnknownActionType/);
  });

  test('rejects version 1.6 (which the library itself accepts), a missing version and a non-numeric one', () => {
    expect(validateCard({ ...card([tb('x')]), version: '1.6' })).toContain('version 1.6 is above 1.5, the highest Teams renders');
    expect(validateCard({ ...card([tb('x')]), version: undefined }).join('\n')).toMatch(/not a "major.minor" string/);
    expect(validateCard({ ...card([tb('x')]), version: 'latest' }).join('\n')).toMatch(/not a "major.minor" string/);
  });

  test('rejects features newer than the declared version (a 1.2 card with a Table or Action.Execute)', () => {
    const table = { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [tb('a')] }] }] };
    expect(validateCard({ ...card([table]), version: '1.2' }).join('\n')).toMatch(/as 1\.2: UnknownElementType: Unknown element type "Table"/);
    const execute = { type: 'Action.Execute', title: 'x', verb: 'v' };
    expect(validateCard({ ...card([tb('x')], { actions: [execute] }), version: '1.3' }).join('\n')).toMatch(/as 1\.3: UnknownActionType/);
  });

  test('rejects duplicate ids', () => {
    expect(validateCard(card([tb('a', { id: 'x' }), tb('b', { id: 'x' })]))).toEqual(
      expect.arrayContaining([expect.stringMatching(/DuplicateId: Duplicate Id "x"/)]),
    );
  });

  test('rejects properties newer than 1.5 and bad enum values', () => {
    expect(validateCard(card([tb('x')], { actions: [{ type: 'Action.Submit', title: 'x', role: 'Button' }] })).join('\n')).toMatch(/role/);
    expect(validateCard(card([tb('x', { color: 'Purple' })])).join('\n')).toMatch(/Invalid value "Purple"/);
  });

  test('rejects unknown properties the library would silently drop (typos)', () => {
    expect(validateCard(card([tb('x', { fonttype: 'Monospace' })]))).toContain('$.body[0]: unknown property "fonttype" on TextBlock (the library would drop it)');
    expect(validateCard(card([{ type: 'FactSet', facts: [{ title: 'a', value: 'b', colour: 'red' }] }])).join('\n')).toMatch(/unknown property "colour"/);
  });

  test('validates fallbacks, which the library never parses when the primary type is known', () => {
    const broken = card([tb('x')], {
      actions: [{ type: 'Action.Execute', title: 'Re-check', verb: 'recheck', fallback: { type: 'Action.Submitt', title: 'Re-check' } }],
    });
    expect(validateCard(broken).join('\n')).toMatch(/\$\.actions\[0\]\.fallback: as 1\.5: UnknownActionType: Unknown action type "Action\.Submitt"/);
    const untitled = card([tb('x')], { actions: [{ type: 'Action.Execute', title: 'Re-check', verb: 'recheck', fallback: { type: 'Action.Submit' } }] });
    expect(validateCard(untitled)).toContain('$.actions[0].fallback: Action.Submit without a title');
  });

  test('rejects empty text, tables with more cells than columns, and oversized cards', () => {
    expect(validateCard(card([tb('')]))).toContain('$.body[0]: TextBlock without text');
    const wide = { type: 'Table', columns: [{ width: 1 }], rows: [{ type: 'TableRow', cells: [{ type: 'TableCell', items: [tb('a')] }, { type: 'TableCell', items: [tb('b')] }] }] };
    expect(validateCard(card([wide]))).toContain('$.body[0].rows[0]: 2 cells but 1 columns');
    expect(validateCard(card([tb('x'.repeat(90 * 1024))])).join('\n')).toMatch(/bytes of JSON, over 81920/);
  });

  test('rejects things that are not cards at all', () => {
    expect(validateCard(null)).toEqual(['not a JSON object']);
    expect(validateCard({ type: 'HeroCard', version: '1.5', body: [] }).join('\n')).toMatch(/not "AdaptiveCard"/);
  });

  test('expectValidCard fails listing the problems', () => {
    expect(() => expectValidCard(card([{ type: 'Bogus' }], { version: '1.6' }))).toThrow(/Invalid Adaptive Card \(\d+ problem\(s\)\):\n {2}- version 1\.6 is above 1\.5[\s\S]*Bogus/);
  });
});
