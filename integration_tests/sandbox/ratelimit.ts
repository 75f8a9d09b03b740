/**
 * Sliding-window rate limiter, as Hyros documents it: 30 requests/second and 1000 requests/minute per
 * caller. Only admitted (non-429) requests occupy the windows, so the served rate never exceeds the
 * limits. Headers: `X-RateLimit-Limit: 30;w=1, 1000;w=60`, `X-RateLimit-Remaining` (most restrictive
 * window), `X-RateLimit-Reset` (unix seconds when that window frees a slot), `Retry-After` on 429.
 */

export interface RateLimits {
  perSecond: number;
  perMinute: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfter?: number;
}

export class RateLimiter {
  private hits: number[] = [];
  maxPerSecond = 0;
  maxPerMinute = 0;

  constructor(private readonly limits: RateLimits | false) {}

  private prune(now: number): void {
    let i = 0;
    while (i < this.hits.length && (this.hits[i] as number) <= now - 60_000) i++;
    if (i > 0) this.hits.splice(0, i);
  }

  /** index of the first hit inside the window ending at `now` */
  private firstIn(now: number, windowMs: number): number {
    let lo = 0, hi = this.hits.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if ((this.hits[m] as number) > now - windowMs) hi = m; else lo = m + 1; }
    return lo;
  }

  check(now = Date.now()): RateDecision {
    this.prune(now);
    const sec0 = this.firstIn(now, 1000);
    const inSec = this.hits.length - sec0;
    const inMin = this.hits.length;
    const lim = this.limits;
    if (lim && (inSec >= lim.perSecond || inMin >= lim.perMinute)) {
      let waitMs = 0;
      if (inSec >= lim.perSecond) waitMs = Math.max(waitMs, (this.hits[this.hits.length - lim.perSecond] as number) + 1000 - now);
      if (inMin >= lim.perMinute) waitMs = Math.max(waitMs, (this.hits[this.hits.length - lim.perMinute] as number) + 60_000 - now);
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      return { allowed: false, retryAfter, headers: { ...this.headers(now, inSec, inMin, sec0), 'Retry-After': String(retryAfter) } };
    }
    // Arrivals are checked in the order their delays end, which may differ from their stamps by a
    // timer tick: keep the hits sorted.
    let at = this.hits.length;
    while (at > 0 && (this.hits[at - 1] as number) > now) at--;
    this.hits.splice(at, 0, now);
    this.maxPerSecond = Math.max(this.maxPerSecond, inSec + 1);
    this.maxPerMinute = Math.max(this.maxPerMinute, inMin + 1);
    return { allowed: true, headers: lim ? this.headers(now, inSec + 1, inMin + 1, sec0) : {} };
  }

  private headers(now: number, inSec: number, inMin: number, sec0: number): Record<string, string> {
    const lim = this.limits;
    if (!lim) return {};
    const remSec = Math.max(0, lim.perSecond - inSec);
    const remMin = Math.max(0, lim.perMinute - inMin);
    const secTighter = remSec <= remMin;
    // the most restrictive window frees a slot when its oldest hit leaves the window
    const oldest = secTighter ? this.hits[sec0] : this.hits[0];
    const resetMs = oldest === undefined ? now : oldest + (secTighter ? 1000 : 60_000);
    return {
      'X-RateLimit-Limit': `${lim.perSecond};w=1, ${lim.perMinute};w=60`,
      'X-RateLimit-Remaining': String(Math.min(remSec, remMin)),
      'X-RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
    };
  }

  /** Forget every admitted request: the windows start empty, as for a key unused for a minute. */
  clear(): void {
    this.hits = [];
  }

  resetStats(): void {
    this.maxPerSecond = 0;
    this.maxPerMinute = 0;
  }
}
