/**
 * Client-side pacing for one API key: at most `perSecond` requests in any second and `perMinute`
 * in any minute (sliding windows, so the burst allowance is used: 30 requests in the first second
 * of a short sync, not a steady 1000/60 per second). Requests are admitted in FIFO order.
 *
 * The server counts a request when it ARRIVES, which is later than we grant it by a varying delay:
 * event-loop work and connection scheduling (so a request is re-stamped when it is actually written
 * to its socket, `written`) and network jitter (so both windows are widened by a margin). The margin
 * starts at `safetyMs`; every 429 widens it (the network bunches arrivals more than we assumed) and
 * it decays back over `MARGIN_HALF_LIFE_MS` once 429s stop.
 *
 * A read's request chains leave in waves (`waves`), which lets a smaller margin hold for the
 * requests that did leave in one; one that left alone keeps the lone margin (src/hyros/second-window.ts),
 * and the minute window keeps at least MINUTE_SAFETY_MS.
 *
 * The server's view wins when it is stricter: if `X-RateLimit-Remaining` says fewer requests are
 * left than we think (another tool shares the key), we count phantom requests, and a remaining of 0
 * pauses everything until `X-RateLimit-Reset`. A 429 pauses everything until its wait is over.
 */

import { AdaptiveMargin, MAX_MARGIN_MS } from './adaptive-margin.js';
import { DEFAULT_SAFETY_MS, DEFAULT_WAVE_SAFETY_MS, MINUTE_SAFETY_MS, type LimiterOptions, type WaveOptions } from './limiter-options.js';
import { RoundTrips } from './round-trips.js';
import { groupMarginMs, groupSize, secondWindowExpiries } from './second-window.js';

const SECOND = 1000;
const MINUTE = 60_000;
const OBSERVE_SLACK_MS = 250;
export class RateLimiter {
  private readonly perSecond: number;
  private readonly perMinute: number;
  private readonly safetyMs: number;
  private readonly minuteSafetyMs: number;
  private readonly loneSafetyMs: number;
  /** The margin of both windows: safetyMs, widened by 429s. */
  private readonly margin: AdaptiveMargin;
  /** Send times of the last minute, oldest first. */
  private sent: number[] = [];
  private pausedUntil = 0;
  private readonly waiters: Array<(grantedAtMs: number) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly waves: WaveOptions | undefined;
  /** Requests on their way (with waves): when their answers are due. */
  private readonly roundTrips = new RoundTrips();
  /** Since when requests wait with a slot free (a wave forming), if they do. */
  private holdingSinceMs: number | undefined;

  constructor(options: LimiterOptions) {
    this.perSecond = options.perSecond;
    this.perMinute = options.perMinute;
    this.safetyMs = options.safetyMs ?? (options.waves ? DEFAULT_WAVE_SAFETY_MS : DEFAULT_SAFETY_MS);
    this.minuteSafetyMs = options.minuteSafetyMs ?? MINUTE_SAFETY_MS;
    this.loneSafetyMs = options.loneSafetyMs ?? (options.safetyMs ?? DEFAULT_SAFETY_MS);
    this.margin = new AdaptiveMargin(this.safetyMs);
    this.waves = options.waves;
  }

  /** The request granted at `grantedAtMs` got its answer (or failed): a forming wave stops waiting for it. */
  finished(grantedAtMs: number, nowMs: number = Date.now()): void {
    if (this.roundTrips.finished(grantedAtMs, nowMs) && this.holdingSinceMs !== undefined) this.repump();
  }

  /** Recent time from grant to answer (measured with `waves`); undefined until an answer came. */
  recentRoundTripMs(): number | undefined {
    return this.roundTrips.recentMs;
  }

  /**
   * Whether `requests` more requests could all be granted within `withinMs` from now, by both
   * windows (and their margin) and any pause: the engine splits a busy window only when the limit
   * would not be what holds the read back. Bounded: stops at the first grant past the horizon.
   */
  allowsWithin(requests: number, withinMs: number, nowMs: number = Date.now()): boolean {
    this.prune(nowMs);
    const margin = this.marginMs(nowMs);
    const horizon = nowMs + withinMs;
    const planned: number[] = [];
    // The send times so far followed by the planned grants, as one list.
    const at = (i: number) => (i < this.sent.length ? (this.sent[i] as number) : (planned[i - this.sent.length] as number));
    let t = Math.max(nowMs, this.pausedUntil);
    for (let k = 0; k < requests; k++) {
      const n = this.sent.length + planned.length;
      if (n >= this.perSecond) t = Math.max(t, at(n - this.perSecond) + SECOND + margin);
      if (n >= this.perMinute) t = Math.max(t, at(n - this.perMinute) + MINUTE + this.minuteMarginMs(margin));
      if (t > horizon) return false;
      planned.push(t);
    }
    return true;
  }

  /** Resolves, with the grant time, when one more request may be sent (and counts it). */
  acquire(): Promise<number> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      // A forming wave may be complete with this one.
      if (this.holdingSinceMs !== undefined) this.repump();
      else this.pump();
    });
  }

  /**
   * The request granted at `grantedAtMs` was written to its socket at `writtenAtMs`: count it from
   * then, since that is when it starts its way to the server. Unknown grants are ignored.
   */
  written(grantedAtMs: number, writtenAtMs: number): void {
    if (writtenAtMs <= grantedAtMs) return;
    const index = this.sent.lastIndexOf(grantedAtMs);
    if (index === -1) return;
    this.sent.splice(index, 1);
    let at = this.sent.length;
    while (at > 0 && (this.sent[at - 1] as number) > writtenAtMs) at--;
    this.sent.splice(at, 0, writtenAtMs);
  }

  /** The server answered 429 although we paced: its arrivals bunch more than the margin allows. */
  rateLimited(nowMs: number = Date.now()): void {
    this.margin.widen(nowMs);
  }

  /** The current margin added to both windows: the floor plus what 429s added, decaying. */
  marginMs(nowMs: number = Date.now()): number {
    return this.margin.at(nowMs);
  }

  /** The minute window's margin: the current margin, at least minuteSafetyMs. */
  private minuteMarginMs(marginMs: number): number {
    return Math.max(marginMs, this.minuteSafetyMs);
  }

  /** Hold every request until `untilMs` (a 429's wait, or a reset the server announced). */
  pauseUntil(untilMs: number): void {
    if (untilMs > this.pausedUntil) this.pausedUntil = untilMs;
  }

  /**
   * Feed back the server's rate-limit headers. They describe the server's count when it received
   * the request sent at `sentAtMs`, which may already include any request we sent before this
   * answer came back (`nowMs`): concurrent requests reach the server in any order. Only a count
   * above everything we could have caused means another client uses the key.
   */
  observe(remaining: number | undefined, resetWaitMs: number | undefined, sentAtMs: number, nowMs: number = Date.now()): void {
    if (remaining === undefined || !Number.isFinite(remaining)) return;
    const ours = this.fewestRemaining(sentAtMs, nowMs);
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
    const margin = this.marginMs(nowMs);
    const minuteWindow = MINUTE + this.minuteMarginMs(margin);
    const n = this.sent.length;
    // The second frees a slot when enough of the sends holding one have expired.
    const expiries = this.secondExpiries(nowMs, margin);
    if (expiries.length >= this.perSecond) wait = Math.max(wait, (expiries[expiries.length - this.perSecond] as number) - nowMs);
    if (n >= this.perMinute) {
      const oldestInMinute = this.sent[n - this.perMinute] as number;
      wait = Math.max(wait, oldestInMinute + minuteWindow - nowMs);
    }
    return wait;
  }

  /**
   * The fewest requests the server could have had left when the request sent at `atMs` reached it,
   * by our own count: every request of ours from a window before it up to now may be in its count.
   */
  private fewestRemaining(atMs: number, nowMs: number): number {
    this.prune(nowMs);
    // Windows widened generously: a request granted here may reach the server tens of
    // milliseconds later (the event loop was parsing a page), so it can still sit in the
    // server's window.
    return this.remainingAfter(atMs - SECOND - OBSERVE_SLACK_MS, atMs - MINUTE - OBSERVE_SLACK_MS);
  }

  /** Slots left if every request sent after `secondFromMs` fills the second and every one after `minuteFromMs` the minute. */
  private remainingAfter(secondFromMs: number, minuteFromMs: number): number {
    let inSecond = 0;
    let inMinute = 0;
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const t = this.sent[i] as number;
      if (t <= minuteFromMs) break;
      inMinute++;
      if (t > secondFromMs) inSecond++;
    }
    return Math.min(this.perSecond - inSecond, this.perMinute - inMinute);
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - MINUTE - MAX_MARGIN_MS;
    let drop = 0;
    while (drop < this.sent.length && (this.sent[drop] as number) <= cutoff) drop++;
    if (drop > 0) this.sent = this.sent.slice(drop);
  }

  /** How many requests could go at `nowMs` without exceeding either window. */
  private freeSlots(nowMs: number): number {
    const margin = this.marginMs(nowMs);
    const inSecond = this.secondExpiries(nowMs, margin).length;
    return Math.max(0, Math.min(this.perSecond - inSecond, this.remainingAfter(Number.POSITIVE_INFINITY, nowMs - MINUTE - this.minuteMarginMs(margin))));
  }

  /**
   * When the sends holding a slot of the second window free it, ascending. With waves, a send that
   * left in a smaller group than a full wave keeps a wider margin, up to the lone one (second-window.ts).
   */
  private secondExpiries(nowMs: number, marginMs: number): number[] {
    const waves = this.waves;
    if (!waves) return secondWindowExpiries(this.sent, nowMs, () => marginMs, marginMs);
    const lone = Math.max(marginMs, this.loneSafetyMs);
    const marginOf = (i: number) => Math.max(marginMs, groupMarginMs(groupSize(this.sent, i, waves.requesters), waves.requesters, this.safetyMs, lone));
    return secondWindowExpiries(this.sent, nowMs, marginOf, lone);
  }

  private repump(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.pump();
  }

  private schedule(wait: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, wait);
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    while (this.waiters.length > 0) {
      const now = Date.now();
      const wait = this.delayMs(now);
      if (wait > 0) {
        this.holdingSinceMs = undefined;
        this.schedule(wait);
        return;
      }
      if (this.waves) {
        // Fewer wait than could go, the requesters could fill the free slots (else the window is
        // not the bottleneck), and answers due within the hold may join: let the wave fill up.
        const free = this.freeSlots(now);
        if (this.waiters.length < free && free <= this.waves.requesters) {
          this.holdingSinceMs ??= now;
          const holdLeft = this.holdingSinceMs + this.waves.holdMs - now;
          if (holdLeft > 0 && this.roundTrips.answerExpectedWithin(now + holdLeft)) {
            this.schedule(holdLeft);
            return;
          }
        }
        // The wave goes: every waiter that fits, at this same instant.
        this.holdingSinceMs = undefined;
        for (let n = Math.min(free, this.waiters.length); n > 0; n--) this.grant(now);
        continue;
      }
      this.grant(now);
    }
    this.holdingSinceMs = undefined;
  }

  private grant(now: number): void {
    this.sent.push(now);
    if (this.waves) this.roundTrips.granted(now);
    (this.waiters.shift() as (grantedAtMs: number) => void)(now);
  }
}
