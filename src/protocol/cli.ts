/**
 * A connector's command line, the same for both connectors: `spec` alone is answered at once without
 * loading yargs (Airbyte calls it often); anything else goes through yargs with strict parsing, and a
 * bad command line prints the usage on stderr (stdout is the protocol channel) and exits 2.
 */
import type { Argv } from 'yargs';
import { redact } from '../redact.js';

export const configOption = { type: 'string', demandOption: true, describe: 'path to the connector config JSON', requiresArg: true } as const;
export const catalogOption = { type: 'string', demandOption: true, describe: 'path to the configured catalog JSON', requiresArg: true } as const;

export interface CommandLine {
  /** e.g. `source-hyros` */
  name: string;
  /** One paragraph for the usage text. */
  about: string;
  /** e.g. `spec, check, discover or read`, for the "name a command" message. */
  commandNames: string;
  runSpec: () => Promise<void>;
  commands: (cli: Argv) => Argv;
}

export async function runCommandLine(line: CommandLine): Promise<void> {
  if (process.argv.length === 3 && process.argv[2] === 'spec') {
    await line.runSpec();
    return;
  }
  const { default: yargs } = await import('yargs');
  const { hideBin } = await import('yargs/helpers');
  const cli = yargs(hideBin(process.argv)).scriptName(line.name).usage(`$0 <command> [options]\n\n${line.about}`);
  await line
    .commands(cli)
    .option('debug', { type: 'boolean', describe: 'accepted for compatibility with Airbyte runners', default: false })
    .demandCommand(1, `Name a command: ${line.commandNames}.`)
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
