#!/usr/bin/env node
// No V8 flags here: `write` bounds its heap in-process (src/memory.ts), as the source's `read` does.
/**
 * destination-hyros' CLI (Airbyte's destination contract): spec | check --config | discover --config |
 * write --config --catalog [--dry-run] [--state-out]. stdout carries only protocol messages; any failure ends in
 * exactly one TRACE ERROR and a non-zero exit.
 */
import { readFileSync } from 'node:fs';
import { Logger } from '../protocol/logger.js';
import { specMessage, type ConnectorSpecification } from '../protocol/messages.js';
import { catalogOption, configOption, runCommandLine } from '../protocol/cli.js';
import { createCommandRunner } from '../protocol/runner.js';
import { MessageWriter } from '../protocol/writer.js';

const writer = new MessageWriter(process.stdout);
const logger = new Logger(writer);
const { run } = createCommandRunner(writer, 'destination-hyros');

export const DESTINATION_SPEC_FILE = new URL('../../../spec/destination-spec.json', import.meta.url);

function runSpec(): number {
  writer.send(specMessage(JSON.parse(readFileSync(DESTINATION_SPEC_FILE, 'utf8')) as ConnectorSpecification));
  return 0;
}

const text = (value: string | boolean | undefined) => value as string;

await runCommandLine({
  name: 'destination-hyros',
  about: 'Airbyte destination connector for Hyros: writes orders, leads, calls … read from stdin. stdout carries Airbyte protocol messages only.',
  commands: [
    { name: 'spec', describe: 'print the connector specification', options: {}, run: () => run(runSpec) },
    {
      name: 'check',
      describe: 'check the config, the API key and its write roles',
      options: { config: configOption },
      run: (args) => run(async () => (await import('./check.js')).runDestinationCheck(text(args.config), writer)),
    },
    {
      name: 'discover',
      describe: 'print the objects the destination can write (DESTINATION_CATALOG)',
      options: { config: configOption },
      run: (args) => run(async () => (await import('./discover.js')).runDestinationDiscover(text(args.config), writer)),
    },
    {
      name: 'write',
      describe: 'write the Airbyte messages on stdin to Hyros',
      options: {
        config: configOption,
        catalog: catalogOption,
        'dry-run': { type: 'boolean', describe: 'validate and map, send nothing, echo no state' },
        'state-out': {
          type: 'string',
          describe: "keep this file up to date with every stream's last echoed state, to pass as the source's next --state",
        },
      },
      run: (args) =>
        run(async () =>
          (await import('./write.js')).runWrite(
            { config: text(args.config), catalog: text(args.catalog), dryRun: args['dry-run'] === true, stateOut: args['state-out'] as string | undefined },
            writer,
            logger,
          ),
        ),
    },
  ],
});
