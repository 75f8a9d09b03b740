/**
 * The classification table hands failures on as data: the kind, the endpoint, the status, Hyros'
 * own words and what each kind needs (the missing role, the unknown parameter, base_url). Later
 * decisions read these fields; the message is rendered from them once (HyrosApiError.message).
 */
import { describe, expect, it } from 'vitest';
import { classifyResponse, type HttpOutcome } from '../../src/hyros/classify.js';
import { HyrosApiError, isBareUnauthorized, keyRefusedEverywhere } from '../../src/hyros/errors.js';
import { describeFailure, failureTypeOf, type Failure } from '../../src/hyros/failure.js';

const JSON_TYPE = 'application/json';
const envelope = (...message: string[]) => JSON.stringify({ result: 'ERROR', message });
const answer = (status: number, bodyText: string, extra: Partial<HttpOutcome> = {}): HttpOutcome => ({
  status,
  contentType: bodyText.startsWith('{') ? JSON_TYPE : 'text/plain',
  bodyText,
  endpoint: 'GET /leads',
  hadPageId: false,
  ...extra,
});
const failureOf = (outcome: HttpOutcome): Failure => {
  const classification = classifyResponse(outcome);
  if (classification.action !== 'fail') throw new Error(`expected a failure, got ${classification.action}`);
  return classification.failure;
};

describe('classifyResponse: failures as data', () => {
  it.each<[string, HttpOutcome, Failure]>([
    ['"Api key not valid" on a 401', answer(401, envelope('Api key not valid')), { kind: 'key_rejected', status: 401, endpoint: 'GET /leads', apiMessage: 'Api key not valid' }],
    ['"Api key not valid" on a 400', answer(400, envelope('Api key not valid')), { kind: 'key_rejected', status: 400, endpoint: 'GET /leads', apiMessage: 'Api key not valid' }],
    ['a bare 401', answer(401, 'Unauthorized'), { kind: 'unauthorized', status: 401, endpoint: 'GET /leads', apiMessage: 'Unauthorized' }],
    ['403 Missing role', answer(403, envelope('Missing role GET_LEADS')), { kind: 'missing_role', status: 403, role: 'GET_LEADS', endpoint: 'GET /leads', apiMessage: 'Missing role GET_LEADS' }],
    [
      '403 for a client account',
      answer(403, envelope('Not authorized: account acc-9 is not one of your connected client accounts.')),
      { kind: 'account_refused', status: 403, endpoint: 'GET /leads', apiMessage: 'Not authorized: account acc-9 is not one of your connected client accounts.' },
    ],
    ['another 403', answer(403, envelope('Forbidden')), { kind: 'forbidden', status: 403, endpoint: 'GET /leads', apiMessage: 'Forbidden' }],
    [
      '404 on user-info',
      answer(404, 'Not found', { endpoint: 'GET /user-info', baseUrl: 'http://127.0.0.1:8080/' }),
      { kind: 'wrong_base_url', status: 404, baseUrl: 'http://127.0.0.1:8080/', endpoint: 'GET /user-info', apiMessage: 'Not found' },
    ],
    ['a 404 page elsewhere', answer(404, 'Not found'), { kind: 'no_endpoint', status: 404, endpoint: 'GET /leads', apiMessage: 'Not found' }],
    [
      "a 404 in Hyros' JSON",
      answer(404, envelope('Request not found'), { endpoint: 'GET /requests/abc' }),
      { kind: 'not_found', status: 404, endpoint: 'GET /requests/abc', apiMessage: 'Request not found' },
    ],
    [
      '400 Unknown parameter',
      answer(400, envelope('Unknown parameter: updatedFromDate')),
      { kind: 'unknown_parameter', status: 400, parameter: 'updatedFromDate', endpoint: 'GET /leads', apiMessage: 'Unknown parameter: updatedFromDate' },
    ],
    ['another 400', answer(400, envelope('Invalid date format')), { kind: 'bad_request', status: 400, endpoint: 'GET /leads', apiMessage: 'Invalid date format' }],
  ])('%s', (_name, outcome, expected) => {
    expect(failureOf(outcome)).toEqual(expected);
  });

  it('a refused write says whether Hyros does not know the record, from its own words', () => {
    const write = { endpoint: 'DELETE /orders/o-1', write: true };
    expect(classifyResponse(answer(400, envelope('Order not found: o-1'), write))).toEqual({ action: 'reject', status: 400, message: 'Order not found: o-1', notFound: true });
    expect(classifyResponse(answer(400, envelope('Invalid currency'), write))).toEqual({ action: 'reject', status: 400, message: 'Invalid currency', notFound: false });
  });
});

describe('HyrosApiError: the message is rendered from the failure, its fields are the decisions', () => {
  it('carries the failure and renders the one message', () => {
    const failure: Failure = { kind: 'missing_role', status: 403, role: 'GET_CALLS', endpoint: 'GET /calls', apiMessage: 'Missing role GET_CALLS' };
    const error = new HyrosApiError(failure);
    expect(error.failure).toBe(failure);
    expect(error.message).toBe(describeFailure(failure));
    expect(error.message).toBe('The API key lacks the Hyros role GET_CALLS needed for GET /calls (HTTP 403). Add the role to the API key under Settings → API in Hyros, or deselect the stream.');
    expect([error.failureType, error.status, error.endpoint, error.internalMessage, error.keyRejected, error.stopsRun]).toEqual(['config_error', 403, 'GET /calls', 'GET /calls → HTTP 403', false, false]);
  });

  it('stops the run for the key and for base_url, not for a role', () => {
    const key = new HyrosApiError(failureOf(answer(401, envelope('Api key not valid'))));
    const baseUrl = new HyrosApiError(failureOf(answer(404, 'Not found', { endpoint: 'GET /user-info', baseUrl: 'http://127.0.0.1:8080/v1/api' })));
    const bare = new HyrosApiError(failureOf(answer(401, 'Unauthorized')));
    expect([key.stopsRun, baseUrl.stopsRun, bare.stopsRun]).toEqual([true, true, false]);
    expect([isBareUnauthorized(key), isBareUnauthorized(bare)]).toEqual([false, true]);
    expect(baseUrl.message).toBe(
      'base_url http://127.0.0.1:8080/v1/api does not lead to the Hyros API: GET /user-info answered HTTP 404: Not found. Set base_url to the API root, which ends in the path /v1/api/v1.0 (default https://api.hyros.com/v1/api/v1.0). Did you mean http://127.0.0.1:8080/v1/api/v1.0?',
    );
    const everywhere = keyRefusedEverywhere(['GET /sales', 'GET /leads', 'GET /sales']);
    expect([everywhere.keyRejected, everywhere.stopsRun, everywhere.failureType, everywhere.endpoint]).toEqual([true, true, 'config_error', 'GET /leads, GET /sales']);
  });

  it('a proxy path that is the API root gets no suggestion', () => {
    const failure = failureOf(answer(404, 'Not found', { endpoint: 'GET /user-info', baseUrl: 'https://proxy.example.com/hyros/v1/api/v1.0/' }));
    expect(describeFailure(failure)).toBe(
      'base_url https://proxy.example.com/hyros/v1/api/v1.0 does not lead to the Hyros API: GET /user-info answered HTTP 404: Not found. Set base_url to the API root, which ends in the path /v1/api/v1.0 (default https://api.hyros.com/v1/api/v1.0).',
    );
  });

  it('every kind has a failure type: the user, us, or time', () => {
    expect(failureTypeOf({ kind: 'retries_exhausted', endpoint: 'GET /leads', retries: 3, lastError: 'HTTP 503' })).toBe('transient_error');
    expect(failureTypeOf({ kind: 'no_endpoint', status: 404, endpoint: 'GET /carts' })).toBe('system_error');
    expect(failureTypeOf({ kind: 'unauthorized', status: 401, endpoint: 'GET /carts' })).toBe('config_error');
  });
});
