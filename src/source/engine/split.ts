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

/** Below this many estimated pages left, a split costs more (an extra partial page) than it saves. */
export const MIN_SPLIT_PAGES = 2;

/** What the pages of one request chain have shown so far. */
export class ChainScan {
  private records = 0;
  private oldestMs: number | undefined;
  private newestFirst = true;

  /** `topMs`: the upper bound of the chain's date filter (its window's end when the chain started). */
  constructor(private readonly topMs: number) {}

  /** One record's cursor time, in the order the chain delivered it (undefined: no readable time). */
  observe(timeMs: number | undefined): void {
    if (timeMs === undefined) return;
    this.records++;
    if (this.oldestMs !== undefined && timeMs > this.oldestMs) this.newestFirst = false;
    if (this.oldestMs === undefined || timeMs < this.oldestMs) this.oldestMs = timeMs;
  }

  /** Everything still to come is older than the window's start: the chain can stop paging. */
  pastStart(window: Window): boolean {
    return this.newestFirst && this.oldestMs !== undefined && this.oldestMs < window.startMs;
  }

  /** Estimated pages still to come inside the window, from the density seen so far; 0 when unknown. */
  pagesLeft(window: Window, pageSize: number): number {
    if (!this.newestFirst || this.oldestMs === undefined || this.oldestMs <= window.startMs) return 0;
    const densityPerMs = this.records / Math.max(1000, this.topMs - this.oldestMs);
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
