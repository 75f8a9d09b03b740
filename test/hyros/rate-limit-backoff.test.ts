/**
 * 429 handling (Retry-After seconds / HTTP date, X-RateLimit-Reset, jitter, bounded total wait),
 * retry backoff as the observer sees it, and the backoff arithmetic itself. Fake timers: no real waits.
 */
import nock from 'nock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { backoffDelayMs, parseResetWaitMs, parseRetryAfterMs } from '../../src/hyros/backoff.js';
import { HyrosApiError } from '../../src/hyros/errors.js';
import { RateBudget } from '../../src/hyros/rate-budget.js';
import { BASE_PATH, ORIGIN, RecordingObserver, expectNoKey, makeClient, rejectionOf, until, useFakeClockAndStrictNock } from './support.js';

const json = { 'Content-Type': 'application/json' };
const LEADS = `${BASE_PATH}leads`;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const TOO_MANY = JSON.stringify({ result: 'ERROR', message: ['Number of API requests per second exceeded'] });

beforeAll(() => {
  nock.disableNetConnect();
});
useFakeClockAndStrictNock(T0);

/** A client whose request timeout never fires while fake time is advanced. */
const client = (random: () => number, extra: Parameters<typeof makeClient>[0] = {}) =>
  makeClient({ random, timeoutMs: 3_600_000, maxRetryTimeMs: 3_600_000, maxRateLimitWaitMs: 60_000, ...extra });

/** Starts getJson('leads') and returns a handle to await its result later without an unhandled rejection. */
function start(c: ReturnType<typeof makeClient>, observer: RecordingObserver) {
  const promise = c.getJson('leads', [], { observer });
  promise.catch(() => undefined);
  return promise;
}

describe('429: how long the client waits', () => {
  it('waits Retry-After seconds (plus jitter) before the next request, and tells the observer', async () => {
    nock(ORIGIN)
      .get(LEADS)
      .reply(429, TOO_MANY, { ...json, 'Retry-After': '2' })
      .get(LEADS)
      .reply(200, { result: ['ok'] }, json);
    const observer = new RecordingObserver();
    // random 0.5 → jitter floor(0.5 · min(1000, 250 + 2000 · 0.1)) = 225 ms.
    const result = start(client(() => 0.5), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    expect(observer.rateLimits).toEqual([{ endpoint: 'GET /leads', waitMs: 2_225, resumeAtMs: T0 + 2_225, totalWaitedMs: 2_225 }]);
    await vi.advanceTimersByTimeAsync(2_224);
    expect(observer.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await until(() => observer.requests === 2, 'the second request');
    expect(await result).toEqual({ result: ['ok'] });
    expect(observer.retries).toEqual([]);
    expectNoKey(observer.rateLimits);
  });

  it('reads Retry-After as an HTTP date', async () => {
    nock(ORIGIN)
      .get(LEADS)
      .reply(429, TOO_MANY, { ...json, 'Retry-After': new Date(T0 + 3_000).toUTCString() })
      .get(LEADS)
      .reply(200, { result: [] }, json);
    const observer = new RecordingObserver();
    const result = start(client(() => 0), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    expect(observer.rateLimits[0]?.waitMs).toBe(3_000);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(observer.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ result: [] });
    expect(observer.requests).toBe(2);
  });

  it('uses X-RateLimit-Reset (unix seconds) when there is no Retry-After', async () => {
    nock(ORIGIN)
      .get(LEADS)
      .reply(429, TOO_MANY, { ...json, 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(T0 / 1000 + 4) })
      .get(LEADS)
      .reply(200, { result: [] }, json);
    const observer = new RecordingObserver();
    const result = start(client(() => 0), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    expect(observer.rateLimits[0]?.waitMs).toBe(4_000);
    await vi.advanceTimersByTimeAsync(3_999);
    expect(observer.requests).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await result).toEqual({ result: [] });
  });

  it('Retry-After wins over X-RateLimit-Reset', async () => {
    nock(ORIGIN)
      .get(LEADS)
      .reply(429, TOO_MANY, { ...json, 'Retry-After': '1', 'X-RateLimit-Reset': String(T0 / 1000 + 30) })
      .get(LEADS)
      .reply(200, { result: [] }, json);
    const observer = new RecordingObserver();
    const result = start(client(() => 0), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    expect(observer.rateLimits[0]?.waitMs).toBe(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ result: [] });
  });

  it('waits 1 s (plus jitter) when the 429 announces nothing', async () => {
    nock(ORIGIN).get(LEADS).reply(429, 'Too Many Requests').get(LEADS).reply(200, { result: [] }, json);
    const observer = new RecordingObserver();
    const result = start(client(() => 0), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    expect(observer.rateLimits[0]?.waitMs).toBe(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await result).toEqual({ result: [] });
  });

  it.each([
    [1, 0, 1_000],
    [1, 0.999999, 1_349], // 1000 + floor(0.999999 · (250 + 100))
    [2, 0.5, 2_225],
    [30, 0.999999, 30_999], // jitter capped at 1 s
    [120, 0.25, 120_250],
  ])('jitter is present but bounded: Retry-After %i s, random %f → %i ms', async (seconds, random, expected) => {
    nock(ORIGIN).get(LEADS).reply(429, TOO_MANY, { 'Retry-After': String(seconds) });
    const observer = new RecordingObserver();
    const result = start(client(() => random, { maxRateLimitWaitMs: 600_000 }), observer);
    await until(() => observer.rateLimits.length === 1, '429');
    const waitMs = observer.rateLimits[0]?.waitMs as number;
    expect(waitMs).toBe(expected);
    expect(waitMs).toBeGreaterThanOrEqual(seconds * 1000);
    expect(waitMs).toBeLessThan(seconds * 1000 + Math.min(1000, 250 + seconds * 100));
    // Stop here: the next request would need another interceptor.
    nock(ORIGIN).get(LEADS).reply(200, { result: [] }, json);
    await vi.advanceTimersByTimeAsync(waitMs);
    expect(await result).toEqual({ result: [] });
  });

  it('gives up with transient_error once the total 429 wait would pass maxRateLimitWaitMs', async () => {
    nock(ORIGIN).get(LEADS).times(3).reply(429, TOO_MANY, { ...json, 'Retry-After': '2' });
    const observer = new RecordingObserver();
    const result = start(client(() => 0, { maxRateLimitWaitMs: 5_000 }), observer);
    await until(() => observer.rateLimits.length === 1, 'first 429');
    await vi.advanceTimersByTimeAsync(2_000);
    await until(() => observer.rateLimits.length === 2, 'second 429');
    await vi.advanceTimersByTimeAsync(2_000);
    const error = await rejectionOf(result);
    expect(error).toBeInstanceOf(HyrosApiError);
    expect(error.failureType).toBe('transient_error');
    expect(error.status).toBe(429);
    expect(error.message).toContain('Hyros kept answering 429 (rate limited) for GET /leads');
    expect(error.message).toContain('waited 4 s in total, and max_rate_limit_wait_seconds is 5');
    expect(observer.requests).toBe(3);
    expect(observer.rateLimits.map((e) => [e.waitMs, e.totalWaitedMs])).toEqual([
      [2_000, 2_000],
      [2_000, 4_000],
    ]);
    // 429s are not counted as error retries.
    expect(observer.retries).toEqual([]);
    expectNoKey(error, observer.rateLimits);
  });

  it('a 429 pauses the shared rate budget: other requests wait too', async () => {
    const budget = new RateBudget([{ limit: 1000, perMs: 1000 }]);
    const sentAt: Record<string, number> = {};
    nock(ORIGIN)
      .get(LEADS)
      .reply(429, TOO_MANY, { 'Retry-After': '3' })
      .get(`${BASE_PATH}sales`)
      .reply(() => {
        sentAt.sales = Date.now();
        return [200, { result: ['sale'] }];
      })
      .get(LEADS)
      .reply(() => {
        sentAt.leads = Date.now();
        return [200, { result: ['lead'] }];
      });
    const c = client(() => 0, { budget });
    const leadsObserver = new RecordingObserver();
    const leads = start(c, leadsObserver);
    await until(() => leadsObserver.rateLimits.length === 1, '429');
    const salesObserver = new RecordingObserver();
    const sales = c.getJson('sales', [], { observer: salesObserver });
    await vi.advanceTimersByTimeAsync(2_999);
    expect(salesObserver.requests).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await sales).toEqual({ result: ['sale'] });
    expect(await leads).toEqual({ result: ['lead'] });
    expect(sentAt).toEqual({ sales: T0 + 3_000, leads: T0 + 3_000 });
  });
});

describe('retries: the observer sees the backoff waits, and they are honoured', () => {
  it('onRetry reports attempt, maxRetries, delay and reason; the next request waits that long', async () => {
    const times: number[] = [];
    nock(ORIGIN)
      .get(LEADS)
      .times(3)
      .reply(() => {
        times.push(Date.now());
        return [503, 'Service Unavailable'];
      })
      .get(LEADS)
      .reply(() => {
        times.push(Date.now());
        return [200, { result: [] }];
      });
    const observer = new RecordingObserver();
    const c = client(() => 0.5, { backoffBaseMs: 100, backoffCapMs: 300, maxRetries: 5 });
    const result = start(c, observer);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await until(() => observer.retries.length === attempt, `retry ${attempt}`);
      await vi.advanceTimersByTimeAsync(observer.retries[attempt - 1]?.delayMs as number);
    }
    expect(await result).toEqual({ result: [] });
    // floor(0.5 · min(300, 100 · 2^n)) for n = 1, 2, 3
    expect(observer.retries).toEqual([
      { endpoint: 'GET /leads', attempt: 1, maxRetries: 5, delayMs: 100, reason: 'HTTP 503: Service Unavailable' },
      { endpoint: 'GET /leads', attempt: 2, maxRetries: 5, delayMs: 150, reason: 'HTTP 503: Service Unavailable' },
      { endpoint: 'GET /leads', attempt: 3, maxRetries: 5, delayMs: 150, reason: 'HTTP 503: Service Unavailable' },
    ]);
    expect(times.map((t) => t - T0)).toEqual([0, 100, 250, 400]);
  });

  it('a response with X-RateLimit-Remaining 0 pauses the next request until X-RateLimit-Reset', async () => {
    const times: number[] = [];
    nock(ORIGIN)
      .get(LEADS)
      .times(2)
      .reply(() => {
        times.push(Date.now());
        return [200, { result: [] }, { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.floor(Date.now() / 1000) + 2) }];
      });
    const c = client(() => 0);
    expect(await c.getJson('leads', [])).toEqual({ result: [] });
    const observer = new RecordingObserver();
    const second = start(c, observer);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(observer.requests).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(await second).toEqual({ result: [] });
    expect(times.map((t) => t - T0)).toEqual([0, 2_000]);
  });
});

describe('backoff arithmetic', () => {
  it('backoffDelayMs is full jitter within [0, min(cap, base·2^n))', () => {
    const randoms = [0, 0.1, 0.5, 0.9, 0.999999];
    for (let attempt = 0; attempt <= 12; attempt++) {
      const ceiling = Math.min(30_000, 1_000 * 2 ** attempt);
      for (const r of randoms) {
        const delay = backoffDelayMs(attempt, 1_000, 30_000, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(ceiling);
        expect(delay).toBe(Math.floor(r * ceiling));
      }
    }
    expect(backoffDelayMs(3, 1_000, 30_000, () => 0.999999)).toBe(7_999);
    expect(backoffDelayMs(10, 1_000, 30_000, () => 0.999999)).toBe(29_999);
    expect(backoffDelayMs(1, 1_000, 30_000, () => 0)).toBe(0);
  });

  it('backoffDelayMs with the default Math.random stays within the bounds', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs(4, 10, 100, undefined);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(100);
    }
  });

  it('parseRetryAfterMs reads seconds and HTTP dates, and nothing else', () => {
    expect(parseRetryAfterMs('5', T0)).toBe(5_000);
    expect(parseRetryAfterMs(' 0.5 ', T0)).toBe(500);
    expect(parseRetryAfterMs(new Date(T0 + 7_000).toUTCString(), T0)).toBe(7_000);
    expect(parseRetryAfterMs(new Date(T0 - 7_000).toUTCString(), T0)).toBe(0);
    expect(parseRetryAfterMs('soon', T0)).toBeUndefined();
    expect(parseRetryAfterMs('', T0)).toBeUndefined();
    expect(parseRetryAfterMs(null, T0)).toBeUndefined();
  });

  it('parseResetWaitMs reads unix seconds in the future only', () => {
    expect(parseResetWaitMs(String(T0 / 1000 + 3), T0)).toBe(3_000);
    expect(parseResetWaitMs(String(T0 / 1000 - 3), T0)).toBeUndefined();
    expect(parseResetWaitMs('tomorrow', T0)).toBeUndefined();
    expect(parseResetWaitMs(undefined, T0)).toBeUndefined();
  });
});
