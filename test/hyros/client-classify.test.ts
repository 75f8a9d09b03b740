/**
 * HyrosClient.getJson through nock: every row of the classification table (src/hyros/classify.ts),
 * redirects, the body-size bound, and the API key never leaking into errors or observer events.
 */
import { Readable } from 'node:stream';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HyrosApiError, PaginationResetError } from '../../src/hyros/errors.js';
import { API_KEY, BASE_PATH, ORIGIN, RecordingObserver, expectNoKey, makeClient, rejectionOf, until } from './support.js';

const json = { 'Content-Type': 'application/json' };
const text = { 'Content-Type': 'text/plain' };
const html = { 'Content-Type': 'text/html' };
const LEADS = `${BASE_PATH}leads`;
const apiError = (...message: string[]) => JSON.stringify({ result: 'ERROR', message });

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  vi.useRealTimers();
  // Every interceptor a test declared must have been used, and no stray ones survive.
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

/** getJson('leads') that must fail; returns the error and the observer for further checks. */
async function failing(reply: (interceptor: nock.Interceptor) => unknown, params: ReadonlyArray<[string, string]> = [], accountId?: string) {
  reply(nock(ORIGIN).get(LEADS).query(true));
  const observer = new RecordingObserver();
  const error = await rejectionOf(makeClient().getJson('leads', params, { observer, ...(accountId ? { accountId } : {}) }));
  expectNoKey(error, observer.retries, observer.rateLimits);
  return { error, observer };
}

describe('HyrosClient.getJson: 2xx', () => {
  it('returns the parsed body and sends the API-Key, Accept, User-Agent and account headers', async () => {
    const scope = nock(ORIGIN, {
      reqheaders: { 'api-key': API_KEY, accept: 'application/json', 'user-agent': 'source-hyros-test', 'accessible-account-id': 'acc-7' },
    })
      .get(LEADS)
      .query({ fromDate: '2026-01-01T00:00:00Z', pageSize: '250' })
      .reply(200, { result: [{ id: 'l1' }], nextPageId: null }, json);
    const observer = new RecordingObserver();
    const body = await makeClient().getJson('leads', [['fromDate', '2026-01-01T00:00:00Z'], ['pageSize', '250']], { observer, accountId: 'acc-7' });
    expect(body).toEqual({ result: [{ id: 'l1' }], nextPageId: null });
    expect(observer.requests).toBe(1);
    expect(observer.retries).toEqual([]);
    scope.done();
  });

  it('does not send Accessible-Account-Id without an account', async () => {
    nock(ORIGIN)
      .get(LEADS)
      .reply(function () {
        return [200, JSON.stringify({ account: this.req.headers['accessible-account-id'] ?? null }), json];
      });
    expect(await makeClient().getJson('leads', [])).toEqual({ account: null });
  });
});

describe('HyrosClient.getJson: failures that are not retried', () => {
  it('401 text/plain "Unauthorized" → config_error with the API message and the Settings → API hint', async () => {
    const { error, observer } = await failing((i) => i.reply(401, 'Unauthorized', text));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('config_error');
    expect(error.status).toBe(401);
    expect(error.message).toContain('HTTP 401: Unauthorized');
    expect(error.message).toContain('Settings → API');
    expect(observer.requests).toBe(1);
  });

  it('401 JSON "Api key not valid" → config_error with the API message and the hint', async () => {
    const { error, observer } = await failing((i) => i.reply(401, apiError('Api key not valid'), json));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('Api key not valid');
    expect(error.message).not.toContain('{');
    expect(error.message).toContain('Settings → API');
    expect(observer.requests).toBe(1);
  });

  it('400 "Api key not valid" is classified by message: config_error, not a system error', async () => {
    const { error } = await failing((i) => i.reply(400, apiError('Api key not valid'), json));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('Settings → API');
  });

  it('403 "Missing role GET_LEADS" → config_error naming the role and the endpoint', async () => {
    const { error, observer } = await failing((i) => i.reply(403, apiError('Missing role GET_LEADS'), json));
    expect(error.failureType).toBe('config_error');
    expect(error.status).toBe(403);
    expect(error.message).toContain('GET_LEADS');
    expect(error.message).toContain('GET /leads');
    expect(error.message).toContain('Settings → API');
    expect(observer.requests).toBe(1);
  });

  it('403 agency "not one of your connected client accounts" → config_error about the account', async () => {
    const { error, observer } = await failing(
      (i) => i.matchHeader('accessible-account-id', 'acc-9').reply(403, apiError('Account acc-9 is not one of your connected client accounts'), json),
      [],
      'acc-9',
    );
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('not one of your connected client accounts');
    expect(error.message).toContain('account_ids');
    expect(observer.requests).toBe(1);
  });

  it('400 → system_error carrying the API message', async () => {
    const { error, observer } = await failing((i) => i.reply(400, apiError('Invalid date format. Please, read the API documentation'), json));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('system_error');
    expect(error.status).toBe(400);
    expect(error.message).toContain('Invalid date format. Please, read the API documentation');
    expect(error.message).toContain('GET /leads');
    expect(observer.requests).toBe(1);
  });

  it('400 Tomcat HTML page → system_error with the short title, not the HTML', async () => {
    const page = '<!doctype html><html><head><title>HTTP Status 400 – Bad Request</title></head><body><h1>HTTP Status 400 – Bad Request</h1><hr/><p>lots of text</p></body></html>';
    const { error } = await failing((i) => i.reply(400, page, html));
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain('HTTP 400: HTTP Status 400 – Bad Request');
    expect(error.message).not.toContain('<');
  });

  it('400 "Invalid pageId" on a request that had a pageId → PaginationResetError', async () => {
    const { error, observer } = await failing((i) => i.reply(400, apiError('Invalid pageId'), json), [['pageSize', '250'], ['pageId', 'abc123']]);
    expect(error).toBeInstanceOf(PaginationResetError);
    expect(error.message).toContain('GET /leads');
    expect(error.message).toContain('Invalid pageId');
    expect(observer.requests).toBe(1);
  });

  it('the same 400 without a pageId in the request is a plain system_error', async () => {
    const { error } = await failing((i) => i.reply(400, apiError('Invalid pageId'), json), [['pageSize', '250']]);
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error).not.toBeInstanceOf(PaginationResetError);
    expect(error.failureType).toBe('system_error');
  });

  it('404 text/plain "Not found" → system_error naming the path', async () => {
    nock(ORIGIN).get(`${BASE_PATH}products`).reply(404, 'Not found', text);
    const observer = new RecordingObserver();
    const error = await rejectionOf(makeClient().getJson('products', [], { observer }));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('system_error');
    expect(error.status).toBe(404);
    expect(error.message).toContain('GET /products');
    expect(error.message).toContain('Not found');
    expect(observer.requests).toBe(1);
    expectNoKey(error);
  });
});

describe('HyrosClient.getJson: retried outcomes', () => {
  const RETRYABLE: Array<[number, string, Record<string, string>, string]> = [
    [408, 'Request Timeout', text, 'HTTP 408: Request Timeout'],
    [500, apiError('Internal error'), json, 'HTTP 500: Internal error'],
    [
      502,
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>',
      html,
      'HTTP 502: 502 Bad Gateway',
    ],
    [503, '<html><body><h1>Service Unavailable</h1><p>maintenance</p></body></html>', html, 'HTTP 503: Service Unavailable'],
    [504, '', text, 'HTTP 504'],
  ];

  it.each(RETRYABLE)('%i is retried and then succeeds', async (status, body, headers) => {
    nock(ORIGIN).get(LEADS).reply(status, body, headers).get(LEADS).reply(200, { result: [] }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().getJson('leads', [], { observer })).toEqual({ result: [] });
    expect(observer.requests).toBe(2);
    expect(observer.retries).toHaveLength(1);
    expect(observer.retries[0]?.reason).toContain(`HTTP ${status}`);
    expectNoKey(observer.retries);
  });

  it.each(RETRYABLE)('%i every time → transient_error naming the endpoint and the last status after maxRetries', async (status, body, headers, said) => {
    const { error, observer } = await failing((i) => i.times(4).reply(status, body, headers));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('GET /leads failed after 3 retries');
    expect(error.message).toContain(`last error: ${said}`);
    expect(error.message).not.toContain('<');
    expect(observer.requests).toBe(4);
    expect(observer.retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('the last status is the one named, not the first', async () => {
    nock(ORIGIN).get(LEADS).reply(500, 'x', text).get(LEADS).reply(503, 'Service Unavailable', text);
    const error = await rejectionOf(makeClient({ maxRetries: 1 }).getJson('leads', []));
    expect(error.message).toContain('failed after 1 retry;');
    expect(error.message).toContain('last error: HTTP 503: Service Unavailable');
  });

  it('a connection reset is retried', async () => {
    nock(ORIGIN).get(LEADS).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }).get(LEADS).reply(200, { result: [1] }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().getJson('leads', [], { observer })).toEqual({ result: [1] });
    expect(observer.retries).toHaveLength(1);
    expect(observer.retries[0]?.reason).toMatch(/ECONNRESET|socket hang up/);
  });

  it('connection resets every time → transient_error after the retries', async () => {
    const { error, observer } = await failing((i) => i.times(4).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' }));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('GET /leads failed after 3 retries');
    expect(observer.requests).toBe(4);
  });

  it('a 200 with a truncated JSON body is retried', async () => {
    nock(ORIGIN).get(LEADS).reply(200, '{"result":[{"id":"l1"},{"id":', json).get(LEADS).reply(200, { result: [{ id: 'l1' }] }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().getJson('leads', [], { observer })).toEqual({ result: [{ id: 'l1' }] });
    expect(observer.retries).toHaveLength(1);
    expect(observer.retries[0]?.reason).toContain('not complete JSON');
  });

  it('400 "Already processing a request for id: 1" is retried (after at least 5 s)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    nock(ORIGIN)
      .get(`${BASE_PATH}leads/journey`)
      .query({ ids: '1' })
      .reply(400, apiError('Already processing a request for id: 1'), json)
      .get(`${BASE_PATH}leads/journey`)
      .query({ ids: '1' })
      .reply(200, { result: [{ id: 1 }] }, json);
    const observer = new RecordingObserver();
    const client = makeClient({ maxRetryTimeMs: 60_000, timeoutMs: 600_000 });
    const result = client.getJson('leads/journey', [['ids', '1']], { observer });
    await until(() => observer.retries.length === 1, 'the retry');
    await vi.advanceTimersByTimeAsync(4_999);
    expect(observer.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ result: [{ id: 1 }] });
    expect(observer.requests).toBe(2);
    expect(observer.retries).toEqual([
      { endpoint: 'GET /leads/journey', attempt: 1, maxRetries: 3, delayMs: 5_000, reason: 'HTTP 400: Already processing a request for id: 1' },
    ]);
  });

  it('gives up before a retry whose wait would pass maxRetryTimeMs', async () => {
    nock(ORIGIN).get(LEADS).reply(500, 'boom', text);
    const observer = new RecordingObserver();
    // backoff for attempt 1: floor(0.5 · min(30 000, 1000 · 2)) = 1000 ms > 500 ms budget.
    const client = makeClient({ backoffBaseMs: 1000, backoffCapMs: 30_000, maxRetryTimeMs: 500 });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const started = Date.now();
    let settled = false;
    const failed = rejectionOf(client.getJson('leads', [], { observer })).finally(() => (settled = true));
    // It fails without waiting: the fake clock never moves.
    await until(() => settled, 'the failure');
    const error = await failed;
    expect(Date.now()).toBe(started);
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('GET /leads failed after 0 retries; last error: HTTP 500: boom');
    expect(observer.requests).toBe(1);
    expect(observer.retries).toEqual([]);
  });
});

describe('HyrosClient.getJson: the API key stays out of messages', () => {
  it('a transport error whose text echoes the request headers does not carry the key into the error or events', async () => {
    // nock's "no match" error lists the request headers, API-Key included: a stand-in for any lower
    // layer (proxy, agent, interceptor) that echoes the request in its error text.
    nock(ORIGIN).get(`${BASE_PATH}other`).reply(200, {});
    const observer = new RecordingObserver();
    const error = await rejectionOf(makeClient({ maxRetries: 1 }).getJson('leads', [], { observer }));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain('No match for request');
    expect(observer.retries).toHaveLength(1);
    expectNoKey(error, observer.retries);
    nock.cleanAll();
  });
});

describe('HyrosClient.getJson: redirects and body size', () => {
  it('a redirect to another host is an error naming that host; the key is never sent there', async () => {
    nock(ORIGIN).get(LEADS).reply(302, '', { Location: 'https://evil.example.net/collect?x=1' });
    const other = nock('https://evil.example.net').get(/.*/).reply(200, { result: [] }, json);
    const { error, observer } = await failing((i) => i);
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('evil.example.net');
    expect(error.message).toContain('Check base_url');
    expect(observer.requests).toBe(1);
    expect(other.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('a redirect to another port of the same hostname is also refused', async () => {
    nock(ORIGIN).get(LEADS).reply(307, '', { Location: 'https://api.hyros.com:8443/v1/api/v1.0/leads' });
    const other = nock('https://api.hyros.com:8443').get(/.*/).reply(200, { result: [] }, json);
    const error = await rejectionOf(makeClient().getJson('leads', []));
    expect(error.message).toContain('api.hyros.com:8443');
    expect(other.isDone()).toBe(false);
    nock.cleanAll();
  });

  it('a redirect on the same host is followed, with the key and the query', async () => {
    nock(ORIGIN, { reqheaders: { 'api-key': API_KEY } })
      .get(LEADS)
      .query({ pageSize: '250' })
      .reply(301, '', { Location: '/v1/api/v1.0/leads-v2?pageSize=250' })
      .get(`${BASE_PATH}leads-v2`)
      .query({ pageSize: '250' })
      .reply(200, { result: [{ id: 'x' }] }, json);
    const observer = new RecordingObserver();
    expect(await makeClient().getJson('leads', [['pageSize', '250']], { observer })).toEqual({ result: [{ id: 'x' }] });
    expect(observer.retries).toEqual([]);
  });

  it('a same-host redirect loop ends with an error', async () => {
    nock(ORIGIN).get(LEADS).times(6).reply(302, '', { Location: LEADS });
    const error = await rejectionOf(makeClient().getJson('leads', []));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.message).toContain('redirected more than 5 times');
  });

  it('a body declared larger than maxBodyBytes is an error, not retried', async () => {
    const big = JSON.stringify({ result: [{ blob: 'x'.repeat(2_000) }] });
    nock(ORIGIN).get(LEADS).reply(200, big, { ...json, 'Content-Length': String(Buffer.byteLength(big)) });
    const observer = new RecordingObserver();
    const error = await rejectionOf(makeClient({ maxBodyBytes: 1_000 }).getJson('leads', [], { observer }));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain(`GET /leads answered with a ${Buffer.byteLength(big)}-byte body, over the 1000-byte limit`);
    expect(observer.requests).toBe(1);
    expectNoKey(error);
  });

  it('a streamed body (no content-length) that grows past maxBodyBytes is an error', async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => (i === 0 ? '{"result":[' : '"' + 'y'.repeat(300) + '",'));
    nock(ORIGIN).get(LEADS).reply(200, () => Readable.from(chunks), json);
    const error = await rejectionOf(makeClient({ maxBodyBytes: 1_000 }).getJson('leads', []));
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('system_error');
    expect(error.message).toContain('GET /leads answered with a body over the 1000-byte limit');
  });

  it('a body at the limit is accepted', async () => {
    const body = JSON.stringify({ result: ['z'.repeat(100)] });
    nock(ORIGIN).get(LEADS).reply(200, body, json);
    expect(await makeClient({ maxBodyBytes: Buffer.byteLength(body) }).getJson('leads', [])).toEqual({ result: ['z'.repeat(100)] });
  });
});
