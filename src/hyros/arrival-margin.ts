/**
 * How much later than another a request may reach Hyros: the margin the rate budget keeps on every
 * window, since Hyros counts a request when it arrives, not when it leaves here.
 *
 * One-way delays cannot be measured, but the time from writing a request to its answer's headers
 * can: a way in, Hyros' work, a way out. When both ways vary alike, that time varies √2 times as
 * much as one way, and a delay spread evenly over a span has a standard deviation of span/√12: the
 * span of one-way delays is √6 deviations of the measured time. Hyros' own work varying only widens
 * it, which errs on the safe side.
 *
 * Requests that leave together reach Hyros together: the k-th arrival of a group of n varies about
 * 1/√n as much as one request's, so the slots of a group are reused sooner. Every 429 doubles the
 * margin (the network bunched arrivals more than measured) until as many delays as the estimate
 * holds have been measured since: a 429 that came from another tool using the key is not paid for
 * the rest of the sync.
 */
import { RecentSamples } from './samples.js';

const SPAN_PER_DEVIATION = Math.sqrt(6);
/**
 * A group's margin is GROUP_SPREAD / √n of the span (one request: the whole span). The smallest
 * value with no 429 in thousands of simulated backfills on both network models of
 * scripts/sim-rate.ts.
 */
const GROUP_SPREAD = 2.5;
/** Enough delays to know their spread within a few percent; few enough to follow a network that changes. */
const RECENT = 100;

export class ArrivalMargin {
  private readonly delays = new RecentSamples(RECENT);
  private readonly trips = new RecentSamples(RECENT);
  private doublings = 0;
  private widenedAtMs = Number.NEGATIVE_INFINITY;
  /** Delays measured since the last 429 (or since the last doubling was dropped). */
  private measuredSince = 0;

  /** `capMs`: no margin is wider, and 429s within it are one bunching. */
  constructor(private readonly capMs: number) {}

  /** The time from a request's write to its answer's headers. */
  measured(ms: number): void {
    if (ms < 0) return;
    this.delays.add(ms);
    if (this.doublings > 0 && ++this.measuredSince >= RECENT) {
      this.doublings--;
      this.measuredSince = 0;
    }
  }

  /** The time from a grant to the end of its answer. */
  roundTrip(ms: number): void {
    if (ms >= 0) this.trips.add(ms);
  }

  roundTripMs(): number | undefined {
    return this.trips.mean();
  }

  /** The margin for a slot of a request that left in a group of `size` (0 until two delays are measured). */
  forGroup(size: number): number {
    const span = SPAN_PER_DEVIATION * (this.delays.deviation() ?? 0);
    return Math.min(this.capMs, span * Math.min(1, GROUP_SPREAD / Math.sqrt(size)) * 2 ** this.doublings);
  }

  /** A 429 although we paced (the concurrent 429s of one bunching count once). */
  widen(nowMs: number): void {
    if (nowMs - this.widenedAtMs < this.capMs) return;
    this.widenedAtMs = nowMs;
    this.doublings++;
    this.measuredSince = 0;
  }
}
