/**
 * Configuration from environment variables. `from '../config'` resolves here: the public names of the
 * four parts (variables: the list and .env.example; schema: the shape and validation; reading: readConfig
 * and readSummaryConfig; redaction: the printable view).
 */
export { CONFIG_VARIABLES, renderEnvExample, type ConfigSection, type ConfigVariable } from './variables';
export {
  APP_TYPES,
  LOG_LEVELS,
  parseLdapUrl,
  type AppType,
  type BotConfig,
  type Config,
  type DemoDirectoryConfig,
  type DirectoryConfig,
  type LdapDirectoryConfig,
  type LogLevel,
  type ReadFile,
  type SummaryConfig,
} from './schema';
export { readConfig, readSummaryConfig, type ReadConfigOptions } from './reading';
export { REDACTED, redactConfig } from './redaction';
