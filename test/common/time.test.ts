/** The shared time module by example: each rule, each form, and the reasons a person reads. */
import { describe, expect, it } from 'vitest';
import {
  checkDateTime,
  DayClock,
  epochMsFromNumber,
  formatIsoAtOffset,
  formatJavaDate,
  formatOffset,
  ISO_DATE_OR_DATETIME_PATTERN,
  parseIsoInstant,
  parseJavaDate,
  parseOffset,
  parseTimezone,
  readTimezone,
  readIsoDateTime,
  TimeProblem,
  toIsoDate,
  type OffsetAt,
} from '../../src/common/time/index.js';

const INSTANT = Date.UTC(2026, 1, 2, 22, 31, 56);

/** The reason, for a refused text; fails the test when the text was accepted. */
function reason(result: unknown): string {
  expect(result).toBeInstanceOf(TimeProblem);
  return (result as TimeProblem).reason;
}

describe('ISO-8601 dates and date-times', () => {
  it.each([
    ['2026-02-02T22:31:56Z', INSTANT],
    ['2026-02-02T17:31:56-05:00', INSTANT],
    ['2026-02-03T04:01:56+05:30', INSTANT],
    ['2026-02-03T04:01:56+0530', INSTANT],
    ['2026-02-03T00:31:56+02', INSTANT],
    ['2026-02-02T22:31:56.250Z', INSTANT + 250],
    ['2026-02-02T22:31:56.2509999Z', INSTANT + 250],
    ['2026-02-02T22:31:56.2Z', INSTANT + 200],
    ['2026-02-02 22:31:56', INSTANT],
    ['2026-02-02t22:31:56z', INSTANT],
    ['2026-02-02T17:31:56 -05:00', INSTANT],
    ['2026-02-02T22:31', INSTANT - 56_000],
    ['2026-02-02', Date.UTC(2026, 1, 2)],
    ['  2026-02-02T22:31:56Z ', INSTANT],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['2026-02-02T22:31:56+18:00', INSTANT - 18 * 3_600_000],
    ['2026-02-02T22:31:56-18:00', INSTANT + 18 * 3_600_000],
    ['9999-12-31T23:59:59Z', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['0050-06-01', new Date('0050-06-01T00:00:00Z').getTime()],
  ])('%s → %d', (text, ms) => {
    expect(parseIsoInstant(text)).toBe(ms);
  });

  it('reads a date-time without a zone at the offset it is given', () => {
    expect(parseIsoInstant('2026-02-02T17:31:56', -300)).toBe(INSTANT);
    expect(parseIsoInstant('2026-02-02T17:31:56Z', -300)).toBe(INSTANT - 5 * 3_600_000);
  });

  it.each([
    ['2020-08-19T03:05:48+99:00', 'offset', 'offset +99:00 is outside -18:00…+18:00'],
    ['2026-02-02T22:31:56+19:00', 'offset', 'offset +19:00 is outside -18:00…+18:00'],
    ['2026-02-02T22:31:56-18:01', 'offset', 'offset -18:01 is outside -18:00…+18:00'],
    ['2026-02-02T22:31:56+05:60', 'offset', 'offset +05:60 has minutes 60, not 00–59'],
    ['2026-13-01', 'month', 'month 13 is not 01–12'],
    ['2026-00-10', 'month', 'month 00 is not 01–12'],
    ['2026-02-29', 'day', 'day 29 does not exist in February 2026, which has 28 days'],
    ['1900-02-29T00:00:00Z', 'day', 'day 29 does not exist in February 1900, which has 28 days'],
    ['2026-04-31T00:00:00Z', 'day', 'day 31 does not exist in April 2026, which has 30 days'],
    ['2026-01-00', 'day', 'day 00 does not exist in January 2026, which has 31 days'],
    ['2026-02-02T24:00:00Z', 'hour', 'hour 24 is not 00–23'],
    ['2026-02-02T23:60:00Z', 'minute', 'minute 60 is not 00–59'],
    ['2026-02-02T23:59:60Z', 'second', 'second 60 is not 00–59'],
    ['2026-02-02T22:31:56.1234567890Z', 'format', 'it is not YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z'],
    ['2026-2-2', 'format', 'it is not YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z'],
    ['yesterday', 'format', 'it is not YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z'],
    ['', 'format', 'it is not YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z'],
    ['2026-02-02Z', 'format', 'it is not YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z'],
  ])('refuses %s: %s (%s)', (text, component, why) => {
    const result = parseIsoInstant(text);
    expect(reason(result)).toBe(why);
    expect((result as TimeProblem).component).toBe(component);
  });

  it('keeps the wall-clock components and says whether the text had a zone', () => {
    expect(readIsoDateTime('2026-03-01 10:00:00')).toEqual({
      year: 2026, month: 3, day: 1, hour: 10, minute: 0, second: 0, ms: 0, offsetMinutes: undefined, wallMs: Date.UTC(2026, 2, 1, 10),
    });
    expect(readIsoDateTime('2026-03-01T10:00:00.987-03:30')).toMatchObject({ hour: 10, ms: 987, offsetMinutes: -210 });
  });

  it('the spec pattern takes config dates the parser takes, needs a zone on a date-time, and refuses out-of-range components', () => {
    const pattern = new RegExp(ISO_DATE_OR_DATETIME_PATTERN);
    for (const ok of ['2026-01-31', '2026-01-31T00:00:00Z', '2026-01-31T23:59Z', '2026-01-31T23:59:59.123456789+05:30', '2026-01-31T00:00:00-1800', '2026-12-31T00:00:00+0000']) {
      expect(pattern.test(ok), ok).toBe(true);
      expect(parseIsoInstant(ok), ok).toBeTypeOf('number');
    }
    for (const bad of ['2020-08-19T03:05:48+99:00', '2026-13-01', '2026-01-32', '2026-01-31T24:00:00Z', '2026-01-31T23:60Z', '2026-01-31T23:59:60Z', '2026-01-31T00:00:00+19:00', '2026-01-31T00:00:00+05:60', '2026-01-31 00:00:00Z', '2026-01-31T00:00:00']) {
      expect(pattern.test(bad), bad).toBe(false);
    }
  });
});

describe('calendar rules', () => {
  it('knows leap years: every 4th, not every 100th, every 400th', () => {
    expect(checkDateTime(2024, 2, 29)).toBeUndefined();
    expect(checkDateTime(2000, 2, 29)).toBeUndefined();
    expect(checkDateTime(2100, 2, 29)?.component).toBe('day');
    expect(checkDateTime(2023, 2, 29)?.component).toBe('day');
  });
});

describe('offsets', () => {
  it.each([
    ['Z', 0],
    ['+05:30', 330],
    ['-0330', -210],
    ['+8', 480],
    ['-03', -180],
    ['+18:00', 1080],
    ['-18:00', -1080],
  ])('%s → %d min', (text, minutes) => {
    expect(parseOffset(text)).toBe(minutes);
  });

  it('refuses offsets past ±18:00, minutes past 59 and other text', () => {
    expect(reason(parseOffset('+18:01'))).toBe('offset +18:01 is outside -18:00…+18:00');
    expect(reason(parseOffset('-25'))).toBe('offset -25:00 is outside -18:00…+18:00');
    expect(reason(parseOffset('+05:75'))).toBe('offset +05:75 has minutes 75, not 00–59');
    expect(reason(parseOffset('EST'))).toBe('offset "EST" is not ±HH:MM');
  });

  it('formats offsets as ±HH:MM', () => {
    expect([0, 330, -210, -300, 1080, -45].map(formatOffset)).toEqual(['+00:00', '+05:30', '-03:30', '-05:00', '+18:00', '-00:45']);
  });
});

describe('timezone settings', () => {
  const JAN = Date.parse('2026-01-15T12:00:00Z');
  const JUL = Date.parse('2026-07-15T12:00:00Z');

  it.each([
    ['-05:00', -300, -300],
    ['UTC+8', 480, 480],
    ['GMT-0330', -210, -210],
    ['utc', 0, 0],
    ['Etc/UTC', 0, 0],
    ['America/New_York', -300, -240],
    ['Australia/Lord_Howe', 660, 630],
    ['Asia/Kathmandu', 345, 345],
  ])('%s → %d min in January, %d in July', (tz, jan, jul) => {
    const offsetAt = readTimezone(tz) as OffsetAt;
    expect(offsetAt).toBeTypeOf('function');
    expect([offsetAt(JAN), offsetAt(JUL)]).toEqual([jan, jul]);
  });

  it('refuses out-of-range offsets and unknown names with the reason', () => {
    expect(reason(readTimezone('+19:00'))).toBe('offset +19:00 is outside -18:00…+18:00');
    expect(reason(readTimezone('UTC-05:99'))).toBe('offset -05:99 has minutes 99, not 00–59');
    expect(reason(readTimezone('Mars/Olympus_Mons'))).toBe('"Mars/Olympus_Mons" is not an offset such as -05:00, UTC or a known IANA zone such as America/New_York');
    expect(reason(readTimezone('  '))).toBe('"" is not an offset such as -05:00, UTC or a known IANA zone such as America/New_York');
    expect(reason(readTimezone(undefined))).toBe('no timezone is given');
    expect([parseTimezone('+19:00'), parseTimezone(undefined)]).toEqual([undefined, undefined]);
  });

  it('a DayClock formats local time with the offset in force', () => {
    const clock = new DayClock(parseTimezone('America/New_York') as OffsetAt);
    expect(clock.format(Date.parse('2026-03-08T06:59:59Z'))).toBe('2026-03-08T01:59:59-05:00');
    expect(clock.format(Date.parse('2026-03-08T07:00:00Z'))).toBe('2026-03-08T03:00:00-04:00');
    expect(clock.date(Date.parse('2026-03-08T03:59:59Z'))).toBe('2026-03-07');
    expect(DayClock.UTC.format(INSTANT + 999)).toBe('2026-02-02T22:31:56+00:00');
  });
});

describe('formatters', () => {
  it('print fixed offsets and UTC dates', () => {
    expect(formatIsoAtOffset(INSTANT, -300)).toBe('2026-02-02T17:31:56-05:00');
    expect(formatIsoAtOffset(INSTANT, 345)).toBe('2026-02-03T04:16:56+05:45');
    expect(toIsoDate(INSTANT)).toBe('2026-02-02');
  });
});

describe('Java Date.toString()', () => {
  it('formats as a JVM does, and reads it back', () => {
    expect(formatJavaDate(INSTANT, 'UTC')).toBe('Mon Feb 02 22:31:56 UTC 2026');
    expect(formatJavaDate(INSTANT, 'EST')).toBe('Mon Feb 02 17:31:56 EST 2026');
    expect(formatJavaDate(INSTANT, 'JST')).toBe('Tue Feb 03 07:31:56 JST 2026');
    expect(parseJavaDate('Tue Feb 03 04:01:56 GMT+05:30 2026')).toBe(INSTANT);
    expect(parseJavaDate('Tue Feb 03 06:31:56 GMT+8 2026')).toBe(INSTANT);
    expect(() => formatJavaDate(INSTANT, 'XYZ')).toThrow('unknown zone abbreviation XYZ');
  });

  it.each([
    ['Mon Feb 30 22:31:56 UTC 2026', 'day', 'day 30 does not exist in February 2026, which has 28 days'],
    ['Mon Feb 02 24:31:56 UTC 2026', 'hour', 'hour 24 is not 00–23'],
    ['Mon Feb 02 22:60:56 UTC 2026', 'minute', 'minute 60 is not 00–59'],
    ['Mon Feb 02 22:31:60 UTC 2026', 'second', 'second 60 is not 00–59'],
    ['Mon Foo 02 22:31:56 UTC 2026', 'month', 'month Foo is not Jan–Dec'],
    ['Mon Feb 02 22:31:56 XYZT 2026', 'zone', 'zone abbreviation XYZT is not one a JVM prints (see ZONE_OFFSETS_MINUTES)'],
    ['Mon Feb 02 22:31:56 EST+05:00 2026', 'zone', 'zone EST+05 is not GMT or UTC followed by an offset'],
    ['Mon Feb 02 22:31:56 GMT+19:00 2026', 'offset', 'offset +19:00 is outside -18:00…+18:00'],
    ['Mon Feb 02 22:31:56 UTC', 'format', 'it is not a Java date such as Mon Feb 02 22:31:56 UTC 2026'],
  ])('refuses %s: %s', (text, component, why) => {
    const result = parseJavaDate(text);
    expect(reason(result)).toBe(why);
    expect((result as TimeProblem).component).toBe(component);
  });
});

describe('epoch numbers', () => {
  it('reads magnitudes below 10^11 as seconds, others as milliseconds, and refuses the impossible', () => {
    expect(epochMsFromNumber(1677151375)).toBe(1677151375000);
    expect(epochMsFromNumber(1677151375000)).toBe(1677151375000);
    expect(epochMsFromNumber(-86400)).toBe(-86_400_000);
    expect(reason(epochMsFromNumber(Number.NaN))).toBe('NaN is not a finite number of epoch seconds or milliseconds');
    expect(reason(epochMsFromNumber(1e17))).toBe('100000000000000000 is beyond the instants a date can hold');
  });
});
