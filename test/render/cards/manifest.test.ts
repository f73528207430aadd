/**
 * The Teams app package: manifest (schema 1.22, validated offline with @microsoft/app-manifest), icons,
 * commandLists from the command registry, and the zip `npm run package` writes.
 */
import { mkdtempSync, readFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { manifestCommands } from '../../../src/commands/registry';
import { BOT_SCOPES, DEFAULT_TEAMS_APP_ID, PLACEHOLDER_BOT_ID, buildManifest } from '../../../scripts/build-manifest';
import { iconProblems, packageZip, pngSize, schemaProblems } from '../../../scripts/package-manifest';
import { MANIFEST_DIR, MANIFEST_PATH } from '../../../scripts/paths';
import { crc32 } from '../../../scripts/zip';

// @microsoft/app-manifest requires strip-bom 5, an ES module that jest on Node 20 cannot require (plain
// Node 20.19+ can, so `npm run package` uses the real one). Give jest a CommonJS equivalent.
const stripBomPath = require.resolve('strip-bom', { paths: [dirname(require.resolve('@microsoft/app-manifest'))] });
jest.doMock(stripBomPath, () => ({
  __esModule: true,
  default: (s: string) => (s.charCodeAt(0) === 0xfeff ? s.slice(1) : s),
}));

/** Decodes an 8-bit RGBA, non-interlaced PNG (all five filter types): independent of scripts/png.ts. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Buffer } {
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    expect(crc32(png.subarray(offset + 4, offset + 8 + length))).toBe(png.readUInt32BE(offset + 8 + length));
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= 4 ? out[y * stride + x - 4]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4]! : 0;
      const paeth = () => {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      };
      const predictor = [0, a, b, (a + b) >> 1, filter === 4 ? paeth() : 0][filter]!;
      out[y * stride + x] = (v + predictor) & 0xff;
    }
  }
  return { width, height, rgba: out };
}

/** Reads a ZIP's central directory and inflates every entry. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(p)).toBe(0x02014b50);
    const method = zip.readUInt16LE(p + 10);
    const crc = zip.readUInt32LE(p + 16);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extra = zip.readUInt16LE(p + 30);
    const comment = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.toString('utf8', p + 46, p + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const body = zip.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(body) : Buffer.from(body);
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    p += 46 + nameLength + extra + comment;
  }
  return files;
}

describe('Teams app manifest', () => {
  const manifest = buildManifest();

  test('is schema 1.22 and valid offline against the schema bundled with @microsoft/app-manifest', async () => {
    expect(manifest.$schema).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.22');
    expect(await schemaProblems(manifest)).toEqual([]);
    expect(JSON.stringify(manifest)).not.toContain('{{');
  });

  test('the validator really validates (a wrong scope case and a missing field are reported)', async () => {
    const bad = JSON.parse(JSON.stringify(manifest)) as typeof manifest;
    bad.bots[0]!.scopes = ['personal', 'groupchat'];
    delete (bad as Record<string, unknown>).developer;
    const problems = await schemaProblems(bad);
    expect(problems.join('\n')).toMatch(/scopes/);
    expect(problems.join('\n')).toMatch(/developer/);
  });

  test('one bot with scopes personal, team and groupChat', () => {
    expect(manifest.bots).toHaveLength(1);
    expect(manifest.bots[0]!.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest.bots[0]!.botId).toBe(PLACEHOLDER_BOT_ID);
    expect(manifest.id).toBe(DEFAULT_TEAMS_APP_ID);
    expect(manifest.version).toBe((JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')) as { version: string }).version);
  });

  test('commandLists are the command registry\'s manifestCommands(), for every scope', () => {
    const expected = manifestCommands().map((c: { title: string; description: string }) => ({ title: c.title, description: c.description }));
    expect(expected.length).toBeGreaterThan(0);
    expect(manifest.bots[0]!.commandLists).toEqual([{ scopes: [...BOT_SCOPES], commands: expected }]);
  });

  test('MicrosoftAppId becomes the bot id; anything but a GUID is refused', () => {
    const id = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
    expect(buildManifest({ botId: id }).bots[0]!.botId).toBe(id);
    expect(() => buildManifest({ botId: 'not-a-guid' })).toThrow(/MicrosoftAppId must be a GUID/);
    expect(() => buildManifest({ teamsAppId: '"}, "x": {"' })).toThrow(/TEAMS_APP_ID must be a GUID/);
  });

  test('the committed manifest/manifest.json is up to date (regenerate with `npm run package`)', () => {
    const committed = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as typeof manifest;
    expect(committed).toEqual(buildManifest({ botId: committed.bots[0]!.botId, teamsAppId: committed.id }));
  });

  test('icons: colour 192×192, outline 32×32 and only white on transparent', () => {
    expect(iconProblems(manifest)).toEqual([]);
    const color = readFileSync(join(MANIFEST_DIR, manifest.icons.color));
    const outline = readFileSync(join(MANIFEST_DIR, manifest.icons.outline));
    // The IHDR, read by hand: width and height at bytes 16–23.
    expect([color.readUInt32BE(16), color.readUInt32BE(20)]).toEqual([192, 192]);
    expect([outline.readUInt32BE(16), outline.readUInt32BE(20)]).toEqual([32, 32]);
    expect(pngSize(color)).toEqual({ width: 192, height: 192 });
    const o = decodePng(outline);
    let visible = 0;
    let notWhite = 0;
    for (let i = 0; i < o.rgba.length; i += 4) {
      if (o.rgba[i + 3] === 0) continue;
      visible++;
      if (o.rgba[i] !== 255 || o.rgba[i + 1] !== 255 || o.rgba[i + 2] !== 255) notWhite++;
    }
    expect(notWhite).toBe(0);
    expect(visible).toBeGreaterThan(50);
    expect(visible).toBeLessThan(32 * 32 - 200); // mostly transparent
    const c = decodePng(color);
    expect(c.width).toBe(192);
    let holes = 0;
    for (let i = 3; i < c.rgba.length; i += 4) if (c.rgba[i] !== 255) holes++;
    expect(holes).toBe(0); // full colour, opaque
  });

  test('iconProblems reports wrong sizes and missing files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcd-icons-'));
    copyFileSync(join(MANIFEST_DIR, 'outline.png'), join(dir, 'color.png'));
    writeFileSync(join(dir, 'outline.png'), 'not a png');
    expect(iconProblems(manifest, dir)).toEqual(['color icon color.png is 32×32, not 192×192', 'outline icon outline.png is not a PNG']);
    expect(iconProblems(manifest, join(dir, 'nowhere'))).toEqual(['color icon color.png is missing', 'outline icon outline.png is missing']);
  });

  test('the package zip has manifest.json and both icons at the root, byte for byte', () => {
    const files = readZip(packageZip(manifest));
    expect([...files.keys()]).toEqual(['manifest.json', 'color.png', 'outline.png']);
    expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).toEqual(manifest);
    expect(files.get('color.png')!.equals(readFileSync(join(MANIFEST_DIR, 'color.png')))).toBe(true);
    expect(files.get('outline.png')!.equals(readFileSync(join(MANIFEST_DIR, 'outline.png')))).toBe(true);
    // Reproducible: same input, same bytes.
    expect(packageZip(manifest).equals(packageZip(manifest))).toBe(true);
  });
});
