#!/usr/bin/env -S node --max-semi-space-size=8 --heap-growing-percent=10
// The flags keep memory flat: V8 sizes its heap growth for the host's RAM, so garbage of large
// page bodies piled up to 200+ MB RSS for a live set under 20 MB. With them a backfill stays near
// 130 MB at about the same speed (npm run bench). `node dist/src/main.js` works too, without them.
/**
 * The CLI (Airbyte's source contract): spec | check --config | discover --config |
 * read --config --catalog [--state]. stdout carries only protocol messages; any failure ends in
 * exactly one TRACE ERROR and a non-zero exit.
 */
import { Logger } from './protocol/logger.js';
import { createCommandRunner } from './protocol/runner.js';
import { MessageWriter } from './protocol/writer.js';
import { redact } from './redact.js';

const writer = new MessageWriter(process.stdout);
const logger = new Logger(writer);
const { run } = createCommandRunner(writer);

const configOption = { type: 'string', demandOption: true, describe: 'path to the connector config JSON', requiresArg: true } as const;

async function parseCommandLine(): Promise<void> {
  const { default: yargs } = await import('yargs');
  const { hideBin } = await import('yargs/helpers');
  await yargs(hideBin(process.argv))
    .scriptName('source-hyros')
    .usage('$0 <command> [options]\n\nAirbyte source connector for Hyros. stdout carries Airbyte protocol messages only.')
    .command('spec', 'print the connector specification', {}, () => run(async () => (await import('./commands/spec.js')).runSpec(writer)))
    .command('check', 'check the config and the API key', { config: configOption }, (args) =>
      run(async () => (await import('./commands/check.js')).runCheck(args.config, writer, logger)),
    )
    .command('discover', 'print the catalog of streams', { config: configOption }, (args) =>
      run(async () => (await import('./commands/discover.js')).runDiscover(args.config, writer)),
    )
    .command(
      'read',
      'read records',
      {
        config: configOption,
        catalog: { type: 'string', demandOption: true, describe: 'path to the configured catalog JSON', requiresArg: true },
        state: { type: 'string', describe: 'path to the state JSON of the previous sync', requiresArg: true },
      },
      (args) => run(async () => (await import('./commands/read.js')).runRead(args, writer, logger)),
    )
    .option('debug', { type: 'boolean', describe: 'accepted for compatibility with Airbyte runners', default: false })
    .demandCommand(1, 'Name a command: spec, check, discover or read.')
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
  await run(async () => (await import('./commands/spec.js')).runSpec(writer));
} else {
  await parseCommandLine();
}
