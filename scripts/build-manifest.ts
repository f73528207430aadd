/**
 * Generates manifest/manifest.json from manifest/manifest.template.json:
 * - {{MicrosoftAppId}} → the bot's app id (MicrosoftAppId, or a placeholder GUID for local use, e.g. the
 *   Agents Playground, which needs no registration);
 * - {{TeamsAppId}} → the Teams app's own id (TEAMS_APP_ID, or the fixed id of this app);
 * - {{version}} → package.json's version;
 * - the bot's commandLists → the command registry's manifestCommands(), one list for every scope, so the
 *   commands Teams suggests are the commands the parser understands.
 *
 *   npx tsc -p scripts/tsconfig.json && node dist/scripts/build-manifest.js
 *
 * (`npm run package` does this and then zips the app package.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { manifestCommands } from '../src/commands/registry';
import { MANIFEST_PATH, ROOT, TEMPLATE_PATH } from './paths';

/** Used when MicrosoftAppId is not set: fine for local testing, replaced for a real registration. */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
/** The Teams app id of kcd-bot (any fixed GUID; TEAMS_APP_ID overrides it). */
export const DEFAULT_TEAMS_APP_ID = '0f7adb61-52da-4142-a32b-421aa113ac1c';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const BOT_SCOPES = ['personal', 'team', 'groupChat'] as const;

export interface ManifestOptions {
  /** The bot's Microsoft App Id (a GUID). */
  botId?: string;
  teamsAppId?: string;
  version?: string;
}

export interface ManifestCommand {
  title: string;
  description: string;
}

export interface TeamsManifest {
  $schema: string;
  manifestVersion: string;
  version: string;
  id: string;
  icons: { color: string; outline: string };
  bots: Array<{
    botId: string;
    scopes: string[];
    commandLists?: Array<{ scopes: string[]; commands: ManifestCommand[] }>;
    [key: string]: unknown;
  }>;
  [key: string]: unknown;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!(key in values)) throw new Error(`manifest template: no value for ${whole}`);
    // Values go inside JSON strings.
    return JSON.stringify(values[key]).slice(1, -1);
  });
}

/** The manifest for these ids, with the registry's commands. Pure apart from reading the template. */
export function buildManifest(options: ManifestOptions = {}): TeamsManifest {
  const botId = options.botId?.trim() || PLACEHOLDER_BOT_ID;
  const teamsAppId = options.teamsAppId?.trim() || DEFAULT_TEAMS_APP_ID;
  for (const [what, id] of [['MicrosoftAppId', botId], ['TEAMS_APP_ID', teamsAppId]] as const) {
    if (!GUID.test(id)) throw new Error(`${what} must be a GUID, got "${id}"`);
  }
  const version = options.version ?? (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const manifest = JSON.parse(fill(readFileSync(TEMPLATE_PATH, 'utf8'), { MicrosoftAppId: botId, TeamsAppId: teamsAppId, version })) as TeamsManifest;
  const commands = manifestCommands().map((c: ManifestCommand) => ({ title: c.title, description: c.description }));
  for (const bot of manifest.bots) bot.commandLists = [{ scopes: [...BOT_SCOPES], commands }];
  return manifest;
}

/** The options from the environment (MicrosoftAppId, TEAMS_APP_ID). */
export function manifestOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ManifestOptions {
  return { botId: env.MicrosoftAppId, teamsAppId: env.TEAMS_APP_ID };
}

export function writeManifest(manifest: TeamsManifest, path = MANIFEST_PATH): void {
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
}

if (require.main === module) {
  const manifest = buildManifest(manifestOptionsFromEnv());
  writeManifest(manifest);
  console.log(`Wrote ${MANIFEST_PATH} (bot ${manifest.bots[0]!.botId}, ${manifest.bots[0]!.commandLists![0]!.commands.length} commands).`);
}
