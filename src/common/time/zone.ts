/**
 * Time zones and local days: a timezone setting (the destination's `timezone`, a Hyros account's
 * user-info timezone) becomes the offset in force at each instant, and a DayClock finds local
 * dates and midnights with it, daylight-saving days (23 or 25 hours) included.
 */
import { DAY_MS, MINUTE_MS, TimeProblem } from './calendar.js';
import { formatIsoAtOffset } from './iso.js';
import { offsetFromParts } from './offset.js';

/** Minutes east of UTC in force at an instant. */
export type OffsetAt = (ms: number) => number;

const FIXED = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const ZERO = /^(Z|UTC|GMT|Etc\/UTC|Etc\/GMT)$/i;
// Intl's `longOffset` names: `GMT`, `GMT+05:30`, `GMT-04:56:02` (seconds only before 1900 or so).
const LONG_OFFSET = /GMT([+-])(\d{2}):?(\d{2})?/;

/**
 * A timezone setting: `±HH:MM`, `±HHMM`, `±H[H]`, each optionally after `UTC`/`GMT`; `Z`, `UTC`,
 * `GMT`; or an IANA zone name this Node.js knows (its offset looked up per instant). Anything else,
 * or an offset breaking the offset rules, gives the reason.
 */
export function readTimezone(text: string | undefined): OffsetAt | TimeProblem {
  if (text === undefined) return new TimeProblem('zone', 'no timezone is given');
  const tz = text.trim();
  const fixed = FIXED.exec(tz);
  if (fixed) {
    const minutes = offsetFromParts(fixed[1] as string, fixed[2] as string, fixed[3]);
    return minutes instanceof TimeProblem ? minutes : () => minutes;
  }
  if (ZERO.test(tz)) return () => 0;
  let format: Intl.DateTimeFormat;
  try {
    if (tz === '') throw new RangeError('empty');
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  } catch {
    return new TimeProblem('zone', `${JSON.stringify(tz)} is not an offset such as -05:00, UTC or a known IANA zone such as America/New_York`);
  }
  return (ms) => {
    const name = format.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const m = LONG_OFFSET.exec(name);
    if (!m) return 0; // "GMT" alone: offset zero
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
  };
}

/** readTimezone for callers that need no reason: undefined when the setting is not a timezone. */
export function parseTimezone(text: string | undefined): OffsetAt | undefined {
  const zone = readTimezone(text);
  return zone instanceof TimeProblem ? undefined : zone;
}

/** Local-day arithmetic in one timezone. */
export class DayClock {
  constructor(readonly offsetAt: OffsetAt) {}

  /** UTC days: the clock of a zone that was not given or could not be read. */
  static readonly UTC = new DayClock(() => 0);

  /** YYYY-MM-DD of the local day containing `ms`. */
  date(ms: number): string {
    return new Date(ms + this.offsetAt(ms) * MINUTE_MS).toISOString().slice(0, 10);
  }

  /** Local date-time with its offset, e.g. `2026-01-05T00:00:00-05:00` (whole seconds). */
  format(ms: number): string {
    return formatIsoAtOffset(ms, this.offsetAt(ms));
  }

  /** The instant of local midnight starting the calendar day `y-m-d` (m 1-based; overflow rolls over). */
  midnightOf(y: number, m: number, d: number): number {
    return this.instantOfWall(Date.UTC(y, m - 1, d));
  }

  /**
   * The instant whose local wall-clock time is `wallMs` (a wall time written as if it were UTC).
   * A wall time skipped by a spring-forward gap maps past the gap; one repeated in autumn maps to
   * one of its two instants.
   */
  instantOfWall(wallMs: number): number {
    // The offset at that wall time may differ from the offset a few hours earlier (DST): settle it.
    let instant = wallMs - this.offsetAt(wallMs) * MINUTE_MS;
    for (let i = 0; i < 2; i++) instant = wallMs - this.offsetAt(instant) * MINUTE_MS;
    return instant;
  }

  /** Local midnight at or before `ms` (the start of its local day). */
  dayStart(ms: number): number {
    const [y, m, d] = this.date(ms).split('-').map(Number) as [number, number, number];
    let start = this.midnightOf(y, m, d);
    // A gap right at midnight can put the computed start after `ms`; step back a day then.
    if (start > ms) start = this.midnightOf(y, m, d - 1);
    // A zone whose clocks went back across midnight (Newfoundland's 00:01 changes until 2011) repeats
    // the end of a day after the next one began; such an instant belongs to the day that began last,
    // so days still tile time.
    const next = this.nextDayStart(start);
    return next <= ms ? next : start;
  }

  /** The local midnight after the one at `dayStartMs`. */
  nextDayStart(dayStartMs: number): number {
    const [y, m, d] = this.date(dayStartMs).split('-').map(Number) as [number, number, number];
    const next = this.midnightOf(y, m, d + 1);
    return next > dayStartMs ? next : dayStartMs + DAY_MS; // bounded progress whatever the zone data says
  }

  /** Local midnight at or after `ms`. */
  dayStartAtOrAfter(ms: number): number {
    const start = this.dayStart(ms);
    return start === ms ? start : this.nextDayStart(start);
  }
}
