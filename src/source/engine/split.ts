/**
 * Splitting a busy window when a worker falls idle. A backfill starts with about one window per
 * worker (each extra window costs a partial last page, and every request is rate-limit time); when
 * the pending windows run out, an idle worker takes the older part of the window with the most work
 * left. Hyros pages newest first, so the oldest record a request chain has delivered bounds what it
 * still has to deliver: [window start, oldest seen]. The busy chain keeps its cursor (its parameters
 * cannot change mid-chain) and stops once it passes its window's new start; the new window
 * [start, split) is fetched by its own chain.
 *
 * Only an order this chain has shown is trusted: once a record comes newer than one before it, the
 * chain is never split nor stopped early, and every page is read to the end (nothing is lost; the
 * client-side window filter still assigns each record to exactly one window).
 */
import type { Window } from './windows.js';

/**
 * Below this many estimated pages left a split is not worth its extra partial page: the two halves
 * must save at least a round trip more than the new chain's first request costs (p/2 − 1 ≥ 1).
 */
export const MIN_SPLIT_PAGES = 4;

/**
 * How much longer than the limit the busiest chain must promise to run before it is split: pages
 * left are a guess from the density just read (launch days, empty weekends), so a split must
 * promise a clear gain, not one within the guess's error.
 */
export const SPLIT_MARGIN = 1.5;

/** What the key's rate budget tells the engine (src/hyros/rate-budget.ts). */
export interface RateView {
  /** Recent time from a request's grant to its answer; undefined before the first answer. */
  roundTripMs(): number | undefined;
  /** Milliseconds from now until `requests` more requests would all have been granted. */
  eta(requests: number): number;
}

/**
 * Whether splitting the busiest chain can shorten the read. Every split costs about a page (the
 * busy chain's last page straddles the cut, the new chain ends on a partial one), so it is worth it
 * only when that chain, reading a page per round trip, would still be reading well after
 * (SPLIT_MARGIN) the rate limit has let every busy chain's remaining pages go: then the chain, not
 * the limit, sets the end. While a full minute window holds every request back, no split is.
 * Without a measured round trip, any busy window worth MIN_SPLIT_PAGES is split.
 */
export function splitShortensRead(busiestPagesLeft: number, allPagesLeft: number, rate: RateView | undefined): boolean {
  if (busiestPagesLeft < MIN_SPLIT_PAGES) return false;
  const roundTripMs = rate?.roundTripMs();
  if (rate === undefined || roundTripMs === undefined) return true;
  return rate.eta(Math.ceil(Math.max(allPagesLeft, busiestPagesLeft))) <= (busiestPagesLeft * roundTripMs) / SPLIT_MARGIN;
}

/**
 * How many of a chain's latest records the density ahead is judged by (about a page): volume comes
 * in launches, so the stretch just read predicts the stretch ahead better than the whole chain does.
 */
export const RECENT_RECORDS = 250;

/** What the pages of one request chain have shown so far. */
export class ChainScan {
  private records = 0;
  private oldestMs: number | undefined;
  private newestFirst = true;
  /** The times of the latest RECENT_RECORDS + 1 records, as a ring (`records` is the next slot). */
  private readonly recent = new Float64Array(RECENT_RECORDS + 1);

  /** `topMs`: the upper bound of the chain's date filter (its window's end when the chain started). */
  constructor(private readonly topMs: number) {}

  /** One record's cursor time, in the order the chain delivered it (undefined: no readable time). */
  observe(timeMs: number | undefined): void {
    if (timeMs === undefined) return;
    this.recent[this.records % this.recent.length] = timeMs;
    this.records++;
    if (this.oldestMs !== undefined && timeMs > this.oldestMs) this.newestFirst = false;
    if (this.oldestMs === undefined || timeMs < this.oldestMs) this.oldestMs = timeMs;
  }

  /** Everything still to come is older than the window's start: the chain can stop paging. */
  pastStart(window: Window): boolean {
    return this.newestFirst && this.oldestMs !== undefined && this.oldestMs < window.startMs;
  }

  /**
   * Estimated pages still to come inside the window, from the density of the latest records (all
   * of them, from the chain's top, until there are more than RECENT_RECORDS); 0 when unknown.
   */
  pagesLeft(window: Window, pageSize: number): number {
    if (!this.newestFirst || this.oldestMs === undefined || this.oldestMs <= window.startMs) return 0;
    const counted = Math.min(this.records, RECENT_RECORDS);
    // The record just before the counted ones (or the chain's top) bounds the stretch they cover.
    const fromMs = this.records > RECENT_RECORDS ? (this.recent[(this.records - RECENT_RECORDS - 1) % this.recent.length] as number) : this.topMs;
    const densityPerMs = counted / Math.max(1000, fromMs - this.oldestMs);
    return (densityPerMs * (this.oldestMs - window.startMs)) / pageSize;
  }

  /**
   * Where to cut the window so both chains have about the same left to read: halfway between its
   * start and the oldest record seen, on a whole second (Hyros' precision). Undefined: too narrow.
   */
  splitPoint(window: Window): number | undefined {
    if (this.oldestMs === undefined) return undefined;
    const point = Math.floor((window.startMs + (this.oldestMs - window.startMs) / 2) / 1000) * 1000;
    return point > window.startMs && point <= this.oldestMs ? point : undefined;
  }
}
