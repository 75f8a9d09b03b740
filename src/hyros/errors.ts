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
  ) {
    super(message, failureType, { internalMessage: `${endpoint}${status === undefined ? '' : ` → HTTP ${status}`}` });
    this.name = 'HyrosApiError';
  }
}
