/**
 * What a failed stream reports, in one place: its INCOMPLETE status and one TRACE ERROR saying what
 * failed (with the advice its declaration allows), typed by the error's failure type.
 */
import { ConnectorError, errorMessage, type FailureType } from '../../common/errors.js';
import { errorTraceMessage, streamStatusMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';

export function reportStreamFailure(writer: MessageWriter, name: string, error: unknown, advice: string | undefined): void {
  const failureType: FailureType = error instanceof ConnectorError ? error.failureType : 'system_error';
  const message = `Stream ${name} failed: ${errorMessage(error)}${advice ? ` ${advice}` : ''}`;
  writer.send(streamStatusMessage(name, 'INCOMPLETE'));
  writer.send(
    errorTraceMessage(message, failureType, {
      stream: name,
      internalMessage: error instanceof ConnectorError ? error.internalMessage : undefined,
      stackTrace: error instanceof Error ? error.stack : undefined,
    }),
  );
}
