/**
 * The one table that turns an HTTP outcome into an action. Every decision about a Hyros response
 * (succeed, retry, wait for the rate limit, restart pagination, fail and how) is made here.
 */
import { API_PATH, DEFAULT_BASE_URL } from '../common/config.js';
import type { FailureType } from '../common/errors.js';

export type Classification =
  | { action: 'ok'; body: unknown }
  /** A write Hyros refused for its content (400, or 200 with `result: "ERROR"`): never retried. */
  | { action: 'reject'; message: string; status: number }
  /** A write that may or may not have reached Hyros (the answer was lost): resending may duplicate it. */
  | { action: 'ambiguous'; reason: string }
  | { action: 'retry'; reason: string; minDelayMs?: number }
  | { action: 'rate_limited'; reason: string }
  | { action: 'reset_pagination'; reason: string }
  | { action: 'fail'; failureType: FailureType; message: string; status?: number; keyRejected?: boolean; baseUrlWrong?: boolean };

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

const KEY_HINT = 'Check the API key under Settings → API in Hyros.';
const ROLE_HINT = 'Add the role to the API key under Settings → API in Hyros, or deselect the stream.';

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
      return { action: 'reject', status, message: extractMessage(bodyText, outcome.contentType) || 'Hyros answered result ERROR' };
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
  if (status === 429) return { action: 'rate_limited', reason: `HTTP 429${said}` };
  if (status === 408 || status >= 500) return { action: 'retry', reason: `HTTP ${status}${said}` };
  if (/api key not valid/i.test(apiMessage)) {
    return { action: 'fail', failureType: 'config_error', status, keyRejected: true, message: `Hyros rejected the API key (HTTP ${status}${said}). ${KEY_HINT}` };
  }
  if (status === 401) {
    // A bare 401 is also how older Hyros versions answered a key that lacks the endpoint's role.
    return {
      action: 'fail',
      failureType: 'config_error',
      status,
      message: `Hyros answered HTTP 401${said} for ${endpoint}: the API key is missing or invalid, or lacks the role this endpoint needs. Check the key and its roles under Settings → API in Hyros.`,
    };
  }
  if (status === 403) {
    const role = /missing role:?\s*([\w -]+)/i.exec(apiMessage)?.[1]?.trim();
    if (role) {
      return { action: 'fail', failureType: 'config_error', status, message: `The API key lacks the Hyros role ${role} needed for ${endpoint} (HTTP 403). ${ROLE_HINT}` };
    }
    if (/not one of your connected client accounts|not authorized: account/i.test(apiMessage)) {
      return { action: 'fail', failureType: 'config_error', status, message: `Hyros refused the client account (HTTP 403${said}). Remove it from account_ids or approve the connection in Hyros.` };
    }
    return { action: 'fail', failureType: 'config_error', status, message: `Hyros refused ${endpoint} (HTTP 403${said}). ${KEY_HINT}` };
  }
  if (status === 400 && /already processing/i.test(apiMessage)) {
    return { action: 'retry', reason: `HTTP 400${said}`, minDelayMs: 5_000 };
  }
  if (status === 400 && outcome.hadPageId && /page ?id|cursor|pagination/i.test(apiMessage)) {
    return { action: 'reset_pagination', reason: `HTTP 400${said}` };
  }
  if (status === 400 && outcome.write) {
    return { action: 'reject', status, message: apiMessage || 'HTTP 400 without a message' };
  }
  if (status === 404 && endpoint === 'GET /user-info') {
    // Every Hyros API version answers user-info: a 404 there means base_url is not the API root.
    return { action: 'fail', failureType: 'config_error', status, baseUrlWrong: true, message: wrongBaseUrlMessage(outcome.baseUrl, said) };
  }
  if (status === 404) {
    return { action: 'fail', failureType: 'system_error', status, message: `Hyros answered 404${said} for ${endpoint}: this endpoint does not exist on this account's Hyros API version.` };
  }
  return { action: 'fail', failureType: 'system_error', status, message: `Hyros rejected ${endpoint} (HTTP ${status}${said}).` };
}

/**
 * base_url does not lead to the API. The path is not checked up front (a proxy may serve the API
 * under another path); when it lacks the standard one, the message offers the likely fix.
 */
function wrongBaseUrlMessage(baseUrl: string | undefined, said: string): string {
  let suggestion = '';
  const root = baseUrl?.replace(/\/+$/, '') ?? 'base_url';
  if (baseUrl !== undefined && !new URL(baseUrl).pathname.replace(/\/+$/, '').endsWith(API_PATH)) {
    suggestion = ` Did you mean ${new URL(baseUrl).origin}${API_PATH}?`;
  }
  return `base_url ${root} does not lead to the Hyros API: GET /user-info answered HTTP 404${said}. Set base_url to the API root, which ends in the path ${API_PATH} (default ${DEFAULT_BASE_URL}).${suggestion}`;
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
