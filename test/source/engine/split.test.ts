/** ChainScan: what a request chain's pages allow (split, stop early) — only for an order it has shown. */
import { describe, expect, it } from 'vitest';
import { RateBudget, type Rate } from '../../../src/hyros/rate-budget.js';
import { ChainScan, MIN_SPLIT_PAGES, RECENT_RECORDS, splitShortensRead, type RateView } from '../../../src/source/engine/split.js';
import type { Window } from '../../../src/source/engine/windows.js';
import { SimClock } from '../../../integration_tests/sandbox/sim-network.js';

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

describe('splitShortensRead: asks the rate budget of the key when N more requests would all have gone', () => {
  const T = Date.parse('2026-03-01T12:00:00Z');
  /** The real budget on a simulated clock, `held` requests granted just now, round trips of `roundTripMs`. */
  async function view(roundTripMs: number | undefined, rates: Rate[], held = 0): Promise<RateView> {
    const clock = new SimClock(T);
    const budget = new RateBudget(rates, clock);
    for (let i = 0; i < held; i++) void budget.acquire();
    await clock.advance(0);
    return { roundTripMs: () => roundTripMs, eta: (requests) => budget.eta(requests) };
  }
  const perSecond = [{ limit: 30, perMs: 1000 }, { limit: 1000, perMs: 60_000 }];

  it('splits while the busiest chain, a page per round trip, would outlast by half again the limit letting every page go', async () => {
    const rate = await view(280, perSecond);
    // 100 pages at 30/s: the last leaves 3 s from now. 27 pages at 280 ms: 7.6 s, the chain sets the end.
    expect(splitShortensRead(27, 100, rate)).toBe(true);
    // 7 pages: 2.0 s, the limit sets the end; a split would only cost a page.
    expect(splitShortensRead(7, 100, rate)).toBe(false);
    // 15 pages: 4.2 s, longer than 3 s but not by half again (pages left are a guess).
    expect(splitShortensRead(15, 100, rate)).toBe(false);
    expect(splitShortensRead(20, 100, rate)).toBe(true);
  });

  it('makes no split while a full minute window holds every request back', async () => {
    const rate = await view(280, [{ limit: 30, perMs: 1000 }, { limit: 3, perMs: 60_000 }], 3);
    expect(splitShortensRead(100, 100, rate)).toBe(false);
    // The same chain with the minute window free is split.
    expect(splitShortensRead(100, 100, await view(280, perSecond, 3))).toBe(true);
  });

  it('splits any window worth MIN_SPLIT_PAGES before a round trip was measured, and none below it', async () => {
    expect(splitShortensRead(MIN_SPLIT_PAGES, 500, await view(undefined, perSecond))).toBe(true);
    expect(splitShortensRead(MIN_SPLIT_PAGES, 500, undefined)).toBe(true);
    expect(splitShortensRead(MIN_SPLIT_PAGES - 0.1, 1, await view(280, perSecond))).toBe(false);
  });

  it('counts the busiest chain in the pages left even when the others are unknown', () => {
    let asked = 0;
    const rate: RateView = { roundTripMs: () => 100, eta: (requests) => ((asked = requests), 0) };
    splitShortensRead(12.4, 3, rate);
    expect(asked).toBe(13);
  });
});
