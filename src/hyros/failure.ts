/**
 * Why a Hyros request failed, as data. The classification table (classify.ts) and the client build
 * it; every later decision (stop the whole run, the role to name, a change filter the API lacks, a
 * write status not registered yet) reads its fields, and `describeFailure` renders, here and only
 * here, the message users see.
 */
import { API_PATH, DEFAULT_BASE_URL } from '../common/config.js';
import type { FailureType } from '../common/errors.js';

/** Where it happened and what Hyros said. */
interface Answered {
  /** e.g. `GET /leads`. */
  endpoint: string;
  status?: number;
  /** Hyros' own words (from its JSON envelope, plain text or an HTML page's title); '' when none. */
  apiMessage?: string;
}

export type Failure =
  /** Hyros said the key is not valid ("Api key not valid", on a 401 or a 400). */
  | (Answered & { kind: 'key_rejected'; status: number })
  /** A bare 401 on the first request of every stream of a read: the key, seen from every side. */
  | (Answered & { kind: 'key_refused_everywhere'; status: 401; endpoints: readonly string[] })
  /** A bare 401: how older Hyros versions answer a key that lacks the endpoint's role (or is not valid). */
  | (Answered & { kind: 'unauthorized'; status: 401 })
  | (Answered & { kind: 'missing_role'; status: 403; role: string })
  /** The `Accessible-Account-Id` is not a connected, approved client account of the key. */
  | (Answered & { kind: 'account_refused'; status: 403 })
  | (Answered & { kind: 'forbidden'; status: 403 })
  /** GET /user-info, which every API version answers, answered 404: base_url is not the API root. */
  | (Answered & { kind: 'wrong_base_url'; status: 404; baseUrl: string | undefined })
  /** A 404 in Hyros' JSON: the endpoint exists, the thing asked for (a request id) does not. */
  | (Answered & { kind: 'not_found'; status: 404 })
  /** A 404 page: no such endpoint on this account's API version. */
  | (Answered & { kind: 'no_endpoint'; status: 404 })
  /** The API does not know a parameter (an older version than the one that introduced it). */
  | (Answered & { kind: 'unknown_parameter'; status: number; parameter: string | undefined })
  | (Answered & { kind: 'bad_request'; status: number })
  | (Answered & { kind: 'redirected_elsewhere'; host: string; allowedHost: string })
  | (Answered & { kind: 'too_many_redirects'; max: number })
  | (Answered & { kind: 'body_too_large'; bytes: number | undefined; maxBytes: number })
  | (Answered & { kind: 'retries_exhausted'; retries: number; lastError: string })
  | (Answered & { kind: 'rate_limit_exhausted'; status: 429; waitedMs: number; maxWaitMs: number });

export type FailureKind = Failure['kind'];

/** Failures about what the key may do (a role, or the key itself on older APIs): never retried. */
export const PERMISSION_KINDS: ReadonlySet<FailureKind> = new Set(['unauthorized', 'missing_role', 'forbidden']);

const FAILURE_TYPES: Record<FailureKind, FailureType> = {
  key_rejected: 'config_error',
  key_refused_everywhere: 'config_error',
  unauthorized: 'config_error',
  missing_role: 'config_error',
  account_refused: 'config_error',
  forbidden: 'config_error',
  wrong_base_url: 'config_error',
  redirected_elsewhere: 'config_error',
  too_many_redirects: 'config_error',
  not_found: 'system_error',
  no_endpoint: 'system_error',
  unknown_parameter: 'system_error',
  bad_request: 'system_error',
  body_too_large: 'system_error',
  retries_exhausted: 'transient_error',
  rate_limit_exhausted: 'transient_error',
};

/** Who has to act: the user (config_error), us (system_error), or nobody but time (transient_error). */
export function failureTypeOf(failure: Failure): FailureType {
  return FAILURE_TYPES[failure.kind];
}

const KEY_HINT = 'Check the API key under Settings → API in Hyros.';
const ROLE_HINT = 'Add the role to the API key under Settings → API in Hyros, or deselect the stream.';

/** The message users see: what happened, where, and what to do. */
export function describeFailure(failure: Failure): string {
  const said = failure.apiMessage ? `: ${failure.apiMessage}` : '';
  const { endpoint } = failure;
  switch (failure.kind) {
    case 'key_rejected':
      return `Hyros rejected the API key (HTTP ${failure.status}${said}). ${KEY_HINT}`;
    case 'key_refused_everywhere':
      return `Hyros answered HTTP 401 (Unauthorized) to the first request of every stream (${failure.endpoints.join(', ')}): the API key is not valid, or has none of the roles these streams need. Check the API key and its roles under Settings → API in Hyros.`;
    case 'unauthorized':
      return `Hyros answered HTTP 401${said} for ${endpoint}: the API key is missing or invalid, or lacks the role this endpoint needs. Check the key and its roles under Settings → API in Hyros.`;
    case 'missing_role':
      return `The API key lacks the Hyros role ${failure.role} needed for ${endpoint} (HTTP 403). ${ROLE_HINT}`;
    case 'account_refused':
      return `Hyros refused the client account (HTTP 403${said}). Remove it from account_ids or approve the connection in Hyros.`;
    case 'forbidden':
      return `Hyros refused ${endpoint} (HTTP 403${said}). ${KEY_HINT}`;
    case 'wrong_base_url':
      return wrongBaseUrl(failure.baseUrl, said);
    case 'not_found':
      return `Hyros answered 404${said} for ${endpoint}.`;
    case 'no_endpoint':
      return `Hyros answered 404${said} for ${endpoint}: this endpoint does not exist on this account's Hyros API version.`;
    case 'unknown_parameter':
    case 'bad_request':
      return `Hyros rejected ${endpoint} (HTTP ${failure.status}${said}).`;
    case 'redirected_elsewhere':
      return `Hyros redirected ${endpoint} to another host (${failure.host}); the API key is only ever sent to ${failure.allowedHost}. Check base_url.`;
    case 'too_many_redirects':
      return `${endpoint} redirected more than ${failure.max} times.`;
    case 'body_too_large':
      return failure.bytes === undefined
        ? `${endpoint} answered with a body over the ${failure.maxBytes}-byte limit.`
        : `${endpoint} answered with a ${failure.bytes}-byte body, over the ${failure.maxBytes}-byte limit.`;
    case 'retries_exhausted':
      return `${endpoint} failed after ${failure.retries} ${failure.retries === 1 ? 'retry' : 'retries'}; last error: ${failure.lastError}. Hyros or the network may be having trouble; the next sync resumes from the last saved state.`;
    case 'rate_limit_exhausted':
      return `Hyros kept answering 429 (rate limited) for ${endpoint}: waited ${Math.round(failure.waitedMs / 1000)} s in total, and max_rate_limit_wait_seconds is ${Math.round(failure.maxWaitMs / 1000)}. Another tool may be using the same API key; retry later or lower requests_per_second / requests_per_minute.`;
  }
}

/**
 * base_url does not lead to the API. Its path is not checked up front (a proxy may serve the API
 * under another path); when it lacks the standard one, the message offers the likely fix.
 */
function wrongBaseUrl(baseUrl: string | undefined, said: string): string {
  const root = baseUrl?.replace(/\/+$/, '') ?? 'base_url';
  let suggestion = '';
  if (baseUrl !== undefined && !new URL(baseUrl).pathname.replace(/\/+$/, '').endsWith(API_PATH)) {
    suggestion = ` Did you mean ${new URL(baseUrl).origin}${API_PATH}?`;
  }
  return `base_url ${root} does not lead to the Hyros API: GET /user-info answered HTTP 404${said}. Set base_url to the API root, which ends in the path ${API_PATH} (default ${DEFAULT_BASE_URL}).${suggestion}`;
}
