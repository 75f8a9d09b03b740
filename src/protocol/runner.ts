/**
 * How a connector process runs a command: any failure, thrown or uncaught, ends in exactly one
 * redacted TRACE ERROR on stdout and a non-zero exit code. Both connectors' entry points use it.
 */
import { ConnectorError, errorMessage } from '../common/errors.js';
import { errorTraceMessage } from './messages.js';
import type { MessageWriter } from './writer.js';

export interface CommandRunner {
  /** Runs one command; its result becomes the exit code. */
  run(command: () => Promise<number> | number): Promise<void>;
  reportFatal(error: unknown): Promise<void>;
}

export function createCommandRunner(writer: MessageWriter): CommandRunner {
  let fatalReported = false;

  async function reportFatal(error: unknown): Promise<void> {
    if (fatalReported) return;
    fatalReported = true;
    const known = error instanceof ConnectorError;
    const message = known ? error.message : `Something went wrong in the connector: ${errorMessage(error)}`;
    writer.send(
      errorTraceMessage(message, known ? error.failureType : 'system_error', {
        internalMessage: known ? error.internalMessage : errorMessage(error),
        stackTrace: error instanceof Error ? error.stack : undefined,
      }),
    );
    await writer.flush();
    process.exitCode = 1;
  }

  process.on('uncaughtException', (error) => {
    void reportFatal(error).finally(() => process.exit(1));
  });
  process.on('unhandledRejection', (reason) => {
    void reportFatal(reason).finally(() => process.exit(1));
  });

  return {
    reportFatal,
    async run(command) {
      try {
        process.exitCode = await command();
        await writer.flush();
      } catch (error) {
        await reportFatal(error);
      }
    },
  };
}
