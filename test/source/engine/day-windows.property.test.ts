/**
 * planDayWindows as a property (fast-check): for any range and zone, around daylight-saving
 * changes too, the windows are consecutive local days and hold every instant of the range once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DayClock, parseTimezone, type OffsetAt } from '../../../src/common/time/index.js';
import { planDayWindows } from '../../../src/source/engine/day-windows.js';
import type { Window } from '../../../src/source/engine/windows.js';

const ZONES = ['UTC', '-05:00', '+05:45', 'America/New_York', 'Europe/Berlin', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Apia', 'America/Santiago'];
const clocks = new Map(ZONES.map((tz) => [tz, new DayClock(parseTimezone(tz) as OffsetAt)]));
const HOUR = 3_600_000;

/** Ranges of up to 10 days starting in the weeks around the spring and autumn changes (and Apia's skipped day). */
const range = fc.record({
  tz: fc.constantFrom(...ZONES),
  start: fc.oneof(
    fc.integer({ min: Date.UTC(2026, 2, 1), max: Date.UTC(2026, 3, 15) }),
    fc.integer({ min: Date.UTC(2026, 8, 15), max: Date.UTC(2026, 10, 15) }),
    fc.integer({ min: Date.UTC(2011, 11, 25), max: Date.UTC(2012, 0, 2) }),
    fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2099, 0, 1) }),
  ),
  length: fc.integer({ min: 0, max: 240 * HOUR }),
});

/** The windows that hold `ms`: [startMs, endMs), or up to endMs inclusive when inclusiveEnd. */
const holding = (windows: Window[], ms: number): number => windows.filter((w) => w.startMs <= ms && (ms < w.endMs || (w.inclusiveEnd && ms === w.endMs))).length;

describe('planDayWindows across daylight-saving changes', () => {
  it('consecutive local days from the first midnight, each instant of [first midnight, end] in exactly one', () => {
    fc.assert(
      fc.property(range, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), ({ tz, start, length }, shares) => {
        const clock = clocks.get(tz)!;
        const first = clock.dayStartAtOrAfter(start);
        const end = start + length;
        const windows = planDayWindows(first, end, clock);
        if (first >= end) {
          expect(windows).toEqual([]);
          return;
        }
        expect(windows[0]!.startMs).toBe(first);
        expect(windows.at(-1)!.endMs).toBe(end);
        windows.forEach((w, i) => {
          expect(w.endMs).toBeGreaterThan(w.startMs);
          expect(clock.dayStart(w.startMs)).toBe(w.startMs); // starts at a local midnight
          expect(w.inclusiveEnd).toBe(i === windows.length - 1);
          if (i > 0) {
            expect(w.startMs).toBe(windows[i - 1]!.endMs);
            expect(clock.date(w.startMs)).not.toBe(clock.date(windows[i - 1]!.startMs));
          }
          if (i < windows.length - 1) expect(clock.date(w.endMs - 1)).toBe(clock.date(w.startMs)); // a whole local day
        });
        for (const ms of [first, end, ...windows.flatMap((w) => [w.startMs, w.endMs - 1, w.endMs]), ...shares.map((s) => first + Math.floor(s * (end - first)))]) {
          if (ms >= first && ms <= end) expect(holding(windows, ms), `${tz} ${new Date(ms).toISOString()}`).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});
