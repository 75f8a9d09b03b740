/** Account-local days: timezone forms and local midnights (incl. DST). */
import { describe, expect, it } from 'vitest';
import { DayClock, parseTimezone } from '../../src/common/time/index.js';

const at = (iso: string): number => Date.parse(iso);
const JAN = at('2026-01-15T12:00:00Z');
const JUL = at('2026-07-15T12:00:00Z');

describe('parseTimezone', () => {
  it.each([
    ['-05:00', -300, -300],
    ['-0500', -300, -300],
    ['+05:30', 330, 330],
    ['UTC-03:00', -180, -180],
    ['UTC', 0, 0],
    ['Z', 0, 0],
    ['gmt', 0, 0],
    ['America/New_York', -300, -240],
    ['Europe/Berlin', 60, 120],
    ['Asia/Kolkata', 330, 330],
  ])('%s → %d min in January, %d in July', (tz, jan, jul) => {
    const offsetAt = parseTimezone(tz);
    expect(offsetAt).toBeDefined();
    expect(offsetAt?.(JAN)).toBe(jan);
    expect(offsetAt?.(JUL)).toBe(jul);
  });

  it.each([undefined, '', '   ', 'Mars/Olympus_Mons', '+25:00', '-05:75', 'EST5EDT-ish'])('rejects %j', (tz) => {
    expect(parseTimezone(tz)).toBeUndefined();
  });
});

describe('DayClock', () => {
  const clock = new DayClock(parseTimezone('-05:00')!);

  it('names the local date and formats local date-times with the offset', () => {
    expect(clock.date(at('2026-01-05T04:59:59Z'))).toBe('2026-01-04');
    expect(clock.date(at('2026-01-05T05:00:00Z'))).toBe('2026-01-05');
    expect(clock.format(at('2026-01-05T05:00:00Z'))).toBe('2026-01-05T00:00:00-05:00');
    expect(clock.format(at('2026-01-06T04:59:59Z'))).toBe('2026-01-05T23:59:59-05:00');
    expect(new DayClock(parseTimezone('+05:30')!).format(at('2026-01-04T18:30:00Z'))).toBe('2026-01-05T00:00:00+05:30');
  });

  it('finds local midnights at, before and after an instant', () => {
    expect(clock.dayStart(at('2026-01-05T05:00:00Z'))).toBe(at('2026-01-05T05:00:00Z'));
    expect(clock.dayStart(at('2026-01-05T04:59:59Z'))).toBe(at('2026-01-04T05:00:00Z'));
    expect(clock.dayStartAtOrAfter(at('2026-01-01T00:00:00Z'))).toBe(at('2026-01-01T05:00:00Z'));
    expect(clock.dayStartAtOrAfter(at('2026-01-01T05:00:00Z'))).toBe(at('2026-01-01T05:00:00Z'));
    expect(clock.nextDayStart(at('2026-01-01T05:00:00Z'))).toBe(at('2026-01-02T05:00:00Z'));
  });
});
