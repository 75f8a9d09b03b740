/**
 * One HTTP exchange with Hyros: global `fetch` over an undici dispatcher (keep-alive, timeouts,
 * HTTPS_PROXY/NO_PROXY), a bounded body read, then the classification (one table). Retries and
 * waits are the client's (client.ts); nothing here throws for HTTP or transport trouble.
 *
 * `fetch` rather than undici.request: nock intercepts it in unit tests, so tests exercise this exact
 * code path. Redirects are never followed automatically (fetch would carry the API-Key header to
 * any host); a same-host redirect is followed by hand, any other is an error naming the host.
 */
import type { Dispatcher } from 'undici';
import { onAbort } from '../common/abort.js';
import type { BodyGate } from './body-gate.js';
import { classifyResponse, classifyTransportError, type Classification } from './classify.js';
import { reportingTimes } from './dispatcher.js';
import { HyrosApiError } from './errors.js';
import type { HttpRequest, RequestContext } from './request.js';

const MAX_REDIRECTS = 5;

export interface TransportOptions {
  baseUrl: URL;
  apiKey: string;
  userAgent: string;
  timeoutMs: number;
  maxBodyBytes: number;
  dispatcher: Dispatcher | undefined;
  /** Bounds the bodies read at once (a read's memory); none: every body is read as it comes. */
  bodyGate: BodyGate | undefined;
}

export interface Answer {
  classification: Classification;
  status?: number;
  headers?: Headers;
  /** When the answer's headers came (its round trip, for the rate budget's margin). */
  headersAtMs?: number;
}

export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** One HTTP exchange, following same-host redirects; never throws for HTTP or transport trouble. */
  async send(request: HttpRequest, context: RequestContext, endpoint: string, onWritten: (atMs: number) => void): Promise<Answer> {
    const write = request.write === true;
    // Only the first write counts: a same-host redirect is a follow-up of the request already counted.
    let written = false;
    let headersAtMs: number | undefined;
    const dispatcher =
      this.options.dispatcher &&
      reportingTimes(this.options.dispatcher, {
        written: (atMs) => {
          if (written) return;
          written = true;
          onWritten(atMs);
        },
        // Taken as the socket delivers them: later event-loop work is no part of the delay.
        answered: (atMs) => (headersAtMs ??= atMs),
      });
    let url = new URL(request.path, this.options.baseUrl);
    for (const [name, value] of request.params) url.searchParams.append(name, value);
    const controller = new AbortController();
    const armTimeout = () => setTimeout(() => controller.abort(new Error(`timed out after ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    let timer = armTimeout();
    let releaseBody: (() => void) | undefined;
    const stopListening = context.signal ? onAbort(context.signal, () => controller.abort(context.signal?.reason)) : undefined;
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
        headersAtMs ??= Date.now();
        if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
          await response.body?.cancel();
          const target = new URL(response.headers.get('location') as string, url);
          if (target.host !== this.options.baseUrl.host) {
            return { classification: { action: 'fail', failure: { kind: 'redirected_elsewhere', endpoint, status: response.status, host: target.host, allowedHost: this.options.baseUrl.host } } };
          }
          if (redirects >= MAX_REDIRECTS) {
            return { classification: { action: 'fail', failure: { kind: 'too_many_redirects', endpoint, status: response.status, max: MAX_REDIRECTS } } };
          }
          url = target;
          continue;
        }
        if (this.options.bodyGate) {
          // Time spent waiting for our turn is not the server's: the timeout restarts after it.
          clearTimeout(timer);
          releaseBody = await this.options.bodyGate.enter(context.signal);
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
          baseUrl: this.options.baseUrl.href,
        });
        return { classification, status: response.status, headers: response.headers, headersAtMs };
      }
    } catch (error) {
      if (error instanceof HyrosApiError) return { classification: { action: 'fail', failure: error.failure } };
      if (context.signal?.aborted) throw context.signal.reason;
      const classification = classifyTransportError(controller.signal.aborted ? controller.signal.reason : error, write);
      // Lower layers may echo the request (headers included) in their error text: keep the key out.
      if ((classification.action === 'retry' || classification.action === 'ambiguous') && this.options.apiKey) classification.reason = classification.reason.split(this.options.apiKey).join('**********');
      return { classification };
    } finally {
      clearTimeout(timer);
      releaseBody?.();
      stopListening?.();
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
    throw new HyrosApiError({ kind: 'body_too_large', endpoint, status: response.status, bytes: declared, maxBytes });
  }
  if (!response.body) return '';
  // Collect the raw chunks and decode once: one flat string for JSON.parse, no rope of pieces.
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > maxBytes) {
      throw new HyrosApiError({ kind: 'body_too_large', endpoint, status: response.status, bytes: undefined, maxBytes });
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, bytes).toString('utf8');
}
