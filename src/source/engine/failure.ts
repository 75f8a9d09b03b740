/**
 * What a failed stream reports, in one place: its INCOMPLETE status and one TRACE ERROR saying what
 * failed, with the advice its declaration allows (the role to add, the API version an endpoint
 * needs), typed by the error's failure type.
 */
import { ConnectorError, errorMessage, type FailureType } from '../../common/errors.js';
import { HyrosApiError } from '../../hyros/errors.js';
import { errorTraceMessage, streamStatusMessage } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import type { StreamDeclaration } from '../streams/declaration.js';

export function reportStreamFailure(writer: MessageWriter, declaration: StreamDeclaration, error: unknown): void {
  const { name } = declaration;
  const failureType: FailureType = error instanceof ConnectorError ? error.failureType : 'system_error';
  const advice = failureAdvice(declaration, error);
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

/** Extra advice appended to a failure message (e.g. the role to add). */
export function failureAdvice(declaration: StreamDeclaration, error: unknown): string | undefined {
  return declaration.partitioning.kind === 'report-days' ? explainReportFailure(error) : explainHyrosFailure(declaration, error);
}

function explainHyrosFailure(definition: Pick<StreamDeclaration, 'name' | 'role' | 'since'>, error: unknown): string | undefined {
  if (!(error instanceof HyrosApiError)) return undefined;
  if (error.status === 403 && !/role/i.test(error.message)) return `This stream needs the "${definition.role}" role on the API key.`;
  if (error.status === 404) {
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
  if (!(error instanceof HyrosApiError) || error.status !== 403) return undefined;
  if (/role|not one of your connected client accounts/i.test(error.message)) return undefined;
  const role = error.endpoint === undefined ? undefined : ROLE_BY_PATH[error.endpoint];
  return role ? `This report needs the "${role}" role on the API key.` : undefined;
}
