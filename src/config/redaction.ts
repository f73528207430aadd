/**
 * The configuration as it may be shown: passwords replaced by "[redacted]". `protect` makes every way of
 * printing a Config (JSON.stringify, console.log, util.inspect) print that view, so logging the config by
 * mistake leaks nothing; the hooks are non-enumerable, so spreading or comparing a Config ignores them.
 */
import { inspect } from 'node:util';
import { REDACTED } from '../redaction';
import type { Config, DirectoryConfig } from './schema';

export { REDACTED };

const mask = (secret: string) => (secret === '' ? '' : REDACTED);

/** A copy safe to log or print: passwords replaced by "[redacted]" (an unset one stays ''). */
export function redactConfig(config: Config): Config {
  const directory: DirectoryConfig =
    config.directory.kind === 'ldap'
      ? { ...config.directory, urls: [...config.directory.urls], bindPassword: mask(config.directory.bindPassword) }
      : { kind: 'demo' };
  const migrationGroup = { ...config.migrationGroup };
  return {
    directory,
    migrationGroup,
    cacheTtlSeconds: config.cacheTtlSeconds,
    logLevel: config.logLevel,
    bot: {
      ...config.bot,
      appPassword: mask(config.bot.appPassword),
      allowedTenants: [...config.bot.allowedTenants],
      allowedUsers: [...config.bot.allowedUsers],
      allowedGroups: [...config.bot.allowedGroups],
      rateLimit: { ...config.bot.rateLimit },
    },
    metrics: { ...config.metrics },
    apply: {
      ...config.apply,
      ...(config.apply.writeAccount ? { writeAccount: { bindDN: config.apply.writeAccount.bindDN, bindPassword: mask(config.apply.writeAccount.bindPassword) } } : {}),
      approverGroups: [...config.apply.approverGroups],
      operatorGroups: [...config.apply.operatorGroups],
    },
  };
}

/**
 * Makes JSON.stringify and console.log/util.inspect of the config (and of its directory and bot parts)
 * print the redacted view. The hooks are non-enumerable: spreading or comparing the config ignores them.
 */
export function protect(config: Config): Config {
  const hide = (target: object, view: () => unknown) => {
    Object.defineProperty(target, 'toJSON', { value: view, enumerable: false });
    Object.defineProperty(target, inspect.custom, { value: () => view(), enumerable: false });
  };
  hide(config, () => redactConfig(config));
  hide(config.directory, () => redactConfig(config).directory);
  hide(config.bot, () => redactConfig(config).bot);
  hide(config.apply, () => redactConfig(config).apply);
  if (config.apply.writeAccount) hide(config.apply.writeAccount, () => redactConfig(config).apply.writeAccount);
  return config;
}
