/** What one request is, how a write ended, and the hooks and context a caller passes with it. */

export type QueryParams = ReadonlyArray<readonly [string, string]>;

export type WriteMethod = 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
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
  /** `message` is Hyros' own; `notFound`: Hyros does not know the record (a refund's order). */
  | { kind: 'rejected'; message: string; status: number; notFound: boolean }
  | { kind: 'ambiguous'; reason: string; sentAtMs: number; settledAtMs: number };

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
