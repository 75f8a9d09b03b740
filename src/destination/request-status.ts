/**
 * `GET /requests/{id}` (API v1.41+, role "Get Request Status"): whether an accepted write is still
 * PENDING, PROCESSED or FAILED. Polls spend the same rate limit as the writes, so they are few: the
 * first comes when Hyros has typically finished (learnt from the answers: a write found PROCESSED at
 * its first poll moves the next first poll earlier, one found later moves it towards when it was
 * done), then they back off (×2, at most 15 s apart). Whether the endpoint can be used is learnt
 * from the first answer.
 */
import { sleep } from '../hyros/backoff.js';
import type { HyrosClient } from '../hyros/client.js';
import { errorMessage } from '../common/errors.js';
import { failureOf } from '../hyros/errors.js';
import { PERMISSION_KINDS } from '../hyros/failure.js';
import type { RequestContext } from '../hyros/request.js';

export type RequestStatus = { status: 'PROCESSED' } | { status: 'FAILED'; reason: string } | { status: 'PENDING' };

const MIN_FIRST_POLL_MS = 1000;
const MAX_FIRST_POLL_MS = 60_000;
const MAX_POLL_INTERVAL_MS = 15_000;

export class RequestStatusPoller {
  /** Why the endpoint cannot be used (no such endpoint, no role), once known. */
  unavailable: string | undefined;
  polls = 0;
  /** When, after sending, the first poll goes out: Hyros' typical processing time as seen so far. */
  private firstPollMs = MIN_FIRST_POLL_MS;

  constructor(private readonly client: HyrosClient) {}

  /** One poll; `undefined` when the endpoint cannot be used (see `unavailable`). */
  async poll(requestId: string, context: RequestContext): Promise<RequestStatus | undefined> {
    if (this.unavailable !== undefined) return undefined;
    this.polls++;
    let body: unknown;
    try {
      body = await this.client.getJson(`requests/${encodeURIComponent(requestId)}`, [], context);
    } catch (error) {
      const kind = failureOf(error)?.kind;
      // Hyros does not know the request (yet): one it has not registered is still pending for us.
      if (kind === 'not_found') return { status: 'PENDING' };
      // No such endpoint (before v1.41), or no "Get Request Status" role, or a refused account.
      if (kind === 'no_endpoint' || kind === 'account_refused' || (kind !== undefined && PERMISSION_KINDS.has(kind))) {
        this.unavailable = errorMessage(error);
        return undefined;
      }
      throw error;
    }
    const result = (body as { result?: { status?: unknown; message?: unknown } } | null)?.result;
    const status = typeof result?.status === 'string' ? result.status.toUpperCase() : 'PENDING';
    if (status === 'PROCESSED') return { status: 'PROCESSED' };
    if (status === 'FAILED') {
      const message = Array.isArray(result?.message) ? result.message.map(String).join('; ') : typeof result?.message === 'string' ? result.message : 'no reason given';
      return { status: 'FAILED', reason: message };
    }
    return { status: 'PENDING' };
  }

  /**
   * Polls until the request is no longer PENDING or `deadlineMs` passes. Resolves the last status,
   * or `undefined` when the endpoint cannot be used.
   */
  async waitFor(requestId: string, sentAtMs: number, deadlineMs: number, context: RequestContext): Promise<RequestStatus | undefined> {
    let interval = Math.min(MAX_POLL_INTERVAL_MS, this.firstPollMs);
    let next = sentAtMs + this.firstPollMs;
    for (let poll = 1; ; poll++) {
      const now = Date.now();
      if (next > deadlineMs) {
        if (deadlineMs > now) await sleep(deadlineMs - now, context.signal);
        return { status: 'PENDING' };
      }
      if (next > now) await sleep(next - now, context.signal);
      const status = await this.poll(requestId, context);
      if (status === undefined) return status;
      if (status.status !== 'PENDING') {
        this.learn(poll === 1, Date.now() - sentAtMs);
        return status;
      }
      interval = Math.min(MAX_POLL_INTERVAL_MS, interval * 2);
      next = Date.now() + interval;
    }
  }

  /** Done at the first poll: try 10 % earlier next time; done later: move a fifth of the way to when. */
  private learn(doneAtFirstPoll: boolean, doneAfterMs: number): void {
    const target = doneAtFirstPoll ? this.firstPollMs * 0.9 : 0.8 * this.firstPollMs + 0.2 * doneAfterMs;
    this.firstPollMs = Math.min(MAX_FIRST_POLL_MS, Math.max(MIN_FIRST_POLL_MS, target));
  }
}
