/** The errors the Hyros client throws: a failed request, and a page cursor the server invalidated. */
import { ConnectorError } from '../common/errors.js';

/** Thrown when the server invalidated the page cursor; the caller restarts its window. */
export class PaginationResetError extends Error {
  constructor(readonly endpoint: string, reason: string) {
    super(`${endpoint}: the page cursor was rejected (${reason})`);
    this.name = 'PaginationResetError';
  }
}

export class HyrosApiError extends ConnectorError {
  constructor(
    message: string,
    failureType: ConnectorError['failureType'],
    readonly status: number | undefined,
    readonly endpoint: string,
    /** Hyros said the key itself is not valid: no request with it can succeed. */
    readonly keyRejected = false,
    /** base_url does not lead to the API: no request can succeed either. */
    readonly baseUrlWrong = false,
  ) {
    super(message, failureType, { internalMessage: `${endpoint}${status === undefined ? '' : ` → HTTP ${status}`}` });
    this.name = 'HyrosApiError';
  }

  /** No request of the run can succeed after this one: the read or write stops as a whole. */
  get stopsRun(): boolean {
    return this.keyRejected || this.baseUrlWrong;
  }
}

/**
 * A bare 401 (no "Api key not valid") is how older Hyros versions answer a key that lacks the
 * endpoint's role, and maybe a key that is not valid: one stream's 401 is that stream's problem,
 * every stream's first request answered 401 is the key's.
 */
export function isBareUnauthorized(error: unknown): error is HyrosApiError {
  return error instanceof HyrosApiError && error.status === 401 && !error.keyRejected;
}

export function keyRefusedEverywhere(endpoints: readonly string[]): HyrosApiError {
  const listed = [...new Set(endpoints)].sort().join(', ');
  return new HyrosApiError(
    `Hyros answered HTTP 401 (Unauthorized) to the first request of every stream (${listed}): the API key is not valid, or has none of the roles these streams need. Check the API key and its roles under Settings → API in Hyros.`,
    'config_error',
    401,
    listed,
    true,
  );
}
