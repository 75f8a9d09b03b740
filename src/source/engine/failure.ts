/**
 * What a failed stream reports, in one place: its INCOMPLETE status and one TRACE ERROR saying what
 * failed, with the advice its declaration allows (the role to add, the API version an endpoint
 * needs), typed by the error's failure type.
 */
import { ConnectorError, errorMessage, type FailureType } from '../../common/errors.js';
import { failureOf } from '../../hyros/errors.js';
import { errorTraceMessage, streamStatusMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import type { StreamDeclaration } from '../streams/declaration.js';

/**
 * `silent`: the read stopped for a cause reported once for all streams (a rejected key, a wrong
 * base_url), so this stream ends INCOMPLETE without an error of its own.
 */
export function reportStreamFailure(writer: MessageWriter, declaration: StreamDeclaration, error: unknown, silent = false): void {
  const { name } = declaration;
  writer.send(streamStatusMessage(name, 'INCOMPLETE'));
  if (silent) return;
  const failureType: FailureType = error instanceof ConnectorError ? error.failureType : 'system_error';
  const advice = failureAdvice(declaration, error);
  const message = `Stream ${name} failed: ${errorMessage(error)}${advice ? ` ${advice}` : ''}`;
  writer.send(
    errorTraceMessage(message, failureType, {
      stream: name,
      internalMessage: error instanceof ConnectorError ? error.internalMessage : undefined,
      // A config error is the user's to fix: its stack says nothing to them.
      stackTrace: error instanceof Error && failureType !== 'config_error' ? error.stack : undefined,
    }),
  );
}

/** Extra advice appended to a failure message (e.g. the role to add). */
export function failureAdvice(declaration: StreamDeclaration, error: unknown): string | undefined {
  return declaration.partitioning.kind === 'report-days' ? explainReportFailure(error) : explainHyrosFailure(declaration, error);
}

function explainHyrosFailure(definition: Pick<StreamDeclaration, 'name' | 'role' | 'since'>, error: unknown): string | undefined {
  const kind = failureOf(error)?.kind;
  // A 403 that names no role: name the stream's.
  if (kind === 'forbidden') return `This stream needs the "${definition.role}" role on the API key.`;
  if (kind === 'no_endpoint') {
    return `The ${definition.name} endpoint needs Hyros API ${definition.since ?? 'a newer version'}; deselect the ${definition.name} stream if this account does not offer it.`;
  }
  return undefined;
}

/** The roles a report stream's requests need (the report, its ids, the account's timezone). */
const ROLE_BY_PATH: Record<string, string> = {
  'GET /attribution': 'Get Attribution',
  'GET /ads': 'Get Ads',
  'GET /sources': 'Get Sources',
  'GET /ad-accounts': 'Get Ad Accounts',
  'GET /user-info': 'Get User Information',
};

function explainReportFailure(error: unknown): string | undefined {
  // A 403 that names no role: name the one of the endpoint that refused.
  const failure = failureOf(error);
  const role = failure?.kind === 'forbidden' ? ROLE_BY_PATH[failure.endpoint] : undefined;
  return role ? `This report needs the "${role}" role on the API key.` : undefined;
}
