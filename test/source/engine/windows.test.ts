/** Date-window planning: contiguous, whole-second windows that cover the range exactly once. */
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/common/time/index.js';
import { HOUR_MS, inWindow, planWindows, type Window } from '../../../src/source/engine/windows.js';

const T0 = Date.UTC(2026, 0, 1);

function assertTiling(windows: Window[], startMs: number, endMs: number): void {
  expect(windows[0]?.startMs).toBe(startMs);
  expect(windows.at(-1)?.endMs).toBe(endMs);
  windows.forEach((w, i) => {
    expect(w.endMs).toBeGreaterThan(w.startMs);
    if (i > 0) expect(w.startMs).toBe(windows[i - 1]?.endMs);
    expect(w.inclusiveEnd).toBe(i === windows.length - 1);
    if (i < windows.length - 1) expect((w.endMs - w.startMs) % 1000).toBe(0);
  });
}

describe('planWindows', () => {
  it('cuts at whole days when window_size_days wins', () => {
    const windows = planWindows(T0, T0 + 3 * DAY_MS, { maxWindowMs: DAY_MS, minWindowMs: HOUR_MS, targetCount: 2 });
    expect(windows.map((w) => [w.startMs, w.endMs])).toEqual([
      [T0, T0 + DAY_MS],
      [T0 + DAY_MS, T0 + 2 * DAY_MS],
      [T0 + 2 * DAY_MS, T0 + 3 * DAY_MS],
    ]);
    assertTiling(windows, T0, T0 + 3 * DAY_MS);
  });

  it('splits a short backfill into about targetCount windows, never below the minimum', () => {
    const windows = planWindows(T0, T0 + 4 * DAY_MS, { maxWindowMs: 30 * DAY_MS, minWindowMs: HOUR_MS, targetCount: 8 });
    expect(windows).toHaveLength(8);
    assertTiling(windows, T0, T0 + 4 * DAY_MS);
    const tiny = planWindows(T0, T0 + 3 * HOUR_MS, { maxWindowMs: 30 * DAY_MS, minWindowMs: HOUR_MS, targetCount: 64 });
    expect(tiny).toHaveLength(3);
  });

  it('keeps an odd end (now, with milliseconds) as the last, inclusive, window end', () => {
    const end = T0 + 2 * DAY_MS + 12_345;
    const windows = planWindows(T0 + 500, end, { maxWindowMs: DAY_MS, minWindowMs: HOUR_MS, targetCount: 2 });
    assertTiling(windows, T0 + 500, end);
  });

  it('a zero-length range is one inclusive window; an inverted range none', () => {
    expect(planWindows(T0, T0, { maxWindowMs: DAY_MS, minWindowMs: HOUR_MS, targetCount: 2 })).toEqual([{ startMs: T0, endMs: T0, inclusiveEnd: true }]);
    expect(planWindows(T0 + 1, T0, { maxWindowMs: DAY_MS, minWindowMs: HOUR_MS, targetCount: 2 })).toEqual([]);
  });
});

describe('inWindow', () => {
  const first: Window = { startMs: T0, endMs: T0 + DAY_MS, inclusiveEnd: false };
  const last: Window = { startMs: T0 + DAY_MS, endMs: T0 + 2 * DAY_MS, inclusiveEnd: true };

  it('puts a boundary instant in exactly one window: the one it starts', () => {
    const boundary = T0 + DAY_MS;
    expect([inWindow(first, boundary), inWindow(last, boundary)]).toEqual([false, true]);
    expect(inWindow(first, T0)).toBe(true);
    expect(inWindow(first, boundary - 1)).toBe(true);
  });

  it('includes the end of the last window only', () => {
    expect(inWindow(last, T0 + 2 * DAY_MS)).toBe(true);
    expect(inWindow(last, T0 + 2 * DAY_MS + 1)).toBe(false);
    expect(inWindow(first, T0 - 1)).toBe(false);
  });
});
