/**
 * Client-side pacing for one API key: at most `perSecond` requests in any second and `perMinute`
 * in any minute (sliding windows, so the burst allowance is used: 30 requests in the first second
 * of a short sync, not a steady 1000/60 per second). Requests are admitted in FIFO order.
 *
 * The server's view wins when it is stricter: if `X-RateLimit-Remaining` says fewer requests are
 * left than we think (another tool shares the key), we count phantom requests, and a remaining of 0
 * pauses everything until `X-RateLimit-Reset`. A 429 pauses everything until its wait is over.
 */

export interface LimiterOptions {
  perSecond: number;
  perMinute: number;
  /** Added to both windows so clock skew and latency jitter don't make the server count 31 in its second. */
  safetyMs?: number;
}

const SECOND = 1000;
const MINUTE = 60_000;
const OBSERVE_SLACK_MS = 250;

export class RateLimiter {
  private readonly perSecond: number;
  private readonly perMinute: number;
  private readonly safetyMs: number;
  /** Send times of the last minute, oldest first. */
  private sent: number[] = [];
  private pausedUntil = 0;
  private readonly waiters: Array<(grantedAtMs: number) => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: LimiterOptions) {
    this.perSecond = options.perSecond;
    this.perMinute = options.perMinute;
    this.safetyMs = options.safetyMs ?? 25;
  }

  /** Resolves, with the grant time, when one more request may be sent (and counts it). */
  acquire(): Promise<number> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.pump();
    });
  }

  /** Hold every request until `untilMs` (a 429's wait, or a reset the server announced). */
  pauseUntil(untilMs: number): void {
    if (untilMs > this.pausedUntil) this.pausedUntil = untilMs;
  }

  /**
   * Feed back the server's rate-limit headers. They describe the server's count when it received
   * the request, so they are compared with our count at the moment that request was sent
   * (`sentAtMs`), not with now: by the time a response arrives, slots of our own have freed up.
   */
  observe(remaining: number | undefined, resetWaitMs: number | undefined, sentAtMs: number, nowMs: number = Date.now()): void {
    if (remaining === undefined || !Number.isFinite(remaining)) return;
    const ours = this.remainingAt(sentAtMs, nowMs);
    // Two requests of slack: the server and we may count requests on either side of an edge.
    if (remaining >= ours - 2) return;
    if (remaining <= 0 && resetWaitMs !== undefined) {
      // The server has nothing left for us although we think we do: someone else uses the key.
      this.pauseUntil(nowMs + resetWaitMs);
      return;
    }
    for (let i = 0; i < ours - Math.max(0, remaining); i++) this.sent.push(nowMs);
  }

  /** Milliseconds until the next request could go, 0 when it could go now. */
  delayMs(nowMs: number = Date.now()): number {
    this.prune(nowMs);
    let wait = Math.max(0, this.pausedUntil - nowMs);
    const secondWindow = SECOND + this.safetyMs;
    const minuteWindow = MINUTE + this.safetyMs;
    const n = this.sent.length;
    if (n >= this.perSecond) {
      const oldestInSecond = this.sent[n - this.perSecond] as number;
      wait = Math.max(wait, oldestInSecond + secondWindow - nowMs);
    }
    if (n >= this.perMinute) {
      const oldestInMinute = this.sent[n - this.perMinute] as number;
      wait = Math.max(wait, oldestInMinute + minuteWindow - nowMs);
    }
    return wait;
  }

  /** What we believed was left right after the request sent at `atMs` (it counted itself). */
  private remainingAt(atMs: number, nowMs: number): number {
    this.prune(nowMs);
    let inSecond = 0;
    let inMinute = 0;
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const t = this.sent[i] as number;
      if (t > atMs) continue;
      // Windows widened generously: a request granted here may reach the server tens of
      // milliseconds later (the event loop was parsing a page), so it can still sit in the
      // server's window. Only a clear excess means another client uses the key.
      if (t <= atMs - MINUTE - OBSERVE_SLACK_MS) break;
      inMinute++;
      if (t > atMs - SECOND - OBSERVE_SLACK_MS) inSecond++;
    }
    return Math.min(this.perSecond - inSecond, this.perMinute - inMinute);
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - MINUTE - this.safetyMs;
    let drop = 0;
    while (drop < this.sent.length && (this.sent[drop] as number) <= cutoff) drop++;
    if (drop > 0) this.sent = this.sent.slice(drop);
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    while (this.waiters.length > 0) {
      const now = Date.now();
      const wait = this.delayMs(now);
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.sent.push(now);
      (this.waiters.shift() as (grantedAtMs: number) => void)(now);
    }
  }
}
