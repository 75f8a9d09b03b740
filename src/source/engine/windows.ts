/**
 * Date-window planning. A range is cut into windows [start, end) — the last one also includes its
 * end, because both configured bounds are inclusive (start_date and end_date). Window size adapts: at most
 * `maxWindowMs`, but small enough that a backfill has about `targetCount` windows to run in
 * parallel (a fixed 30-day window over 60 days leaves only two request chains), and never below
 * `minWindowMs`. Boundaries are whole seconds, Hyros' precision.
 */
export interface Window {
  startMs: number;
  endMs: number;
  /** True for the last window: a record exactly at endMs belongs to it. */
  inclusiveEnd: boolean;
}

export interface WindowPlanOptions {
  maxWindowMs: number;
  minWindowMs: number;
  targetCount: number;
}

export const HOUR_MS = 3_600_000;

export function planWindows(startMs: number, endMs: number, options: WindowPlanOptions): Window[] {
  if (!(startMs <= endMs)) return [];
  const span = endMs - startMs;
  if (span === 0) return [{ startMs, endMs, inclusiveEnd: true }];
  const wanted = Math.ceil(span / Math.max(1, options.targetCount));
  const size = Math.ceil(Math.min(options.maxWindowMs, Math.max(options.minWindowMs, wanted)) / 1000) * 1000;
  const windows: Window[] = [];
  for (let from = startMs; from < endMs; from += size) {
    const to = Math.min(endMs, from + size);
    windows.push({ startMs: from, endMs: to, inclusiveEnd: to === endMs });
  }
  return windows;
}

/** Whether a record time falls in the window (client-side filter: the server's bounds are inclusive). */
export function inWindow(window: Window, timeMs: number): boolean {
  return timeMs >= window.startMs && (timeMs < window.endMs || (window.inclusiveEnd && timeMs === window.endMs));
}
