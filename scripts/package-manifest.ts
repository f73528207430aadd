/**
 * `npm run package`: generates manifest/manifest.json (build-manifest), validates it offline against the
 * Teams schema it names (1.22, bundled with @microsoft/app-manifest), checks the icons, and writes
 * manifest/kcd-bot.zip with manifest.json, color.png and outline.png at the root — the file to upload in
 * Teams (Apps → Manage your apps → Upload an app) or in the Developer Portal.
 *
 * MicrosoftAppId (the bot's Azure app registration) goes into bots[0].botId; without it a placeholder
 * GUID is used, which is enough for the Agents Playground but not for real Teams.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLACEHOLDER_BOT_ID, buildManifest, manifestOptionsFromEnv, writeManifest, type TeamsManifest } from './build-manifest';
import { MANIFEST_DIR, MANIFEST_PATH, PACKAGE_PATH } from './paths';
import { createZip } from './zip';

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (png.length < 24 || !png.subarray(0, 8).equals(signature) || png.toString('ascii', 12, 16) !== 'IHDR') return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Problems with the icons the manifest names (Teams: colour 192×192, outline 32×32). */
export function iconProblems(manifest: TeamsManifest, dir = MANIFEST_DIR): string[] {
  const problems: string[] = [];
  for (const [kind, size] of [['color', 192], ['outline', 32]] as const) {
    const file = manifest.icons[kind];
    let png: Buffer;
    try {
      png = readFileSync(join(dir, file));
    } catch {
      problems.push(`${kind} icon ${file} is missing`);
      continue;
    }
    const actual = pngSize(png);
    if (!actual) problems.push(`${kind} icon ${file} is not a PNG`);
    else if (actual.width !== size || actual.height !== size) problems.push(`${kind} icon ${file} is ${actual.width}×${actual.height}, not ${size}×${size}`);
  }
  return problems;
}

/** Schema problems, offline (the schemas ship with @microsoft/app-manifest). */
export async function schemaProblems(manifest: TeamsManifest): Promise<string[]> {
  // Loaded lazily: the package pulls in an ES module (strip-bom 5) that plain Node 20.19+ can require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { AppManifestUtils } = require('@microsoft/app-manifest') as typeof import('@microsoft/app-manifest');
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as Parameters<typeof AppManifestUtils.validateAgainstSchema>[0]);
}

/** The app package: manifest.json and both icons at the root. */
export function packageZip(manifest: TeamsManifest, dir = MANIFEST_DIR): Buffer {
  return createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: manifest.icons.color, data: readFileSync(join(dir, manifest.icons.color)) },
    { name: manifest.icons.outline, data: readFileSync(join(dir, manifest.icons.outline)) },
  ]);
}

async function main(): Promise<void> {
  const manifest = buildManifest(manifestOptionsFromEnv());
  const problems = [...iconProblems(manifest), ...(await schemaProblems(manifest))];
  if (problems.length > 0) {
    console.error(`The Teams app manifest is not valid:\n  - ${problems.join('\n  - ')}`);
    process.exitCode = 1;
    return;
  }
  writeManifest(manifest);
  writeFileSync(PACKAGE_PATH, packageZip(manifest));
  const botId = manifest.bots[0]!.botId;
  console.log(`Wrote ${MANIFEST_PATH} and ${PACKAGE_PATH}.`);
  if (botId === PLACEHOLDER_BOT_ID) {
    console.log('The bot id is a placeholder: set MicrosoftAppId to your bot registration\'s app id before uploading to Teams.');
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
