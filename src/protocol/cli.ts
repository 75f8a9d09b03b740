/**
 * A connector's command line, the same for both connectors, with its commands declared as data.
 *
 * The platform's own invocations (`spec`, `check --config c`, `read --config c --catalog k
 * --state s`, …: every option as `--name value`, each once, every required one present) are read
 * directly, without loading yargs: importing yargs costs ~50 ms of start-up and a few MB of memory
 * on every sync. Anything else (`--help`, `--config=c`, a typo, a missing option) goes through yargs
 * with strict parsing, and a bad command line prints the usage on stderr (stdout is the protocol
 * channel) and exits 2. Both paths hand the command the same arguments.
 */
import { redact } from '../common/redact.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  describe: string;
  /** A string option the command cannot run without. */
  required?: boolean;
}

/** Parsed options: strings for string options (undefined when absent), booleans for flags. */
export type CommandArgs = Record<string, string | boolean | undefined>;

export interface CommandSpec {
  name: string;
  describe: string;
  options: Record<string, OptionSpec>;
  run: (args: CommandArgs) => Promise<void>;
}

export const configOption: OptionSpec = { type: 'string', required: true, describe: 'path to the connector config JSON' };
export const catalogOption: OptionSpec = { type: 'string', required: true, describe: 'path to the configured catalog JSON' };

export interface CommandLine {
  /** e.g. `source-hyros` */
  name: string;
  /** One paragraph for the usage text. */
  about: string;
  commands: CommandSpec[];
}

/** Accepted on every command for compatibility with Airbyte runners; it changes nothing. */
const DEBUG_FLAG = 'debug';

/**
 * The command and its arguments when `argv` (after the script) is a plain invocation: a known
 * command, then only its own options as `--name value` (flags as `--name`), each at most once, every
 * required one present. Undefined otherwise: yargs decides (and explains).
 */
export function parsePlainInvocation(argv: readonly string[], commands: readonly CommandSpec[]): { command: CommandSpec; args: CommandArgs } | undefined {
  const command = commands.find((c) => c.name === argv[0]);
  if (!command) return undefined;
  const args: CommandArgs = {};
  for (const [name, option] of Object.entries(command.options)) args[name] = option.type === 'boolean' ? false : undefined;
  const seen = new Set<string>();
  for (let i = 1; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('--')) return undefined;
    const name = token.slice(2);
    if (seen.has(name)) return undefined;
    seen.add(name);
    if (name === DEBUG_FLAG) continue;
    const option = command.options[name];
    if (!option) return undefined;
    if (option.type === 'boolean') {
      args[name] = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    args[name] = value;
    i++;
  }
  for (const [name, option] of Object.entries(command.options)) if (option.required && args[name] === undefined) return undefined;
  return { command, args };
}

export async function runCommandLine(line: CommandLine): Promise<void> {
  const argv = process.argv.slice(2);
  const plain = parsePlainInvocation(argv, line.commands);
  if (plain) {
    await plain.command.run(plain.args);
    return;
  }
  const { default: yargs } = await import('yargs');
  let cli = yargs(argv).scriptName(line.name).usage(`$0 <command> [options]\n\n${line.about}`);
  for (const command of line.commands) {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([name, option]) => [
        name,
        option.type === 'boolean'
          ? { type: 'boolean' as const, default: false, describe: option.describe }
          : { type: 'string' as const, describe: option.describe, requiresArg: true, ...(option.required ? { demandOption: true } : {}) },
      ]),
    );
    cli = cli.command(command.name, command.describe, options, (args) => command.run(args as unknown as CommandArgs));
  }
  const names = line.commands.map((c) => c.name);
  await cli
    .option(DEBUG_FLAG, { type: 'boolean', describe: 'accepted for compatibility with Airbyte runners', default: false })
    .demandCommand(1, `Name a command: ${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}.`)
    .strict()
    .help()
    .version(false)
    .fail((message, error, instance) => {
      if (error) throw error;
      process.stderr.write(`${redact(message ?? 'invalid arguments')}\n\n`);
      instance.showHelp((text) => process.stderr.write(`${text}\n`));
      process.exit(2);
    })
    .parseAsync();
}
