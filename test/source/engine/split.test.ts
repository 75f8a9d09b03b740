/** ChainScan: what a request chain's pages allow (split, stop early) — only for an order it has shown. */
import { describe, expect, it } from 'vitest';
import { ChainScan } from '../../../src/source/engine/split.js';
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
