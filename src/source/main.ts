#!/usr/bin/env node
// No V8 flags here: `read` bounds its heap in-process (src/memory.ts), so `npx source-hyros`,
// `node dist/src/source/main.js` and the image behave the same.
/**
 * The CLI (Airbyte's source contract): spec | check --config | discover --config |
 * read --config --catalog [--state] [--state-out]. stdout carries only protocol messages; any failure ends in
 * exactly one TRACE ERROR and a non-zero exit.
 */
import { Logger } from '../protocol/logger.js';
import { catalogOption, configOption, runCommandLine } from '../protocol/cli.js';
import { createCommandRunner } from '../protocol/runner.js';
import { MessageWriter } from '../protocol/writer.js';

const writer = new MessageWriter(process.stdout);
const logger = new Logger(writer);
const { run } = createCommandRunner(writer, 'source-hyros');
const text = (value: string | boolean | undefined) => value as string;

await runCommandLine({
  name: 'source-hyros',
  about: 'Airbyte source connector for Hyros. stdout carries Airbyte protocol messages only.',
  commands: [
    {
      name: 'spec',
      describe: 'print the connector specification',
      options: {},
      run: () => run(async () => (await import('./commands/spec.js')).runSpec(writer)),
    },
    {
      name: 'check',
      describe: 'check the config and the API key',
      options: { config: configOption },
      run: (args) => run(async () => (await import('./commands/check.js')).runCheck(text(args.config), writer, logger)),
    },
    {
      name: 'discover',
      describe: 'print the catalog of streams',
      options: { config: configOption },
      run: (args) => run(async () => (await import('./commands/discover.js')).runDiscover(text(args.config), writer)),
    },
    {
      name: 'read',
      describe: 'read records',
      options: {
        config: configOption,
        catalog: catalogOption,
        state: { type: 'string', describe: 'path to the state JSON of the previous sync' },
        'state-out': {
          type: 'string',
          describe: "keep this file up to date with every stream's last state, to pass as the next run's --state (may be the --state file itself)",
        },
      },
      run: (args) =>
        run(async () =>
          (await import('./commands/read.js')).runRead(
            { config: text(args.config), catalog: text(args.catalog), state: args.state as string | undefined, stateOut: args['state-out'] as string | undefined },
            writer,
            logger,
          ),
        ),
    },
  ],
});
