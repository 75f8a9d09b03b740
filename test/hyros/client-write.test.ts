/**
 * HyrosClient.write through nock: the write rows of the one classification table. A 400 or a 200
 * `result: "ERROR"` rejects the record; a lost answer after sending is `ambiguous` (never resent by
 * the client); 5xx, 429 and connection refusals are retried as for reads; 401/403 fail the run.
 */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { HyrosApiError } from '../../src/hyros/errors.js';
import { API_KEY, BASE_PATH, ORIGIN, RecordingObserver, expectNoKey, makeClient, rejectionOf, useStrictNock } from './support.js';

const json = { 'Content-Type': 'application/json' };
const ORDERS = `${BASE_PATH}orders`;
const order = { orderId: 'o-1', email: 'a@b.co', date: '2026-03-01T10:00:00+00:00', items: [{ name: 'Thing', price: 1 }] };

useStrictNock();

describe('HyrosClient.write', () => {
  it('POSTs the JSON body with the key, content type and account headers; 200 OK is accepted with its request_id', async () => {
    nock(ORIGIN, { reqheaders: { 'api-key': API_KEY, 'content-type': 'application/json', 'accessible-account-id': 'acc-9' } })
      .post(ORDERS, order)
      .reply(200, { result: 'OK', request_id: 'fd6b9db779064ff994e726375bc07447' }, json);
    const outcome = await makeClient().write('POST', 'orders', order, { accountId: 'acc-9' });
    expect(outcome).toMatchObject({ kind: 'accepted', requestId: 'fd6b9db779064ff994e726375bc07447', body: { result: 'OK' } });
  });

  it('a refund is a DELETE with the order id in the path and the amount in the query, no body', async () => {
    nock(ORIGIN).delete(`${BASE_PATH}orders/A%2F1`).query({ refundedAmount: '12.5' }).reply(200, { result: 'OK', request_id: 'r1' }, json);
    expect(await makeClient().write('DELETE', `orders/${encodeURIComponent('A/1')}`, undefined, {}, [['refundedAmount', '12.5']])).toMatchObject({ kind: 'accepted', requestId: 'r1' });
  });

  it('400: the record is rejected with Hyros\' messages, once, not retried', async () => {
    nock(ORIGIN).post(ORDERS).once().reply(400, { result: 'ERROR', message: ['The Email is not valid', 'Invalid currency'] }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().write('POST', 'orders', order, { observer })).toEqual({ kind: 'rejected', status: 400, message: 'The Email is not valid; Invalid currency', notFound: false });
    expect(observer.requests).toBe(1);
  });

  it('200 with result ERROR is a rejection too (success is judged from the body)', async () => {
    nock(ORIGIN).post(ORDERS).reply(200, { result: 'ERROR', message: ['There was a problem while processing the request'] }, json);
    expect(await makeClient().write('POST', 'orders', order)).toEqual({ kind: 'rejected', status: 200, message: 'There was a problem while processing the request', notFound: false });
  });

  it('200 with a cut body is accepted (Hyros took it; resending could duplicate), without a request id', async () => {
    nock(ORIGIN).post(ORDERS).reply(200, '{"result":"OK","requ', json);
    expect(await makeClient().write('POST', 'orders', order)).toMatchObject({ kind: 'accepted', requestId: undefined, body: undefined });
  });

  it('a connection reset after the request was sent is ambiguous: reported, not retried', async () => {
    nock(ORIGIN).post(ORDERS).once().replyWithError({ code: 'ECONNRESET', message: `socket hang up (API-Key: ${API_KEY})` });
    const observer = new RecordingObserver();
    const outcome = await makeClient().write('POST', 'orders', order, { observer });
    expect(outcome).toMatchObject({ kind: 'ambiguous', reason: expect.stringContaining('ECONNRESET') });
    expect(observer.requests).toBe(1);
    expectNoKey(outcome);
  });

  it('a timeout after sending is ambiguous', async () => {
    nock(ORIGIN).post(ORDERS).delay(500).reply(200, { result: 'OK' }, json);
    const outcome = await makeClient({ timeoutMs: 100 }).write('POST', 'orders', order);
    expect(outcome).toMatchObject({ kind: 'ambiguous', reason: expect.stringContaining('timed out after 100 ms') });
  });

  it('a refused connection never reached Hyros: retried at once, then accepted', async () => {
    nock(ORIGIN).post(ORDERS).replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    nock(ORIGIN).post(ORDERS).reply(200, { result: 'OK', request_id: 'r2' }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().write('POST', 'orders', order, { observer })).toMatchObject({ kind: 'accepted', requestId: 'r2' });
    expect(observer.retries.map((r) => r.reason)).toEqual([expect.stringContaining('ECONNREFUSED')]);
  });

  it('5xx (Hyros answered: not accepted) and 429 are retried, then accepted', async () => {
    nock(ORIGIN).post(ORDERS).reply(503, 'Service Unavailable', { 'Retry-After': '0' });
    nock(ORIGIN).post(ORDERS).reply(429, { result: 'ERROR', message: ['Number of API requests per second exceeded'] }, { ...json, 'Retry-After': '0' });
    nock(ORIGIN).post(ORDERS).reply(200, { result: 'OK', request_id: 'r3' }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().write('POST', 'orders', order, { observer })).toMatchObject({ kind: 'accepted', requestId: 'r3' });
    expect(observer.requests).toBe(3);
    expect(observer.retries).toHaveLength(1);
    expect(observer.rateLimits).toHaveLength(1);
  });

  it('401 Api key not valid and 403 Missing role fail the run with a config_error', async () => {
    nock(ORIGIN).post(ORDERS).reply(401, { result: 'ERROR', message: ['Api key not valid'] }, json);
    const keyError = await rejectionOf(makeClient().write('POST', 'orders', order));
    expect(keyError).toBeInstanceOf(HyrosApiError);
    expect(keyError).toMatchObject({ failureType: 'config_error', keyRejected: true, status: 401 });
    nock(ORIGIN).post(ORDERS).reply(403, { result: 'ERROR', message: ['Missing role Create Orders'] }, json);
    const roleError = await rejectionOf(makeClient().write('POST', 'orders', order));
    expect(roleError).toMatchObject({ failureType: 'config_error', status: 403, message: 'The API key lacks the Hyros role Create Orders needed for POST /orders (HTTP 403). Add the role to the API key under Settings → API in Hyros, or deselect the stream.' });
    expectNoKey(keyError, roleError);
  });
});
