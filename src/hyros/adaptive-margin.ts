/**
 * The limiter's margin: a floor (the spread of one-way delays it absorbs), widened by every 429
 * (the network bunches arrivals more than assumed) and decaying back once 429s stop.
 */
/** A 429 widens the margin to at least this, or doubles it, up to MAX_MARGIN_MS. */
const MARGIN_AFTER_429_MS = 150;
export const MAX_MARGIN_MS = 1000;
/** The widened part of the margin halves every this many ms without a 429. */
const MARGIN_HALF_LIFE_MS = 30_000;

const SECOND = 1000;

export class AdaptiveMargin {
  /** The margin as widened by the last 429 (≥ the floor), and when. */
  private widenedMs: number;
  private widenedAtMs = 0;

  constructor(private readonly floorMs: number) {
    this.widenedMs = floorMs;
  }

  /** A 429 came: widen (once for the concurrent requests of one bunching, which all hear it). */
  widen(nowMs: number): void {
    if (this.widenedAtMs !== 0 && nowMs - this.widenedAtMs < SECOND) return;
    this.widenedMs = Math.min(MAX_MARGIN_MS, Math.max(MARGIN_AFTER_429_MS, 2 * this.at(nowMs)));
    this.widenedAtMs = nowMs;
  }

  /** The margin in force at `nowMs`: the floor plus what 429s added, halving every MARGIN_HALF_LIFE_MS. */
  at(nowMs: number): number {
    const extra = this.widenedMs - this.floorMs;
    if (extra <= 0) return this.floorMs;
    return this.floorMs + Math.round(extra * 0.5 ** (Math.max(0, nowMs - this.widenedAtMs) / MARGIN_HALF_LIFE_MS));
  }
}
