/** ChainScan: what a request chain's pages allow (split, stop early) — only for an order it has shown. */
import { describe, expect, it } from 'vitest';
import { ChainScan, MIN_SPLIT_PAGES, RECENT_RECORDS, SPLIT_MARGIN, splitShortensRead, type RateView } from '../../../src/source/engine/split.js';
import type { Window } from '../../../src/source/engine/windows.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const window = (): Window => ({ startMs: T0, endMs: T0 + 100 * MIN, inclusiveEnd: false });

describe('ChainScan', () => {
  it('estimates the pages left from the density seen, and splits halfway to the oldest record on a whole second', () => {
    const w = window();
    const scan = new ChainScan(w.endMs);
    // One page of 10 records, newest first, one a minute from minute 99 down to minute 90.
    for (let m = 99; m >= 90; m--) scan.observe(T0 + m * MIN);
    // 10 records over the 10 minutes seen → 90 more minutes ≈ 90 records = 9 pages of 10.
    expect(scan.pagesLeft(w, 10)).toBeCloseTo(9, 5);
    expect(scan.splitPoint(w)).toBe(T0 + 45 * MIN);
    expect(scan.pastStart(w)).toBe(false);
    // After a split at minute 45 the chain is done once it delivers a record older than that.
    w.startMs = T0 + 45 * MIN;
    scan.observe(T0 + 45 * MIN);
    expect(scan.pastStart(w)).toBe(false);
    scan.observe(T0 + 44 * MIN + 59_000);
    expect(scan.pastStart(w)).toBe(true);
  });

  it('judges the density ahead by the latest RECENT_RECORDS records: a launch seen now outweighs the quiet days before it', () => {
    const w: Window = { startMs: T0, endMs: T0 + 10_000 * MIN, inclusiveEnd: false };
    const scan = new ChainScan(w.endMs);
    // Quiet: 50 records, one every 100 minutes, from minute 9 999 down to minute 5 099.
    for (let i = 0; i < 50; i++) scan.observe(T0 + (9_999 - i * 100) * MIN);
    // A launch: RECENT_RECORDS records, one a minute, below that.
    const top = 5_000;
    for (let i = 0; i < RECENT_RECORDS; i++) scan.observe(T0 + (top - i) * MIN);
    const oldest = top - RECENT_RECORDS + 1;
    // The latest RECENT_RECORDS records cover the minutes since the record before them (minute 5 099):
    // about one a minute, so the `oldest` minutes left hold about `oldest` records.
    const expected = (RECENT_RECORDS / (5_099 - oldest)) * oldest / 10;
    expect(scan.pagesLeft(w, 10)).toBeCloseTo(expected, 5);
    // The whole chain's density would have said far fewer.
    expect(scan.pagesLeft(w, 10)).toBeGreaterThan(3 * (((50 + RECENT_RECORDS) / (10_000 - oldest)) * oldest / 10));
  });

  it('never splits or stops a chain whose records came out of order', () => {
    const w = window();
    const scan = new ChainScan(w.endMs);
    scan.observe(T0 + 50 * MIN);
    scan.observe(T0 + 60 * MIN); // newer than the one before: the order is not newest first
    scan.observe(T0 - MIN);
    expect(scan.pagesLeft(w, 10)).toBe(0);
    expect(scan.pastStart(w)).toBe(false);
  });

  it('has nothing to split before a first record, and ignores records without a time', () => {
    const w = window();
    const scan = new ChainScan(w.endMs);
    scan.observe(undefined);
    expect(scan.pagesLeft(w, 10)).toBe(0);
    expect(scan.splitPoint(w)).toBeUndefined();
    scan.observe(T0 + 500); // within the first second: no whole second to cut at
    expect(scan.splitPoint(w)).toBeUndefined();
  });
});

describe('splitShortensRead', () => {
  /** A limiter that lets `perSecond` requests go evenly, with no history. */
  const rate = (roundTripMs: number | undefined, perSecond: number): RateView => ({
    roundTripMs: () => roundTripMs,
    allowsWithin: (requests, withinMs) => requests <= 1 + (perSecond * withinMs) / 1000,
  });

  it('splits while the busiest chain, a page per round trip, would outlast the rate limit letting every page go', () => {
    // 27 pages at 280 ms = 7.6 s; 100 pages at 30/s = 3.3 s: the chain sets the end.
    expect(splitShortensRead(27, 100, rate(280, 30))).toBe(true);
    // 7 pages = 2.0 s against 3.3 s: the limit sets the end, a split would only cost a page.
    expect(splitShortensRead(7, 100, rate(280, 30))).toBe(false);
    // 15 pages = 4.2 s: longer than 3.3 s, but not by SPLIT_MARGIN (the estimate is a guess).
    expect(SPLIT_MARGIN).toBe(1.5);
    expect(splitShortensRead(15, 100, rate(280, 30))).toBe(false);
    expect(splitShortensRead(20, 100, rate(280, 30))).toBe(true);
  });

  it('splits any window worth MIN_SPLIT_PAGES before a round trip was measured, and none below it', () => {
    expect(splitShortensRead(MIN_SPLIT_PAGES, 500, rate(undefined, 30))).toBe(true);
    expect(splitShortensRead(MIN_SPLIT_PAGES, 500, undefined)).toBe(true);
    expect(splitShortensRead(MIN_SPLIT_PAGES - 0.1, 1, rate(280, 30))).toBe(false);
  });

  it('counts the busiest chain in the pages left even when the others are unknown', () => {
    let asked = 0;
    const view: RateView = { roundTripMs: () => 100, allowsWithin: (requests) => ((asked = requests), true) };
    splitShortensRead(12.4, 3, view);
    expect(asked).toBe(13);
  });
});
