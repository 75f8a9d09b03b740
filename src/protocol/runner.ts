/**
 * How a connector process runs a command: any failure, thrown or uncaught, ends in exactly one
 * redacted TRACE ERROR on stdout and a non-zero exit code. Both connectors' entry points use it.
 *
 * Whenever the exit code is not 0, one line also goes to stderr saying why, so a person who
 * redirected stdout (the protocol channel) to a file or the next process still sees it.
 */
import { ConnectorError, errorMessage } from '../common/errors.js';
import { redact } from '../common/redact.js';
import { errorTraceMessage } from './messages.js';
import type { MessageWriter } from './writer.js';

export interface CommandRunner {
  /** Runs one command; its result becomes the exit code. */
  run(command: () => Promise<number> | number): Promise<void>;
  reportFatal(error: unknown): Promise<void>;
}

/** One line on stderr for a person: never the key, never more than one line. */
export function tellOnStderr(connector: string, text: string): void {
  process.stderr.write(`${connector}: ${redact(text).replace(/\s+/g, ' ').trim()}\n`);
}

export function createCommandRunner(writer: MessageWriter, connector: string): CommandRunner {
  let fatalReported = false;

  async function reportFatal(error: unknown): Promise<void> {
    if (fatalReported) return;
    fatalReported = true;
    const known = error instanceof ConnectorError;
    const message = known ? error.message : `Something went wrong in the connector: ${errorMessage(error)}`;
    const failureType = known ? error.failureType : 'system_error';
    writer.send(
      errorTraceMessage(message, failureType, {
        internalMessage: known ? error.internalMessage : errorMessage(error),
        // A config error is the user's to fix: its stack says nothing to them.
        stackTrace: error instanceof Error && failureType !== 'config_error' ? error.stack : undefined,
      }),
    );
    await writer.flush();
    tellOnStderr(connector, message);
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
        const exitCode = await command();
        process.exitCode = exitCode;
        await writer.flush();
        if (exitCode !== 0) tellOnStderr(connector, summarizeErrors(writer.errorsSent, exitCode));
      } catch (error) {
        await reportFatal(error);
      }
    },
  };
}

/** The errors a command reported one by one (failed streams), as one line. */
function summarizeErrors(errors: readonly string[], exitCode: number): string {
  const first = errors[0];
  if (first === undefined) return `exited with code ${exitCode}; see the LOG messages on stdout.`;
  if (errors.length === 1) return first;
  return `${errors.length} errors (each in a TRACE ERROR message on stdout); the first: ${first}`;
}
