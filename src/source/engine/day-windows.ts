/**
 * One window per account-local day: attribution reports are read one day per request, so each
 * window is exactly one local day of the account's clock (the last one clamped to the sync end).
 */
import type { DayClock } from '../../common/time/index.js';
import type { Window } from './windows.js';

/** Bound on the days of one plan (100 years). */
const MAX_DAYS = 36_600;

/**
 * One window per local day whose midnight lies in [firstDayStartMs, endMs): `[midnight, next
 * midnight)`, the last one clamped to `endMs` and inclusive of it. `firstDayStartMs` must be a local
 * midnight of `clock` (see DayClock.dayStart / dayStartAtOrAfter).
 */
export function planDayWindows(firstDayStartMs: number, endMs: number, clock: DayClock): Window[] {
  const windows: Window[] = [];
  for (let day = firstDayStartMs; day < endMs && windows.length < MAX_DAYS; ) {
    const next = clock.nextDayStart(day);
    const to = Math.min(next, endMs);
    windows.push({ startMs: day, endMs: to, inclusiveEnd: to === endMs });
    day = next;
  }
  return windows;
}
