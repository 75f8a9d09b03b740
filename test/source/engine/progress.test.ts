/** The low-water mark: the cursor moves only over a contiguous run of completed windows. */
import { describe, expect, it } from 'vitest';
import { PartitionProgress, streamStateObject } from '../../../src/source/engine/progress.js';
import type { Window } from '../../../src/source/engine/windows.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const windows: Window[] = [0, 1, 2, 3].map((i) => ({ startMs: T0 + i * H, endMs: T0 + (i + 1) * H, inclusiveEnd: i === 3 }));

describe('PartitionProgress', () => {
  it('waits for the oldest open window, then jumps over everything completed', () => {
    const progress = new PartitionProgress(windows, undefined);
    expect(progress.complete(windows[2] as Window)).toBe(false);
    expect(progress.complete(windows[1] as Window)).toBe(false);
    expect(progress.cursorMs).toBeUndefined();
    expect(progress.complete(windows[0] as Window)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 3 * H);
    expect(progress.finished).toBe(false);
    expect(progress.complete(windows[3] as Window)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 4 * H);
    expect(progress.finished).toBe(true);
  });

  it('does not drop below the incoming cursor while the windows before it (the lookback) complete', () => {
    const progress = new PartitionProgress(windows, T0 + 2 * H + 30 * 60_000);
    expect(progress.complete(windows[0] as Window)).toBe(false);
    expect(progress.complete(windows[1] as Window)).toBe(false);
    expect(progress.cursorMs).toBe(T0 + 2 * H + 30 * 60_000);
    expect(progress.complete(windows[2] as Window)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 3 * H);
  });

  it('reports re-read progress when the incoming cursor is already at the last window end', () => {
    const progress = new PartitionProgress(windows, T0 + 4 * H);
    expect(progress.complete(windows[0] as Window)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + H);
  });

  it('keeps the incoming cursor until a window completes', () => {
    const progress = new PartitionProgress(windows, T0 + 30 * 60_000);
    expect(progress.complete(windows[1] as Window)).toBe(false);
    expect(progress.cursorMs).toBe(T0 + 30 * 60_000);
  });
});

describe('PartitionProgress.split (an idle worker takes the older part of a busy window)', () => {
  const fresh = (): Window[] => [0, 1, 2].map((i) => ({ startMs: T0 + i * H, endMs: T0 + (i + 1) * H, inclusiveEnd: i === 2 }));

  it('inserts the older part before the busy window; the cursor cannot pass it until it is done', () => {
    const ws = fresh();
    const progress = new PartitionProgress(ws, undefined);
    const busy = ws[1] as Window;
    const older = progress.split(busy, T0 + H + 20 * 60_000);
    expect(older).toEqual({ startMs: T0 + H, endMs: T0 + H + 20 * 60_000, inclusiveEnd: false });
    expect(busy).toEqual({ startMs: T0 + H + 20 * 60_000, endMs: T0 + 2 * H, inclusiveEnd: false });
    expect(progress.complete(ws[0] as Window)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + H);
    // The newer part finishes first (it was already paging): the cursor waits for the older part.
    expect(progress.complete(busy)).toBe(false);
    expect(progress.cursorMs).toBe(T0 + H);
    expect(progress.complete(older)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 2 * H);
    expect(progress.finished).toBe(false);
  });

  it('splits a split part again, and a failed older part holds the cursor at its start', () => {
    const ws = fresh();
    const progress = new PartitionProgress(ws, undefined);
    const last = ws[2] as Window;
    const olderA = progress.split(last, T0 + 2 * H + 30 * 60_000);
    const olderB = progress.split(olderA, T0 + 2 * H + 10 * 60_000);
    expect([olderB, olderA, last].map((w) => [w.startMs - T0, w.endMs - T0])).toEqual([
      [2 * H, 2 * H + 10 * 60_000],
      [2 * H + 10 * 60_000, 2 * H + 30 * 60_000],
      [2 * H + 30 * 60_000, 3 * H],
    ]);
    expect(last.inclusiveEnd).toBe(true);
    progress.complete(ws[0] as Window);
    progress.complete(ws[1] as Window);
    progress.complete(olderA);
    progress.complete(last);
    // olderB never completes (its request failed): a resume re-reads from its start, nothing skipped.
    expect(progress.cursorMs).toBe(T0 + 2 * H);
    expect(progress.finished).toBe(false);
  });

  it('refuses to split a finished window or outside the window', () => {
    const ws = fresh();
    const progress = new PartitionProgress(ws, undefined);
    progress.complete(ws[0] as Window);
    expect(() => progress.split(ws[0] as Window, T0 + 30 * 60_000)).toThrow(/cannot split/);
    expect(() => progress.split(ws[1] as Window, T0 + H)).toThrow(/cannot split/);
    expect(() => progress.split(ws[1] as Window, T0 + 2 * H)).toThrow(/cannot split/);
  });
});

describe('streamStateObject', () => {
  it('is {occurred_at} for the own account, the floor when nothing is known', () => {
    const own = new PartitionProgress(windows, undefined);
    expect(streamStateObject(new Map([[undefined, own]]), T0)).toEqual({ occurred_at: '2026-01-01T00:00:00Z' });
    own.complete(windows[0] as Window);
    expect(streamStateObject(new Map([[undefined, own]]), T0)).toEqual({ occurred_at: '2026-01-01T01:00:00Z' });
  });

  it('per agency account, with the minimum at the top level', () => {
    const a = new PartitionProgress(windows, undefined);
    const b = new PartitionProgress(windows, undefined);
    a.complete(windows[0] as Window);
    a.complete(windows[1] as Window);
    b.complete(windows[0] as Window);
    expect(streamStateObject(new Map([['acc-a', a], ['acc-b', b]]), T0)).toEqual({
      occurred_at: '2026-01-01T01:00:00Z',
      accounts: { 'acc-a': { occurred_at: '2026-01-01T02:00:00Z' }, 'acc-b': { occurred_at: '2026-01-01T01:00:00Z' } },
    });
  });
});
