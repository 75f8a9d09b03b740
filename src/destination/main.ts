#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=10
// Same V8 flags as the source's bin (src/main.ts): memory stays flat on long inputs.
/**
 * destination-hyros' CLI (Airbyte's destination contract): spec | check --config | discover --config |
 * write --config --catalog [--dry-run]. stdout carries only protocol messages; any failure ends in
 * exactly one TRACE ERROR and a non-zero exit.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '../protocol/logger.js';
import { specMessage, type ConnectorSpecification } from '../protocol/messages.js';
import { createCommandRunner } from '../protocol/runner.js';
import { MessageWriter } from '../protocol/writer.js';
import { redact } from '../redact.js';

const writer = new MessageWriter(process.stdout);
const logger = new Logger(writer);
const { run } = createCommandRunner(writer);

export const DESTINATION_SPEC_FILE = new URL('../../../spec/destination-spec.json', import.meta.url);

function runSpec(): number {
  writer.send(specMessage(JSON.parse(readFileSync(DESTINATION_SPEC_FILE, 'utf8')) as ConnectorSpecification));
  return 0;
}

const configOption = { type: 'string', demandOption: true, describe: 'path to the connector config JSON', requiresArg: true } as const;

async function parseCommandLine(): Promise<void> {
  const { default: yargs } = await import('yargs');
  const { hideBin } = await import('yargs/helpers');
  await yargs(hideBin(process.argv))
    .scriptName('destination-hyros')
    .usage('$0 <command> [options]\n\nAirbyte destination connector for Hyros: writes orders, leads, calls … read from stdin. stdout carries Airbyte protocol messages only.')
    .command('spec', 'print the connector specification', {}, () => run(runSpec))
    .command('check', 'check the config, the API key and its write roles', { config: configOption }, (args) =>
      run(async () => (await import('./check.js')).runDestinationCheck(args.config, writer)),
    )
    .command('discover', 'print the objects the destination can write (DESTINATION_CATALOG)', { config: configOption }, (args) =>
      run(async () => (await import('./discover.js')).runDestinationDiscover(args.config, writer)),
    )
    .command(
      'write',
      'write the Airbyte messages on stdin to Hyros',
      {
        config: configOption,
        catalog: { type: 'string', demandOption: true, describe: 'path to the configured catalog JSON', requiresArg: true },
        'dry-run': { type: 'boolean', default: false, describe: 'validate and map, send nothing, echo no state' },
      },
      (args) => run(async () => (await import('./write.js')).runWrite({ config: args.config, catalog: args.catalog, dryRun: args['dry-run'] }, writer, logger)),
    )
    .option('debug', { type: 'boolean', describe: 'accepted for compatibility with Airbyte runners', default: false })
    .demandCommand(1, 'Name a command: spec, check, discover or write.')
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

// Airbyte calls `spec` often and expects it at once: answer it without loading yargs.
if (process.argv.length === 3 && process.argv[2] === 'spec') {
  await run(runSpec);
} else {
  await parseCommandLine();
}
