/**
 * `sanad config show` and `sanad config check`: the services' effective settings (a profile, a
 * file's overrides) printed or validated, as `issuer serve` and `verifier serve` would use them.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { PROFILE_NAMES, resolveServiceConfig, type ServiceConfig } from '@sanad/server';
import { action } from '../command.js';
import { readJson } from '../io.js';

export interface ConfigFlags {
  config?: string;
  profile?: string;
}

/** `--config <file>` and `--profile <name>`, as `config show` and both `serve` commands take them. */
export function configOptions(cmd: Command): Command {
  return cmd
    .option(
      '--config <file>',
      'service settings (JSON, see docs/deployment.md); command-line flags override it',
    )
    .addOption(
      new Option(
        '--profile <name>',
        'profile to start from (overrides the file\'s "profile")',
      ).choices(PROFILE_NAMES),
    );
}

/** The effective settings: the profile, the file's fields, validated (ERR_CONFIG_INVALID names the field). */
export async function loadServiceConfig(flags: ConfigFlags): Promise<ServiceConfig> {
  const file = flags.config !== undefined ? await readJson(flags.config) : {};
  return resolveServiceConfig(file, flags.profile !== undefined ? { profile: flags.profile } : {});
}

/** The settings with a database password replaced, for printing. */
function printable(config: ServiceConfig): ServiceConfig {
  if (config.database.url === undefined) return config;
  const url = config.database.url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@]*@/, '$1:***@');
  return { ...config, database: { ...config.database, url } };
}

export function registerConfigCommands(program: Command): void {
  const config = program
    .command('config')
    .description("the services' settings: profiles and a configuration file");
  action<ConfigFlags>(
    configOptions(
      config.command('show').description('print the effective settings of a profile and a file'),
    ),
    async (o, out) => {
      const effective = printable(await loadServiceConfig(o));
      out.result(effective, () => JSON.stringify(effective, null, 2));
    },
  );
  action<{ config: string }>(
    config
      .command('check')
      .description('validate a configuration file (exit 0, or 2 naming each bad field)')
      .requiredOption('--config <file>', 'service settings (JSON)'),
    async (o, out) => {
      const effective = await loadServiceConfig(o);
      out.result(
        { valid: true, profile: effective.profile },
        () => `${o.config}: valid (profile ${effective.profile})`,
      );
    },
  );
}
