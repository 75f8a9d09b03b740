/**
 * The one HTTP layer for Hyros. Every request goes: rate budget → one exchange (transport.ts: fetch,
 * bounded body, classify by one table) → retry / wait / fail, as the classification says.
 */
import type { Dispatcher } from 'undici';
import { backoffDelayMs, sleep } from './backoff.js';
import type { BodyGate } from './body-gate.js';
import { HyrosApiError, PaginationResetError } from './errors.js';
import type { RateBudget } from './rate-budget.js';
import type { HttpRequest, QueryParams, RequestContext, WriteMethod, WriteOutcome } from './request.js';
import { Transport, type Answer } from './transport.js';

function requestIdOf(body: unknown): string | undefined {
  const id = (body as { request_id?: unknown } | null | undefined)?.request_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export interface ClientOptions {
  baseUrl: URL;
  apiKey: string;
  budget: RateBudget;
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

export class HyrosClient {
  private readonly options: Required<Omit<ClientOptions, 'dispatcher' | 'bodyGate'>> & { dispatcher: Dispatcher | undefined; bodyGate: BodyGate | undefined };
  private readonly transport: Transport;

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
    this.transport = new Transport(this.options);
  }

  get budget(): RateBudget {
    return this.options.budget;
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
    const { maxRetries, maxRetryTimeMs, maxRateLimitWaitMs, budget } = this.options;
    const endpoint = `${request.method} /${request.path}`;
    const started = Date.now();
    let attempt = 0;
    let rateLimitWaited = 0;
    for (;;) {
      // A caller that gave up (a failed run, check's deadline) leaves the queue and sends nothing more.
      const grant = await budget.acquire(context.signal);
      let answer: Answer;
      try {
        context.signal?.throwIfAborted();
        context.observer?.onRequest?.();
        // Counted from when it is written to its socket (reported by the dispatcher), not from the grant.
        answer = await this.transport.send(request, context, endpoint, (atMs) => grant.written(atMs));
      } finally {
        grant.done();
      }
      const { classification, headers } = answer;
      if (answer.headersAtMs !== undefined) grant.answered(answer.headersAtMs);
      const announcedMs = budget.update(grant, { status: answer.status, headers });
      const now = Date.now();
      const sentAtMs = grant.sentAtMs;
      switch (classification.action) {
        case 'ok':
          return { kind: 'accepted', body: classification.body, requestId: requestIdOf(classification.body), sentAtMs, settledAtMs: now };
        case 'reject':
          return { kind: 'rejected', message: classification.message, status: classification.status, notFound: classification.notFound };
        case 'ambiguous':
          return { kind: 'ambiguous', reason: classification.reason, sentAtMs, settledAtMs: now };
        case 'fail':
          throw new HyrosApiError(classification.failure);
        case 'reset_pagination':
          throw new PaginationResetError(endpoint, classification.reason);
        case 'rate_limited': {
          const announced = announcedMs ?? 1000;
          // Jitter spreads the concurrent requests that were all told the same reset time.
          const waitMs = announced + Math.floor(this.options.random() * Math.min(1000, 250 + announced * 0.1));
          if (rateLimitWaited + waitMs > maxRateLimitWaitMs) {
            throw new HyrosApiError({ kind: 'rate_limit_exhausted', endpoint, status: 429, waitedMs: rateLimitWaited, maxWaitMs: maxRateLimitWaitMs });
          }
          rateLimitWaited += waitMs;
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
            throw new HyrosApiError({ kind: 'retries_exhausted', endpoint, retries: attempt - 1, lastError: classification.reason });
          }
          context.observer?.onRetry?.({ endpoint, attempt, maxRetries, delayMs, reason: classification.reason });
          await sleep(delayMs, context.signal);
          continue;
        }
      }
    }
  }
}
