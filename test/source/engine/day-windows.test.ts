/** One window per account-local day, across daylight-saving changes. */
import { describe, expect, it } from 'vitest';
import { DayClock, parseTimezone } from '../../../src/common/time/index.js';
import { planDayWindows } from '../../../src/source/engine/day-windows.js';

const at = (iso: string): number => Date.parse(iso);

describe('planDayWindows', () => {
  it('cuts one window per local day, the last clamped to the end and inclusive', () => {
    const clock = new DayClock(parseTimezone('-05:00')!);
    const windows = planDayWindows(at('2026-01-01T05:00:00Z'), at('2026-01-04T00:00:00Z'), clock);
    expect(windows).toEqual([
      { startMs: at('2026-01-01T05:00:00Z'), endMs: at('2026-01-02T05:00:00Z'), inclusiveEnd: false },
      { startMs: at('2026-01-02T05:00:00Z'), endMs: at('2026-01-03T05:00:00Z'), inclusiveEnd: false },
      { startMs: at('2026-01-03T05:00:00Z'), endMs: at('2026-01-04T00:00:00Z'), inclusiveEnd: true },
    ]);
    expect(windows.map((w) => clock.date(w.startMs))).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
  });

  it('ends exactly at a midnight end without an empty extra day, and plans nothing for an empty range', () => {
    const clock = new DayClock(parseTimezone('UTC')!);
    const windows = planDayWindows(at('2026-01-01T00:00:00Z'), at('2026-01-03T00:00:00Z'), clock);
    expect(windows.map((w) => [w.startMs, w.endMs, w.inclusiveEnd])).toEqual([
      [at('2026-01-01T00:00:00Z'), at('2026-01-02T00:00:00Z'), false],
      [at('2026-01-02T00:00:00Z'), at('2026-01-03T00:00:00Z'), true],
    ]);
    expect(planDayWindows(at('2026-01-03T00:00:00Z'), at('2026-01-03T00:00:00Z'), clock)).toEqual([]);
    expect(planDayWindows(at('2026-01-04T00:00:00Z'), at('2026-01-03T00:00:00Z'), clock)).toEqual([]);
  });

  it('follows daylight saving time with an IANA zone: 23- and 25-hour days, midnights in local time', () => {
    const clock = new DayClock(parseTimezone('America/New_York')!);
    const spring = planDayWindows(clock.dayStart(at('2026-03-07T12:00:00Z')), at('2026-03-10T12:00:00Z'), clock);
    expect(spring.map((w) => clock.format(w.startMs))).toEqual([
      '2026-03-07T00:00:00-05:00',
      '2026-03-08T00:00:00-05:00',
      '2026-03-09T00:00:00-04:00',
      '2026-03-10T00:00:00-04:00',
    ]);
    expect(spring.map((w) => (w.endMs - w.startMs) / 3_600_000).slice(0, 3)).toEqual([24, 23, 24]);
    const autumn = planDayWindows(clock.dayStart(at('2026-10-31T12:00:00Z')), at('2026-11-02T12:00:00Z'), clock);
    expect(autumn.map((w) => clock.date(w.startMs))).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect((autumn[1]!.endMs - autumn[1]!.startMs) / 3_600_000).toBe(25);
    expect(clock.format(clock.nextDayStart(autumn[1]!.startMs) - 1000)).toBe('2026-11-01T23:59:59-05:00');
  });

  it('progresses through a zone whose clocks skip midnight itself (America/Havana, 2026-03-08)', () => {
    const clock = new DayClock(parseTimezone('America/Havana')!);
    const windows = planDayWindows(clock.dayStart(at('2026-03-06T12:00:00Z')), at('2026-03-11T12:00:00Z'), clock);
    expect(windows.map((w) => clock.date(w.startMs))).toEqual(['2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09', '2026-03-10', '2026-03-11']);
    windows.forEach((w, i) => {
      if (i > 0) expect(w.startMs).toBe(windows[i - 1]!.endMs);
      expect(w.endMs).toBeGreaterThan(w.startMs);
    });
  });
});
