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
import { catalogOption, configOption, runCommandLine } from './protocol/cli.js';
import { createCommandRunner } from './protocol/runner.js';
import { MessageWriter } from './protocol/writer.js';

const writer = new MessageWriter(process.stdout);
const logger = new Logger(writer);
const { run } = createCommandRunner(writer);

const runSpec = () => run(async () => (await import('./commands/spec.js')).runSpec(writer));

await runCommandLine({
  name: 'source-hyros',
  about: 'Airbyte source connector for Hyros. stdout carries Airbyte protocol messages only.',
  commandNames: 'spec, check, discover or read',
  runSpec,
  commands: (cli) =>
    cli
      .command('spec', 'print the connector specification', {}, runSpec)
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
          catalog: catalogOption,
          state: { type: 'string', describe: 'path to the state JSON of the previous sync', requiresArg: true },
        },
        (args) => run(async () => (await import('./commands/read.js')).runRead(args, writer, logger)),
      ),
});
