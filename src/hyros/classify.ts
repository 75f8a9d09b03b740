/**
 * The one table that turns an HTTP outcome into an action. Every decision about a Hyros response
 * (succeed, retry, wait for the rate limit, restart pagination, fail and why) is made here, and
 * only here are Hyros' words read: a failure leaves as data (failure.ts), rendered once.
 */
import type { Failure } from './failure.js';

export type Classification =
  | { action: 'ok'; body: unknown }
  /**
   * A write Hyros refused for its content (400, or 200 with `result: "ERROR"`): never retried.
   * `message` is Hyros' own; `notFound`: it says it does not know the record (a refund's order).
   */
  | { action: 'reject'; message: string; status: number; notFound: boolean }
  /** A write that may or may not have reached Hyros (the answer was lost): resending may duplicate it. */
  | { action: 'ambiguous'; reason: string }
  | { action: 'retry'; reason: string; minDelayMs?: number }
  | { action: 'rate_limited'; reason: string }
  | { action: 'reset_pagination'; reason: string }
  | { action: 'fail'; failure: Failure };

export interface HttpOutcome {
  status: number;
  contentType: string;
  bodyText: string;
  /** e.g. `GET /leads`, used in messages. */
  endpoint: string;
  /** Whether the request carried a pageId (a 400 about it then means an expired cursor). */
  hadPageId: boolean;
  /** A POST/PUT/DELETE: a 400 rejects the record instead of failing the run. */
  write?: boolean;
  /** The configured base_url, named when it does not lead to the API. */
  baseUrl?: string;
}

/** A short human message from a JSON envelope, plain text or an HTML error page. */
export function extractMessage(bodyText: string, contentType = ''): string {
  const text = bodyText.trim();
  if (text === '') return '';
  if (text.startsWith('{') || text.startsWith('[') || contentType.includes('json')) {
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error?: unknown; errors?: unknown };
      const message = parsed.message ?? parsed.error ?? parsed.errors;
      if (Array.isArray(message)) return truncate(message.map(String).join('; '));
      if (typeof message === 'string') return truncate(message);
    } catch {
      // not JSON after all: fall through to text handling
    }
  }
  if (/<html|<!doctype|<body|<h1/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    const plain = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
    return truncate(plain);
  }
  return truncate(text.replace(/\s+/g, ' '));
}

function truncate(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function classifyResponse(outcome: HttpOutcome): Classification {
  const { status, bodyText, endpoint } = outcome;
  if (status >= 200 && status < 300 && outcome.write) {
    // The status line says Hyros took the write; a cut body must not make us send it again.
    let body: unknown;
    try {
      body = JSON.parse(bodyText) as unknown;
    } catch {
      return { action: 'ok', body: undefined };
    }
    if ((body as { result?: unknown } | null)?.result === 'ERROR') {
      const message = extractMessage(bodyText, outcome.contentType);
      return { action: 'reject', status, message: message || 'Hyros answered result ERROR', notFound: NOT_FOUND.test(message) };
    }
    return { action: 'ok', body };
  }
  if (status >= 200 && status < 300) {
    try {
      return { action: 'ok', body: JSON.parse(bodyText) as unknown };
    } catch {
      // A 200 with a cut or non-JSON body: the transfer broke, try again.
      return { action: 'retry', reason: `HTTP ${status} with a body that is not complete JSON (${bodyText.length} bytes)` };
    }
  }
  const apiMessage = extractMessage(bodyText, outcome.contentType);
  const said = apiMessage ? `: ${apiMessage}` : '';
  const answered = { endpoint, apiMessage };
  if (status === 429) return { action: 'rate_limited', reason: `HTTP 429${said}` };
  if (status === 408 || status >= 500) return { action: 'retry', reason: `HTTP ${status}${said}` };
  if (/api key not valid/i.test(apiMessage)) return fail({ kind: 'key_rejected', status, ...answered });
  if (status === 401) return fail({ kind: 'unauthorized', status, ...answered });
  if (status === 403) {
    const role = /missing role:?\s*([\w -]+)/i.exec(apiMessage)?.[1]?.trim();
    if (role) return fail({ kind: 'missing_role', status, role, ...answered });
    if (/not one of your connected client accounts|not authorized: account/i.test(apiMessage)) return fail({ kind: 'account_refused', status, ...answered });
    return fail({ kind: 'forbidden', status, ...answered });
  }
  if (status === 400 && /already processing/i.test(apiMessage)) {
    return { action: 'retry', reason: `HTTP 400${said}`, minDelayMs: 5_000 };
  }
  if (status === 400 && outcome.hadPageId && /page ?id|cursor|pagination/i.test(apiMessage)) {
    return { action: 'reset_pagination', reason: `HTTP 400${said}` };
  }
  if (status === 400 && outcome.write) {
    return { action: 'reject', status, message: apiMessage || 'HTTP 400 without a message', notFound: NOT_FOUND.test(apiMessage) };
  }
  if (status === 404) {
    // Every Hyros API version answers user-info: a 404 there means base_url is not the API root.
    if (endpoint === 'GET /user-info') return fail({ kind: 'wrong_base_url', status, baseUrl: outcome.baseUrl, ...answered });
    // Hyros answers an unknown route with a plain page, an unknown thing on a known route in its JSON.
    return fail({ kind: isJsonBody(bodyText, outcome.contentType) ? 'not_found' : 'no_endpoint', status, ...answered });
  }
  const unknownParameter = /unknown parameter:?\s*([\w.-]*)/i.exec(apiMessage);
  if (unknownParameter) return fail({ kind: 'unknown_parameter', status, parameter: unknownParameter[1] || undefined, ...answered });
  return fail({ kind: 'bad_request', status, ...answered });
}

/** Hyros' words for a record it does not know (a refund of an order it never processed). */
const NOT_FOUND = /not found|does not exist|unknown order/i;

function fail(failure: Failure): Classification {
  return { action: 'fail', failure };
}

function isJsonBody(bodyText: string, contentType: string): boolean {
  const text = bodyText.trimStart();
  return contentType.includes('json') || text.startsWith('{') || text.startsWith('[');
}

/** Failures before any byte of the request left: the server cannot have acted on it. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Transport failures (reset, timeout, refused, DNS) are all worth a retry. For a write, only a
 * failure to connect is safe to resend at once; any later one (timeout, reset) may have been
 * accepted by Hyros before the answer was lost, so it is `ambiguous`.
 */
export function classifyTransportError(error: unknown, write = false): Classification {
  type Failure = { code?: unknown; name?: string; message?: string; cause?: unknown };
  // fetch wraps the real failure, sometimes twice (TypeError → DOMException "Request was cancelled."
  // → "Proxy response (403) !== 200 when HTTP Tunneling"): report the innermost one.
  let err = error as Failure;
  for (let depth = 0; depth < 5 && typeof err.cause === 'object' && err.cause !== null; depth++) err = err.cause as Failure;
  const code = typeof err.code === 'string' ? err.code : (err.name ?? 'error');
  const detail = err.message ?? String(error);
  if (write && !NOT_SENT_CODES.has(code)) return { action: 'ambiguous', reason: `${code}: ${detail}` };
  return { action: 'retry', reason: `${code}: ${detail}` };
}
