#!/usr/bin/env node
// No V8 flags here: `read` bounds its heap in-process (src/memory.ts), so `npx source-hyros`,
// `node dist/src/main.js` and the image behave the same.
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
