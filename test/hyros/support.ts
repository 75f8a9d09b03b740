/** Shared pieces of the Hyros HTTP-layer unit tests: a client with short delays and a key-leak check. */
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, expect, vi } from 'vitest';
import { HyrosClient, type ClientOptions } from '../../src/hyros/client.js';
import type { RateLimitEvent, RequestObserver, RetryEvent } from '../../src/hyros/request.js';
import { RateBudget } from '../../src/hyros/rate-budget.js';
import { redact, registerSecret } from '../../src/common/redact.js';

export const API_KEY = 'sk-test-SECRET-123';
export const ORIGIN = 'https://api.hyros.com';
export const BASE_PATH = '/v1/api/v1.0/';
export const BASE_URL = new URL(`${ORIGIN}${BASE_PATH}`);

registerSecret(API_KEY);

/** A client with fast retries and a rate budget that never gets in the way, unless overridden. */
export function makeClient(overrides: Partial<ClientOptions> = {}): HyrosClient {
  return new HyrosClient({
    baseUrl: BASE_URL,
    apiKey: API_KEY,
    budget: new RateBudget([{ limit: 1000, perMs: 1000 }]),
    userAgent: 'source-hyros-test',
    timeoutMs: 2_000,
    maxRetries: 3,
    maxRetryTimeMs: 5_000,
    maxRateLimitWaitMs: 5_000,
    backoffBaseMs: 1,
    backoffCapMs: 5,
    random: () => 0.5,
    ...overrides,
  });
}

/** Records every observer event so tests can assert on waits and check them for the key. */
export class RecordingObserver implements RequestObserver {
  requests = 0;
  retries: RetryEvent[] = [];
  rateLimits: RateLimitEvent[] = [];
  onRequest(): void {
    this.requests++;
  }
  onRetry(event: RetryEvent): void {
    this.retries.push(event);
  }
  onRateLimited(event: RateLimitEvent): void {
    this.rateLimits.push(event);
  }
}

/** The rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Every text a user or log could see from an error: message, stack, internal detail, causes. */
export function errorTexts(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? '');
      const internal = (current as { internalMessage?: unknown }).internalMessage;
      if (typeof internal === 'string') parts.push(internal);
      current = (current as { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}

/**
 * The API key must not appear in raw error texts or observer events: the client never puts it in a
 * message (redaction is only a second line of defence, so the raw text is checked, not redact()'s).
 */
export function expectNoKey(...things: unknown[]): void {
  for (const thing of things) {
    const text = thing instanceof Error ? errorTexts(thing) : JSON.stringify(thing);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(encodeURIComponent(API_KEY));
    // redact() would have nothing to do either.
    expect(redact(text)).toBe(text);
  }
}

/**
 * Under fake timers (setTimeout/Date only), lets real macrotasks run (nock delivers responses on
 * them) until `condition` holds; bounded.
 */
export async function until(condition: () => boolean, what = 'condition'): Promise<void> {
  // Bounded in real time (performance.now is not faked), not only in turns: on a loaded machine
  // the first fetch of a worker takes many event-loop turns.
  const deadline = performance.now() + 10_000;
  for (let i = 0; i < 1_000_000 && !condition() && performance.now() < deadline; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    // Zero-delay timers (nock uses them) run without moving the fake clock.
    if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
  }
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

/** For a test file: no real network, and after each test no nock interceptor left unused. */
export function useStrictNock(): void {
  beforeAll(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}

/**
 * For a test file: a fake clock (setTimeout/Date only, starting at `startMs`) in every test, and
 * after each test no nock interceptor left unused.
 */
export function useFakeClockAndStrictNock(startMs: number): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: startMs });
  });
  afterEach(() => {
    vi.useRealTimers();
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending).toEqual([]);
  });
}
