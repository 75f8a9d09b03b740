/** Airbyte's failure types: who has to act (the user, Airbyte/us, or nobody: just retry later). */
export type FailureType = 'config_error' | 'system_error' | 'transient_error';

/**
 * An error the connector understands: it carries the user-facing message (what happened and what
 * to do), the failure type for the TRACE message, and optional internal detail for logs.
 */
export class ConnectorError extends Error {
  readonly failureType: FailureType;
  readonly internalMessage: string | undefined;

  constructor(message: string, failureType: FailureType, options: { internalMessage?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = failureType;
    this.internalMessage = options.internalMessage;
  }
}

export function configError(message: string, internalMessage?: string): ConnectorError {
  return new ConnectorError(message, 'config_error', internalMessage === undefined ? {} : { internalMessage });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
