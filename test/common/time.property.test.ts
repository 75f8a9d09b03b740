/**
 * The shared time module's rules as properties (fast-check): every supported form round-trips any
 * instant of 1970–9999, every impossible component is refused and named, local days tile time.
 * Oracles are independent of the module: Date's own calendar, plain string building.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DayClock,
  epochMsFromNumber,
  formatIsoAtOffset,
  formatJavaDate,
  parseIsoInstant,
  parseJavaDate,
  parseOffset,
  parseTimezone,
  readTimezone,
  TimeProblem,
  toIsoDate,
  toIsoUtc,
  ZONE_OFFSETS_MINUTES,
  type OffsetAt,
} from '../../src/common/time/index.js';

const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(10000, 0, 1) - 1;
/** Instants whose local time at any offset (±18:00) is still in a four-digit year. */
const MAX_LOCAL_MS = Date.UTC(9999, 11, 31) - 1;
const instant = fc.integer({ min: MIN_MS, max: MAX_MS });
const localInstant = fc.integer({ min: MIN_MS, max: MAX_LOCAL_MS });
const wholeSecond = (ms: number): number => ms - (((ms % 1000) + 1000) % 1000);
const offsetMinutes = fc.integer({ min: -18 * 60, max: 18 * 60 });
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Days of a month by Date's own calendar (not the module's table). */
function oracleDaysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** Epoch ms of civil components by Date (setUTCFullYear reads years 0–99 as themselves). */
function oracleMs(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime();
}

const TIMEZONES = [
  'UTC', '-05:00', '+05:45', '+18:00', '-18:00', 'UTC-03:30',
  'America/New_York', 'Europe/Berlin', 'America/Havana', 'Australia/Lord_Howe', 'Pacific/Chatham',
  'America/Sao_Paulo', 'Asia/Kolkata', 'Pacific/Apia', 'America/St_Johns',
];
const clocks = new Map(TIMEZONES.map((tz) => [tz, new DayClock(parseTimezone(tz) as OffsetAt)]));

describe('format then parse returns the instant', () => {
  it('toIsoUtc, for any millisecond of 1970–9999, prints what Date does and reads back exactly', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const iso = new Date(ms).toISOString();
        expect(toIsoUtc(ms)).toBe(iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso);
        expect(parseIsoInstant(toIsoUtc(ms))).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it('ISO at any offset within ±18:00, in each written variant (T/t/space, colon or not, 0–9 fraction digits)', () => {
    const variant = fc.record({ sep: fc.constantFrom('T', 't', ' '), colon: fc.boolean(), fraction: fc.integer({ min: 0, max: 9 }), zulu: fc.constantFrom('Z', 'z', '+00:00') });
    fc.assert(
      fc.property(localInstant, offsetMinutes, variant, (ms, offset, v) => {
        const local = new Date(ms + offset * 60_000).toISOString(); // the wall time, as if UTC
        const fraction = v.fraction === 0 ? '' : `.${local.slice(20, 23)}000000`.slice(0, v.fraction + 1);
        const abs = Math.abs(offset);
        const zone = offset === 0 ? v.zulu : `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${v.colon ? ':' : ''}${pad(abs % 60)}`;
        const text = `${local.slice(0, 10)}${v.sep}${local.slice(11, 19)}${fraction}${zone}`;
        const kept = v.fraction === 0 ? 0 : Number(`${local.slice(20, 23)}`.slice(0, v.fraction).padEnd(3, '0'));
        expect(parseIsoInstant(text)).toBe(wholeSecond(ms) + kept);
        expect(parseIsoInstant(formatIsoAtOffset(ms, offset))).toBe(wholeSecond(ms));
      }),
      { numRuns: 500 },
    );
  });

  it('a DayClock of any supported zone (fixed or IANA, with DST) formats an instant that reads back', () => {
    fc.assert(
      fc.property(localInstant, fc.constantFrom(...TIMEZONES), (ms, tz) => {
        const text = clocks.get(tz)!.format(ms);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
        expect(parseIsoInstant(text)).toBe(wholeSecond(ms));
      }),
      { numRuns: 300 },
    );
  });

  it('a UTC date reads back as its midnight', () => {
    fc.assert(fc.property(instant, (ms) => {
      expect(parseIsoInstant(toIsoDate(ms))).toBe(ms - (ms % 86_400_000));
    }));
  });

  it('Java Date.toString() in every zone abbreviation reads back', () => {
    fc.assert(
      fc.property(localInstant, fc.constantFrom(...Object.keys(ZONE_OFFSETS_MINUTES)), (ms, zone) => {
        expect(parseJavaDate(formatJavaDate(ms, zone))).toBe(wholeSecond(ms));
      }),
      { numRuns: 300 },
    );
  });

  it('epoch numbers: milliseconds from 1973-03-03 (10^11) on, seconds below 10^11', () => {
    fc.assert(fc.property(fc.integer({ min: 1e11, max: MAX_MS }), (ms) => {
      expect(epochMsFromNumber(ms)).toBe(ms);
    }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e11 - 1 }), (s) => {
      expect(epochMsFromNumber(s)).toBe(s * 1000);
    }));
  });
});

/** Years, with the leap-year edge cases (centuries, 400s, 0, 9999) drawn often. */
const year = fc.oneof(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }).map((c) => c * 100), fc.constantFrom(0, 1970, 2023, 2024, 9999));
/** Months, February drawn often. */
const month = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(2));
/** Components of a real date-time, days drawn within the month by Date's calendar. */
const realFields = fc
  .record({ y: year, mo: month, dayShare: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.constant(0.999)), h: fc.integer({ min: 0, max: 23 }), mi: fc.integer({ min: 0, max: 59 }), s: fc.integer({ min: 0, max: 59 }) })
  .map(({ dayShare, ...f }) => ({ ...f, d: 1 + Math.floor(dayShare * oracleDaysInMonth(f.y, f.mo)) }));
type Fields = { y: number; mo: number; d: number; h: number; mi: number; s: number };
const iso = (f: Fields, zone = 'Z'): string => `${pad(f.y, 4)}-${pad(f.mo)}-${pad(f.d)}T${pad(f.h)}:${pad(f.mi)}:${pad(f.s)}${zone}`;

/** One component made impossible: month 0 or 13–99, a day past its month, hour 24–99, minute or second 60–99. */
const corrupted = fc.tuple(realFields, fc.constantFrom('month', 'day', 'hour', 'minute', 'second'), fc.integer({ min: 0, max: 99 })).map(([f, component, n]) => {
  const bad = { ...f };
  if (component === 'month') bad.mo = n === 0 || n > 12 ? n : 13 + (n % 87);
  if (component === 'day') bad.d = n === 0 ? 0 : oracleDaysInMonth(f.y, f.mo) + 1 + (n % 3);
  if (component === 'hour') bad.h = 24 + (n % 76);
  if (component === 'minute') bad.mi = 60 + (n % 40);
  if (component === 'second') bad.s = 60 + (n % 40);
  return { bad, component };
});

describe('impossible components are refused, each named', () => {
  it('every real date-time of years 0000–9999 is taken, at the instant Date computes', () => {
    fc.assert(fc.property(realFields, (f) => {
      expect(parseIsoInstant(iso(f))).toBe(oracleMs(f.y, f.mo, f.d, f.h, f.mi, f.s));
    }));
  });

  it('ISO (with Z, an offset, or as a bare date) and Java forms refuse the corrupted component', () => {
    fc.assert(
      fc.property(corrupted, offsetMinutes, ({ bad, component }, offset) => {
        for (const text of [iso(bad), iso(bad, formatIsoAtOffset(0, offset).slice(19)), iso(bad, '')]) {
          const result = parseIsoInstant(text);
          expect(result, text).toBeInstanceOf(TimeProblem);
          expect((result as TimeProblem).component, text).toBe(component);
        }
        if (component === 'day' || component === 'month') {
          const date = `${pad(bad.y, 4)}-${pad(bad.mo)}-${pad(bad.d)}`;
          expect((parseIsoInstant(date) as TimeProblem).component, date).toBe(component);
        }
        if (component !== 'month') {
          const java = `Mon ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][bad.mo - 1]} ${pad(bad.d)} ${pad(bad.h)}:${pad(bad.mi)}:${pad(bad.s)} UTC ${pad(bad.y, 4)}`;
          expect((parseJavaDate(java) as TimeProblem).component, java).toBe(component);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('offsets: within ±18:00 with minutes 00–59 taken exactly, all else refused, in ISO, settings and Java', () => {
    fc.assert(
      fc.property(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), (sign, h, m) => {
        const text = `${sign}${pad(h)}:${pad(m)}`;
        const valid = m <= 59 && h * 60 + m <= 18 * 60;
        const minutes = (sign === '-' ? -1 : 1) * (h * 60 + m);
        const at = Date.UTC(2026, 5, 15, 12);
        const inIso = parseIsoInstant(`2026-06-15T12:00:00${text}`);
        const inJava = parseJavaDate(`Mon Jun 15 12:00:00 GMT${text} 2026`);
        const setting = readTimezone(`UTC${text}`);
        if (valid) {
          expect([parseOffset(text), inIso, inJava, (setting as OffsetAt)(at)]).toEqual([minutes, at - minutes * 60_000, at - minutes * 60_000, minutes]);
        } else {
          for (const result of [parseOffset(text), inIso, inJava, setting]) {
            expect(result, text).toBeInstanceOf(TimeProblem);
            expect((result as TimeProblem).component).toBe('offset');
            expect((result as TimeProblem).reason).toContain(text);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

/** The instants of a zone's offset changes in `year`: month starts compared, then bisected to the ms. */
const transitionCache = new Map<string, number[]>();
function transitions(tz: string, year: number): number[] {
  const key = `${tz} ${year}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const offsetAt = clocks.get(tz)!.offsetAt;
  const found: number[] = [];
  for (let month = 0; month < 12; month++) {
    let lo = Date.UTC(year, month, 1);
    let hi = Date.UTC(year, month + 1, 1);
    if (offsetAt(lo) === offsetAt(hi)) continue; // (two changes within one month are not looked for)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid) === offsetAt(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  transitionCache.set(key, found);
  return found;
}

/** Instants in 1970–2100, half of them within two days of one of the zone's offset changes. */
const zonedInstant = fc.constantFrom(...TIMEZONES).chain((tz) =>
  fc.oneof(
    fc.integer({ min: MIN_MS, max: Date.UTC(2100, 0, 1) }),
    fc.tuple(fc.constantFrom(1975, 1996, 2011, 2026, 2037, 2099), fc.nat(), fc.integer({ min: -2 * 86_400_000, max: 2 * 86_400_000 })).map(([y, i, delta]) => {
      const changes = transitions(tz, y);
      return changes.length === 0 ? Date.UTC(y, 6, 1) + delta : changes[i % changes.length]! + delta;
    }),
  ).map((ms) => ({ tz, ms })),
);

describe('local days across daylight-saving changes', () => {
  it('the zones tested do change offsets (New York twice a year, Apia skipped 2011-12-30)', () => {
    expect(transitions('America/New_York', 2026)).toEqual([Date.parse('2026-03-08T07:00:00Z'), Date.parse('2026-11-01T06:00:00Z')]);
    expect(transitions('Pacific/Apia', 2011)).toContain(Date.parse('2011-12-30T10:00:00Z'));
  });

  it("St John's 1996-10-27: clocks went back at 00:01 to 23:01; the repeated minutes belong to the day that began", () => {
    const clock = clocks.get('America/St_Johns')!;
    const midnight = Date.parse('1996-10-27T02:30:00Z'); // 00:00 NDT
    const wentBack = Date.parse('1996-10-27T02:31:00Z'); // 00:01 NDT = 23:01 NST on the 26th
    expect(clock.date(wentBack)).toBe('1996-10-26');
    expect(clock.dayStart(wentBack)).toBe(midnight);
    expect(clock.dayStart(midnight - 1)).toBe(Date.parse('1996-10-26T02:30:00Z'));
    expect(clock.nextDayStart(midnight)).toBe(Date.parse('1996-10-28T03:30:00Z'));
  });

  it('every instant lies in exactly one local day [dayStart, nextDayStart), which starts at its local date', () => {
    fc.assert(
      fc.property(zonedInstant, ({ tz, ms }) => {
        const clock = clocks.get(tz)!;
        const start = clock.dayStart(ms);
        const next = clock.nextDayStart(start);
        expect(start).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(next);
        expect(clock.dayStart(start)).toBe(start);
        expect(clock.dayStart(next)).toBe(next);
        // Clocks that went back across midnight (St John's until 2011) show the previous date again for
        // a moment after a day began; that moment belongs to the day that began.
        const wentBack = clock.date(ms) < clock.date(start);
        if (!wentBack) {
          expect(clock.date(start)).toBe(clock.date(ms));
          expect(clock.date(next)).not.toBe(clock.date(ms));
          expect(clock.date(next - 1)).toBe(clock.date(ms));
        }
        expect(clock.dayStart(next - 1)).toBe(start); // no second day starts inside
      }),
      { numRuns: 400 },
    );
  });
});
