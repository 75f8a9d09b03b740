/**
 * How much later than another a request may reach Hyros: the margin the rate budget keeps on every
 * window, since Hyros counts a request when it arrives, not when it leaves here. One-way delays
 * cannot be measured, but the time from writing a request to its answer's headers can: a way in,
 * Hyros' work, a way out. Two uses of that one measurement:
 *
 * - The window reused every second (the shortest) pays its margin every second, so it takes an
 *   estimate. When both ways vary alike, the measured time varies √2 times as much as one way, and a
 *   delay spread evenly over a span has a standard deviation of span/√12: the span of one-way delays
 *   is √6 deviations of the measured time. Requests that left together reach Hyros together: the
 *   k-th arrival of a group of n varies about 1/√n as much as one request's, so a group's slots are
 *   reused sooner. An estimate does not see a rare stall on the way in; a request that took longer
 *   than the fastest by more than both ways' usual spread may have had one, and holds its slot for
 *   all of that.
 * - A window reused rarely (the minute) pays its margin once per use, so it takes a bound: a request
 *   arrived before its answer came, so no later than its whole measured time after its write; one
 *   not answered takes the slowest recent time. (How much longer than the fastest it took is no
 *   bound: the fastest may have spent its time on the way out, this one on the way in.)
 *
 * Every 429 doubles the margin (the network bunched arrivals more than measured) until as many
 * delays as the estimate holds have been measured since: a 429 caused by another tool using the key
 * is not paid for the rest of the sync.
 */
import { RecentSamples } from './samples.js';

const SPAN_PER_DEVIATION = Math.sqrt(6);
/**
 * A group's margin is GROUP_SPREAD / √n of the span (one request: the whole span): the smallest
 * value with no 429 in thousands of simulated backfills on both network models of
 * scripts/sim-rate.ts.
 */
const GROUP_SPREAD = 2.5;
/** Enough delays to know their spread within a few percent; few enough to follow a network that changes. */
const RECENT = 100;

/** What the margin of one send's slots depends on. */
export interface SendDelays {
  /** How many requests left together. */
  together: number;
  /** The most one of them took longer than the fastest recent request; undefined while one is unanswered. */
  lateMs: number | undefined;
  /** The longest one of them took from its write to its answer's headers; undefined while one is unanswered. */
  tookMs: number | undefined;
}

export class ArrivalMargin {
  private readonly delays = new RecentSamples(RECENT);
  private readonly trips = new RecentSamples(RECENT);
  private doublings = 0;
  private widenedAtMs = Number.NEGATIVE_INFINITY;
  /** Delays measured since the last 429 (or since the last doubling was dropped). */
  private measuredSince = 0;

  /** `capMs`: no margin is wider, and 429s within it are one bunching. */
  constructor(private readonly capMs: number) {}

  /** The time from a request's write to its answer's headers; returns how much longer than the fastest recent one it took. */
  measured(ms: number): number {
    if (ms < 0) return 0;
    this.delays.add(ms);
    if (this.doublings > 0 && ++this.measuredSince >= RECENT) {
      this.doublings--;
      this.measuredSince = 0;
    }
    return ms - (this.delays.min() as number);
  }

  /** The time from a grant to the end of its answer. */
  roundTrip(ms: number): void {
    if (ms >= 0) this.trips.add(ms);
  }

  roundTripMs(): number | undefined {
    return this.trips.mean();
  }

  /** The margin of a send's slots in a window reused every second (`often`) or rarely (0 until delays are measured). */
  of(send: SendDelays, often: boolean): number {
    const span = this.spanMs();
    const outlier = send.lateMs !== undefined && this.outlier(send.lateMs) ? send.lateMs : 0;
    const margin = often
      ? Math.max(outlier, span * Math.min(1, GROUP_SPREAD / Math.sqrt(send.together)))
      : (send.tookMs ?? this.delays.max() ?? 0);
    return Math.min(this.capMs, margin * 2 ** this.doublings);
  }

  /** The span of one-way delays (0 until two delays are measured). */
  private spanMs(): number {
    return SPAN_PER_DEVIATION * (this.delays.deviation() ?? 0);
  }

  /**
   * A request that took longer than the fastest by more than both ways' usual spread: it may have
   * stalled on its way in, and holds its slot for all of that (rate-budget.ts).
   */
  outlier(lateMs: number): boolean {
    return lateMs > 2 * this.spanMs();
  }

  /** A 429 although we paced (the concurrent 429s of one bunching count once). */
  widen(nowMs: number): void {
    if (nowMs - this.widenedAtMs < this.capMs) return;
    this.widenedAtMs = nowMs;
    this.doublings++;
    this.measuredSince = 0;
  }
}
