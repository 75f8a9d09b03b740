/** The low-water mark: the cursor moves only over a contiguous run of completed windows. */
import { describe, expect, it } from 'vitest';
import { PartitionProgress, streamStateObject } from '../../src/engine/progress.js';
import type { Window } from '../../src/engine/windows.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);
const windows: Window[] = [0, 1, 2, 3].map((i) => ({ startMs: T0 + i * H, endMs: T0 + (i + 1) * H, inclusiveEnd: i === 3 }));

describe('PartitionProgress', () => {
  it('waits for the oldest open window, then jumps over everything completed', () => {
    const progress = new PartitionProgress(windows, undefined);
    expect(progress.complete(2)).toBe(false);
    expect(progress.complete(1)).toBe(false);
    expect(progress.cursorMs).toBeUndefined();
    expect(progress.complete(0)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 3 * H);
    expect(progress.finished).toBe(false);
    expect(progress.complete(3)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 4 * H);
    expect(progress.finished).toBe(true);
  });

  it('does not drop below the incoming cursor while the windows before it (the lookback) complete', () => {
    const progress = new PartitionProgress(windows, T0 + 2 * H + 30 * 60_000);
    expect(progress.complete(0)).toBe(false);
    expect(progress.complete(1)).toBe(false);
    expect(progress.cursorMs).toBe(T0 + 2 * H + 30 * 60_000);
    expect(progress.complete(2)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + 3 * H);
  });

  it('reports re-read progress when the incoming cursor is already at the last window end', () => {
    const progress = new PartitionProgress(windows, T0 + 4 * H);
    expect(progress.complete(0)).toBe(true);
    expect(progress.cursorMs).toBe(T0 + H);
  });

  it('keeps the incoming cursor until a window completes', () => {
    const progress = new PartitionProgress(windows, T0 + 30 * 60_000);
    expect(progress.complete(1)).toBe(false);
    expect(progress.cursorMs).toBe(T0 + 30 * 60_000);
  });
});

describe('streamStateObject', () => {
  it('is {occurred_at} for the own account, the floor when nothing is known', () => {
    const own = new PartitionProgress(windows, undefined);
    expect(streamStateObject(new Map([[undefined, own]]), T0)).toEqual({ occurred_at: '2026-01-01T00:00:00Z' });
    own.complete(0);
    expect(streamStateObject(new Map([[undefined, own]]), T0)).toEqual({ occurred_at: '2026-01-01T01:00:00Z' });
  });

  it('per agency account, with the minimum at the top level', () => {
    const a = new PartitionProgress(windows, undefined);
    const b = new PartitionProgress(windows, undefined);
    a.complete(0);
    a.complete(1);
    b.complete(0);
    expect(streamStateObject(new Map([['acc-a', a], ['acc-b', b]]), T0)).toEqual({
      occurred_at: '2026-01-01T01:00:00Z',
      accounts: { 'acc-a': { occurred_at: '2026-01-01T02:00:00Z' }, 'acc-b': { occurred_at: '2026-01-01T01:00:00Z' } },
    });
  });
});
