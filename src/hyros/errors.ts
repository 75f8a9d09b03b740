/** The errors the Hyros client throws: a failed request, and a page cursor the server invalidated. */
import { ConnectorError } from '../common/errors.js';
import { describeFailure, failureTypeOf, type Failure } from './failure.js';

/** Thrown when the server invalidated the page cursor; the caller restarts its window. */
export class PaginationResetError extends Error {
  constructor(readonly endpoint: string, reason: string) {
    super(`${endpoint}: the page cursor was rejected (${reason})`);
    this.name = 'PaginationResetError';
  }
}

/** A failed request: `failure` says why, as data; the message is rendered from it. */
export class HyrosApiError extends ConnectorError {
  readonly status: number | undefined;
  readonly endpoint: string;
  /** Hyros refused the key itself: no request with it can succeed. */
  readonly keyRejected: boolean;
  /** base_url does not lead to the API: no request can succeed either. */
  readonly baseUrlWrong: boolean;

  constructor(readonly failure: Failure) {
    super(describeFailure(failure), failureTypeOf(failure), {
      internalMessage: `${failure.endpoint}${failure.status === undefined ? '' : ` → HTTP ${failure.status}`}`,
    });
    this.name = 'HyrosApiError';
    this.status = failure.status;
    this.endpoint = failure.endpoint;
    this.keyRejected = failure.kind === 'key_rejected' || failure.kind === 'key_refused_everywhere';
    this.baseUrlWrong = failure.kind === 'wrong_base_url';
  }

  /** No request of the run can succeed after this one: the read or write stops as a whole. */
  get stopsRun(): boolean {
    return this.keyRejected || this.baseUrlWrong;
  }
}

/** The failure of `error` when it is a failed Hyros request. */
export function failureOf(error: unknown): Failure | undefined {
  return error instanceof HyrosApiError ? error.failure : undefined;
}

/**
 * A bare 401 (no "Api key not valid") is how older Hyros versions answer a key that lacks the
 * endpoint's role, and maybe a key that is not valid: one stream's 401 is that stream's problem,
 * every stream's first request answered 401 is the key's.
 */
export function isBareUnauthorized(error: unknown): error is HyrosApiError {
  return failureOf(error)?.kind === 'unauthorized';
}

export function keyRefusedEverywhere(endpoints: readonly string[]): HyrosApiError {
  const sorted = [...new Set(endpoints)].sort();
  return new HyrosApiError({ kind: 'key_refused_everywhere', status: 401, endpoint: sorted.join(', '), endpoints: sorted });
}
