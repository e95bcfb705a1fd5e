import type { Command } from 'commander';
import { stringify } from 'yaml';
import { CliError } from '../cli-error.ts';
import { CONFIG_KEYS, configPath, readConfig, setConfigValue, type ConfigKey } from '../config.ts';
import { withSession, type CliIo } from '../session.ts';

function maskToken(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const dot = token.indexOf('.');
  return dot > 0 ? `${token.slice(0, dot)}.REDACTED` : 'REDACTED';
}

export function registerConfigCommand(program: Command, io: CliIo): void {
  const config = program
    .command('config')
    .description('Show or change the client configuration (~/.capstan/config, or CAPSTAN_CONFIG)');

  config
    .command('view')
    .description('Print the configuration in effect: the file, overridden by environment and flags')
    .option('--raw', 'show the token instead of hiding its secret part')
    .addHelpText('after', '\nExamples:\n  capstan config view\n  capstan config view --raw')
    .action(
      withSession(io, async (session, options: { raw?: boolean }) => {
        const { server, token, namespace } = session.settings;
        const shown = { server, token: options.raw ? token : maskToken(token), namespace };
        session.out(`# ${session.configFile}\n${stringify(shown)}`);
      }),
    );

  config
    .command('set')
    .description(`Set one key of the configuration file (${CONFIG_KEYS.join(', ')}); an empty value removes it`)
    .argument('<key>', CONFIG_KEYS.join(' | '))
    .argument('<value>', 'the new value')
    .addHelpText(
      'after',
      '\nExamples:\n  capstan config set server http://127.0.0.1:7070\n  capstan config set namespace team-a\n' +
        '  capstan config set namespace ""',
    )
    .action(async (key: string, value: string) => {
      if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
        throw new CliError(`unknown config key "${key}" (known: ${CONFIG_KEYS.join(', ')})`);
      }
      if (key === 'server' && value !== '' && !/^https?:\/\/[^/]/.test(value)) {
        throw new CliError(`server must be an http:// or https:// URL, got "${value}"`);
      }
      const path = configPath(io.env);
      await setConfigValue(path, key as ConfigKey, value);
      const current = await readConfig(path);
      io.stdout.write(`${key} ${current[key as ConfigKey] === undefined ? 'removed' : 'set'} in ${path}\n`);
    });
}
