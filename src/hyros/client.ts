/**
 * The one HTTP layer for Hyros. Every request goes: limiter → fetch (undici dispatcher: keep-alive,
 * timeouts, HTTPS_PROXY/NO_PROXY) → bounded body read → classify (one table) → retry / wait / fail.
 *
 * Requests use the global `fetch` with an undici dispatcher: nock can intercept it in unit tests,
 * so tests exercise this exact code path. Redirects are never followed automatically (fetch would
 * carry the API-Key header to any host); a same-host redirect is followed by hand, any other is an
 * error naming the host.
 */
import type { Dispatcher } from 'undici';
import { ConnectorError } from '../common/errors.js';
import { backoffDelayMs, parseResetWaitMs, parseRetryAfterMs, sleep } from './backoff.js';
import { classifyResponse, classifyTransportError, type Classification } from './classify.js';
import { reportingWriteTime } from './dispatcher.js';
import type { BodyGate } from './body-gate.js';
import type { RateLimiter } from './limiter.js';

export type QueryParams = ReadonlyArray<readonly [string, string]>;

export type WriteMethod = 'POST' | 'PUT' | 'DELETE';

interface HttpRequest {
  method: 'GET' | WriteMethod;
  path: string;
  params: QueryParams;
  body?: unknown;
  write?: boolean;
}

/**
 * How one write ended, as far as the HTTP layer can tell. `settledAtMs` is when the answer came
 * (or was lost): the request reached Hyros, if at all, before then, so waits measured from it are
 * safe whatever the network delay was.
 */
export type WriteOutcome =
  | { kind: 'accepted'; body: unknown; requestId: string | undefined; sentAtMs: number; settledAtMs: number }
  | { kind: 'rejected'; message: string; status: number }
  | { kind: 'ambiguous'; reason: string; sentAtMs: number; settledAtMs: number };

function requestIdOf(body: unknown): string | undefined {
  const id = (body as { request_id?: unknown } | null | undefined)?.request_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export interface RetryEvent {
  endpoint: string;
  attempt: number;
  maxRetries: number;
  delayMs: number;
  reason: string;
}
export interface RateLimitEvent {
  endpoint: string;
  waitMs: number;
  resumeAtMs: number;
  totalWaitedMs: number;
}
/** Per-caller hooks: the engine uses them for stream statuses, logs and the sync summary. */
export interface RequestObserver {
  onRequest?(): void;
  onRetry?(event: RetryEvent): void;
  onRateLimited?(event: RateLimitEvent): void;
}

export interface RequestContext {
  observer?: RequestObserver;
  /** Agency access: run the request against this connected client account. */
  accountId?: string;
  signal?: AbortSignal;
}

export interface ClientOptions {
  baseUrl: URL;
  apiKey: string;
  limiter: RateLimiter;
  userAgent: string;
  timeoutMs: number;
  maxRetries: number;
  /** Bound on the time one request spends in retries of errors (not 429s). */
  maxRetryTimeMs?: number;
  /** Bound on the time one request spends waiting on 429s. */
  maxRateLimitWaitMs: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  maxBodyBytes?: number;
  dispatcher?: Dispatcher;
  random?: () => number;
  /** Bounds the bodies read at once (a read's memory); none: every body is read as it comes. */
  bodyGate?: BodyGate;
}

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

const MAX_REDIRECTS = 5;

export class HyrosClient {
  private readonly options: Required<Omit<ClientOptions, 'dispatcher' | 'bodyGate'>> & { dispatcher: Dispatcher | undefined; bodyGate: BodyGate | undefined };

  constructor(options: ClientOptions) {
    this.options = {
      maxRetryTimeMs: 10 * 60_000,
      backoffBaseMs: 1000,
      backoffCapMs: 30_000,
      maxBodyBytes: 64 * 1024 * 1024,
      random: Math.random,
      ...options,
      dispatcher: options.dispatcher,
      bodyGate: options.bodyGate,
    };
  }

  get limiter(): RateLimiter {
    return this.options.limiter;
  }

  /** GET `path` (relative to base_url) and return the parsed JSON body, retrying as the table says. */
  async getJson(path: string, params: QueryParams, context: RequestContext = {}): Promise<unknown> {
    const outcome = await this.exchange({ method: 'GET', path, params }, context);
    if (outcome.kind !== 'accepted') throw new Error(`unreachable: a GET ended as ${outcome.kind}`);
    return outcome.body;
  }

  /**
   * Send one write (POST/PUT/DELETE with an optional JSON body). Resolves `accepted` (2xx, with
   * Hyros' request_id when the body carried one) or `rejected` (400: the record's content), and
   * `ambiguous` when the request may have reached Hyros but its answer was lost: the caller decides
   * when resending is safe. 429s, 5xx and connect failures are retried here as for reads.
   */
  async write(method: WriteMethod, path: string, body: unknown, context: RequestContext = {}, params: QueryParams = []): Promise<WriteOutcome> {
    return this.exchange({ method, path, params, body, write: true }, context);
  }

  private async exchange(request: HttpRequest, context: RequestContext): Promise<WriteOutcome> {
    const { maxRetries, maxRetryTimeMs, maxRateLimitWaitMs, limiter } = this.options;
    const endpoint = `${request.method} /${request.path}`;
    const started = Date.now();
    let attempt = 0;
    let rateLimitWaited = 0;
    for (;;) {
      const grantedAtMs = await limiter.acquire();
      // Counted from when it is written to its socket (reported by the dispatcher), not from the grant.
      let sentAtMs = grantedAtMs;
      const onWritten = (atMs: number) => {
        sentAtMs = atMs;
        limiter.written(grantedAtMs, atMs);
      };
      let answer: Awaited<ReturnType<HyrosClient['attempt']>>;
      try {
        // A caller that gave up (a failed run, check's deadline) sends nothing more.
        if (context.signal?.aborted) throw context.signal.reason;
        context.observer?.onRequest?.();
        answer = await this.attempt(request, context, endpoint, onWritten);
      } finally {
        // Answered, failed or never sent: a forming wave no longer waits for it.
        limiter.finished(grantedAtMs);
      }
      const { classification, headers } = answer;
      const now = Date.now();
      if (headers) {
        const remaining = headers.get('x-ratelimit-remaining');
        limiter.observe(remaining === null ? undefined : Number(remaining), parseResetWaitMs(headers.get('x-ratelimit-reset'), now), sentAtMs, now);
      }
      switch (classification.action) {
        case 'ok':
          return { kind: 'accepted', body: classification.body, requestId: requestIdOf(classification.body), sentAtMs, settledAtMs: now };
        case 'reject':
          return { kind: 'rejected', message: classification.message, status: classification.status };
        case 'ambiguous':
          return { kind: 'ambiguous', reason: classification.reason, sentAtMs, settledAtMs: now };
        case 'fail':
          throw new HyrosApiError(classification.message, classification.failureType, classification.status, endpoint, classification.keyRejected);
        case 'reset_pagination':
          throw new PaginationResetError(endpoint, classification.reason);
        case 'rate_limited': {
          const announced =
            parseRetryAfterMs(headers?.get('retry-after'), now) ?? parseResetWaitMs(headers?.get('x-ratelimit-reset'), now) ?? 1000;
          // Jitter spreads the concurrent requests that were all told the same reset time.
          const waitMs = announced + Math.floor(this.options.random() * Math.min(1000, 250 + announced * 0.1));
          if (rateLimitWaited + waitMs > maxRateLimitWaitMs) {
            throw new HyrosApiError(
              `Hyros kept answering 429 (rate limited) for ${endpoint}: waited ${Math.round(rateLimitWaited / 1000)} s in total, and max_rate_limit_wait_seconds is ${Math.round(maxRateLimitWaitMs / 1000)}. Another tool may be using the same API key; retry later or lower requests_per_second / requests_per_minute.`,
              'transient_error',
              429,
              endpoint,
            );
          }
          rateLimitWaited += waitMs;
          limiter.rateLimited(now);
          limiter.pauseUntil(now + waitMs);
          context.observer?.onRateLimited?.({ endpoint, waitMs, resumeAtMs: now + waitMs, totalWaitedMs: rateLimitWaited });
          await sleep(waitMs, context.signal);
          continue;
        }
        case 'retry': {
          attempt++;
          const delayMs = Math.max(
            classification.minDelayMs ?? 0,
            backoffDelayMs(attempt, this.options.backoffBaseMs, this.options.backoffCapMs, this.options.random),
          );
          if (attempt > maxRetries || now + delayMs - started > maxRetryTimeMs) {
            throw new HyrosApiError(
              `${endpoint} failed after ${attempt - 1} ${attempt - 1 === 1 ? 'retry' : 'retries'}; last error: ${classification.reason}. Hyros or the network may be having trouble; the next sync resumes from the last saved state.`,
              'transient_error',
              undefined,
              endpoint,
            );
          }
          context.observer?.onRetry?.({ endpoint, attempt, maxRetries, delayMs, reason: classification.reason });
          await sleep(delayMs, context.signal);
          continue;
        }
      }
    }
  }

  /** One HTTP exchange, following same-host redirects; never throws for HTTP or transport trouble. */
  private async attempt(
    request: HttpRequest,
    context: RequestContext,
    endpoint: string,
    onWritten: (atMs: number) => void,
  ): Promise<{ classification: Classification; headers?: Headers }> {
    const write = request.write === true;
    // Only the first write counts: a same-host redirect is a follow-up of the request already counted.
    let written = false;
    const dispatcher =
      this.options.dispatcher &&
      reportingWriteTime(this.options.dispatcher, (atMs) => {
        if (written) return;
        written = true;
        onWritten(atMs);
      });
    let url = new URL(request.path, this.options.baseUrl);
    for (const [name, value] of request.params) url.searchParams.append(name, value);
    const controller = new AbortController();
    const armTimeout = () => setTimeout(() => controller.abort(new Error(`timed out after ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    let timer = armTimeout();
    let releaseBody: (() => void) | undefined;
    const onOuterAbort = () => controller.abort(context.signal?.reason);
    context.signal?.addEventListener('abort', onOuterAbort, { once: true });
    try {
      for (let redirects = 0; ; redirects++) {
        // `dispatcher` is undici's extension of fetch's init (its types differ from the DOM lib's).
        const init: Record<string, unknown> = {
          method: request.method,
          headers: this.headers(context.accountId, request.body !== undefined),
          redirect: 'manual',
          signal: controller.signal,
        };
        if (request.body !== undefined) init.body = JSON.stringify(request.body);
        if (dispatcher) init.dispatcher = dispatcher;
        const response = await fetch(url, init as RequestInit);
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel();
          const target = new URL(response.headers.get('location') as string, url);
          if (target.host !== this.options.baseUrl.host || redirects >= MAX_REDIRECTS) {
            const message =
              target.host !== this.options.baseUrl.host
                ? `Hyros redirected ${endpoint} to another host (${target.host}); the API key is only ever sent to ${this.options.baseUrl.host}. Check base_url.`
                : `${endpoint} redirected more than ${MAX_REDIRECTS} times.`;
            return { classification: { action: 'fail', failureType: 'config_error', message, status: response.status } };
          }
          url = target;
          continue;
        }
        if (this.options.bodyGate) {
          // Time spent waiting for our turn is not the server's: the timeout restarts after it.
          clearTimeout(timer);
          releaseBody = await this.options.bodyGate.enter();
          timer = armTimeout();
        }
        const bodyText = await readBounded(response, this.options.maxBodyBytes, endpoint);
        const classification = classifyResponse({
          status: response.status,
          contentType: response.headers.get('content-type') ?? '',
          bodyText,
          endpoint,
          hadPageId: request.params.some(([name]) => name === 'pageId'),
          write,
        });
        return { classification, headers: response.headers };
      }
    } catch (error) {
      if (error instanceof HyrosApiError) return { classification: { action: 'fail', failureType: error.failureType, message: error.message } };
      if (context.signal?.aborted) throw context.signal.reason;
      const classification = classifyTransportError(controller.signal.aborted ? controller.signal.reason : error, write);
      // Lower layers may echo the request (headers included) in their error text: keep the key out.
      if ((classification.action === 'retry' || classification.action === 'ambiguous') && this.options.apiKey) classification.reason = classification.reason.split(this.options.apiKey).join('**********');
      return { classification };
    } finally {
      clearTimeout(timer);
      releaseBody?.();
      context.signal?.removeEventListener('abort', onOuterAbort);
    }
  }

  private headers(accountId: string | undefined, hasBody: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      'API-Key': this.options.apiKey,
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
    };
    if (hasBody) headers['Content-Type'] = 'application/json';
    if (accountId !== undefined) headers['Accessible-Account-Id'] = accountId;
    return headers;
  }
}

/** Reads the body as text, refusing anything larger than `maxBytes` (an error, not an OOM). */
async function readBounded(response: Response, maxBytes: number, endpoint: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new HyrosApiError(`${endpoint} answered with a ${declared}-byte body, over the ${maxBytes}-byte limit.`, 'system_error', response.status, endpoint);
  }
  if (!response.body) return '';
  // Collect the raw chunks and decode once: one flat string for JSON.parse, no rope of pieces.
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      throw new HyrosApiError(`${endpoint} answered with a body over the ${maxBytes}-byte limit.`, 'system_error', response.status, endpoint);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes).toString('utf8');
}
