/**
 * A 404 is an endpoint this account's API version lacks, or a base_url that is not the API root at
 * all. One GET /user-info (every version answers it; its 404 is classified as a wrong base_url)
 * tells them apart, asked once per client whatever the number of 404s.
 */
import type { HyrosClient } from './client.js';
import { failureOf, HyrosApiError } from './errors.js';
import type { RequestContext } from './request.js';

/** A function that returns the error to report for a failure: a 404 may become the wrong base_url. */
export function notFoundDiagnosis(client: HyrosClient, context: RequestContext = {}): (error: unknown) => Promise<unknown> {
  let probe: Promise<unknown> | undefined;
  return async (error) => {
    const kind = failureOf(error)?.kind;
    if (kind !== 'no_endpoint' && kind !== 'not_found') return error;
    probe ??= client.getJson('user-info', [], context).then(
      () => undefined,
      (probeError: unknown) => probeError,
    );
    const verdict = await probe;
    return verdict instanceof HyrosApiError && verdict.baseUrlWrong ? verdict : error;
  };
}
