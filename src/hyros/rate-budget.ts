/**
 * The key's rate budget: the limits Hyros counts per API key, as data (`{ limit: 30, perMs: 1000 }`,
 * `{ limit: 1000, perMs: 60_000 }`), over sliding windows, so the burst allowance is used: 30
 * requests in the first second of a short sync, not a steady 1000/60 per second. Callers wait in
 * arrival order; one whose signal aborts leaves at once and spends nothing.
 *
 * Hyros counts a request when it ARRIVES. A request is counted here from when it is written to its
 * socket (`Grant.written`: event-loop work and connection scheduling come between), and a slot is
 * reused only a window plus a margin later: the margin absorbs how much later an earlier request may
 * have arrived than the one reusing its slot (src/hyros/arrival-margin.ts: it follows the delays
 * measured, `Grant.answered`; narrower for requests that left together; doubled by a 429).
 *
 * Requests asked for in the same turn of the event loop, or waiting when slots free, leave together,
 * and their slots free together: once the window is full, a read's request chains take turns in
 * groups, which arrive closer together than requests one by one and so need a smaller margin.
 *
 * The server's view wins when it is stricter: `update` reads `X-RateLimit-Remaining` (another tool
 * may share the key), `X-RateLimit-Reset`, and a 429's `Retry-After`, which pauses every request.
 */
import { WaitQueue } from '../common/wait-queue.js';
import { ArrivalMargin } from './arrival-margin.js';
import { parseResetWaitMs, parseRetryAfterMs } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { RateWindows, type Rate, type Send } from './rate-windows.js';

export type { Rate } from './rate-windows.js';

/** One request let through: what the budget learns of it afterwards. */
export interface Grant {
  /** When it counts from: the write to its socket once reported, the grant until then. */
  readonly sentAtMs: number;
  /** It was handed to its socket at `atMs`. */
  written(atMs: number): void;
  /** Its answer's headers came at `atMs`. */
  answered(atMs: number): void;
  /** Answered, failed or never sent. */
  done(): void;
}

/** What an answer tells the budget. */
export interface RateAnswer {
  status: number | undefined;
  headers: Headers | undefined;
}

export class RateBudget {
  private readonly clock: Clock;
  private readonly windows: RateWindows;
  private readonly margin: ArrivalMargin;
  private readonly shortestMs: number;
  private readonly queue = new WaitQueue<Grant>();
  private pausedUntil = 0;
  private timer: unknown;
  private pumpQueued = false;
  /** Which send holds each grant's slot, for a 429 to give it back. */
  private readonly sendOf = new WeakMap<Grant, Send>();

  constructor(rates: readonly Rate[], clock: Clock = systemClock) {
    this.clock = clock;
    this.shortestMs = Math.min(...rates.map((rate) => rate.perMs));
    // A margin beyond the shortest window would halve the rate for nothing.
    this.margin = new ArrivalMargin(this.shortestMs);
    this.windows = new RateWindows(rates, (send, often) =>
      this.margin.of({ together: send.together, ...(send.unanswered > 0 ? { lateMs: undefined, tookMs: undefined } : { lateMs: send.lateMs, tookMs: send.tookMs }) }, often),
    );
  }

  /** Resolves when one more request may be sent; rejects with the reason when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Grant> {
    const granted = this.queue.wait(signal);
    // Requests asked for in the same turn of the event loop leave as one group.
    if (!this.pumpQueued) {
      this.pumpQueued = true;
      queueMicrotask(() => {
        this.pumpQueued = false;
        this.pump();
      });
    }
    return granted;
  }

  /** Reads an answer's rate-limit headers. For a 429: how long Hyros asked to wait (every request waits as long). */
  update(grant: Grant, answer: RateAnswer): number | undefined {
    const now = this.clock.now();
    const headers = answer.headers;
    const resetMs = parseResetWaitMs(headers?.get('x-ratelimit-reset'), now);
    if (answer.status === 429) {
      const waitMs = parseRetryAfterMs(headers?.get('retry-after'), now) ?? resetMs ?? this.shortestMs;
      // Refused, so not counted: its slots go back (were it counted, the next remaining count says so).
      const send = this.sendOf.get(grant);
      if (send) this.windows.release(send);
      this.margin.widen(now);
      this.pauseUntil(now + waitMs);
      return waitMs;
    }
    const remaining = Number(headers?.get('x-ratelimit-remaining') ?? Number.NaN);
    if (!Number.isFinite(remaining)) return undefined;
    // The server counted when this request arrived, less than a round trip after it left, and the
    // count may hold any request of ours from a window before that up to now (concurrent requests
    // arrive in any order). Only a count above all of them means another client uses the key.
    const ours = this.windows.fewestRemaining(grant.sentAtMs - (now - grant.sentAtMs));
    if (remaining >= ours) return undefined;
    if (remaining <= 0 && resetMs !== undefined) this.pauseUntil(now + resetMs);
    else this.windows.add(now, ours - Math.max(0, remaining), true);
    return undefined;
  }

  /** Milliseconds from now until `requests` more requests would all have been granted. */
  eta(requests: number): number {
    const now = this.clock.now();
    return this.windows.eta(requests, Math.max(now, this.pausedUntil), now) - now;
  }

  /** The recent time from a grant to the end of its answer; undefined before the first. */
  get roundTripMs(): number | undefined {
    return this.margin.roundTripMs();
  }

  private pauseUntil(untilMs: number): void {
    if (untilMs <= this.pausedUntil) return;
    this.pausedUntil = untilMs;
    this.pump();
  }

  private pump(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const now = this.clock.now();
    const wait = Math.max(this.pausedUntil - now, this.windows.waitMs(now));
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => this.pump(), wait);
      return;
    }
    // Every waiting request that fits goes now, as one group; the others wait for the next slot.
    const size = Math.min(this.windows.free(now), this.queue.length);
    const send = this.windows.add(now, size);
    for (let i = 0; i < size; i++) this.queue.wakeOne(this.grant(now, send));
    if (this.queue.length > 0) this.pump();
  }

  private grant(now: number, send: Send): Grant {
    let sentAtMs = now;
    let answered = false;
    let finished = false;
    const grant: Grant = {
      get sentAtMs() {
        return sentAtMs;
      },
      written: (atMs) => {
        sentAtMs = Math.max(sentAtMs, atMs);
        this.windows.move(send, atMs);
      },
      answered: (atMs) => {
        if (answered) return;
        answered = true;
        const tookMs = Math.max(0, atMs - sentAtMs);
        const lateMs = this.margin.measured(tookMs);
        send.unanswered--;
        // One that took far longer than the rest of its group holds its slot on its own.
        if (this.margin.outlier(lateMs) && send.slots > 1) this.sendOf.set(grant, this.windows.detach(send, lateMs, tookMs));
        else {
          send.lateMs = Math.max(send.lateMs, lateMs);
          send.tookMs = Math.max(send.tookMs, tookMs);
        }
      },
      done: () => {
        if (finished) return;
        finished = true;
        this.margin.roundTrip(this.clock.now() - now);
      },
    };
    this.sendOf.set(grant, send);
    return grant;
  }
}
