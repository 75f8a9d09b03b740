/**
 * Account-local calendar days: the Hyros account timezone (user-info `userProfile.timezone`: an
 * offset such as "-05:00", "UTC"/"Z", or an IANA name) turned into a clock that finds local
 * midnights (the source's attribution reports cut their ranges into local days with it, the
 * destination reads naive date-times in it).
 */
/** Minutes east of UTC in force at an instant. */
export type OffsetAt = (ms: number) => number;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Parses an account timezone. Returns undefined when it is none of the accepted forms: `±HH:MM`,
 * `±HHMM`, `±HH`, `Z`, `UTC`/`GMT` (optionally followed by an offset), or an IANA zone name known to
 * this Node.js (offset looked up per instant, so daylight-saving days are 23 or 25 hours long).
 */
export function parseTimezone(text: string | undefined): OffsetAt | undefined {
  if (text === undefined) return undefined;
  const tz = text.trim();
  if (tz === '') return undefined;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(tz);
  if (fixed) {
    const minutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? '0'));
    if (Math.abs(minutes) > 18 * 60 || Number(fixed[3] ?? '0') > 59) return undefined;
    return () => minutes;
  }
  if (/^(Z|UTC|GMT|Etc\/UTC|Etc\/GMT)$/i.test(tz)) return () => 0;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
  } catch {
    return undefined;
  }
  return (ms) => {
    const name = format.formatToParts(new Date(ms)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
    if (!m) return 0; // "GMT" alone: offset zero
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Local-day arithmetic in one account's timezone. */
export class DayClock {
  constructor(readonly offsetAt: OffsetAt) {}

  /** YYYY-MM-DD of the local day containing `ms`. */
  date(ms: number): string {
    return new Date(ms + this.offsetAt(ms) * MINUTE_MS).toISOString().slice(0, 10);
  }

  /** Local date-time with its offset, e.g. `2026-01-05T00:00:00-05:00` (whole seconds). */
  format(ms: number): string {
    const offset = this.offsetAt(ms);
    return `${new Date(ms + offset * MINUTE_MS).toISOString().slice(0, 19)}${formatOffset(offset)}`;
  }

  /** The instant of local midnight starting the calendar day `y-m-d` (m 1-based; overflow rolls over). */
  midnightOf(y: number, m: number, d: number): number {
    return this.instantOfWall(Date.UTC(y, m - 1, d));
  }

  /** The instant whose local wall-clock time is `wallMs` (a wall time written as if it were UTC). */
  instantOfWall(wallMs: number): number {
    // The offset at that wall time may differ from the offset a few hours earlier (DST): settle it.
    let instant = wallMs - this.offsetAt(wallMs) * MINUTE_MS;
    for (let i = 0; i < 2; i++) instant = wallMs - this.offsetAt(instant) * MINUTE_MS;
    return instant;
  }

  /** Local midnight at or before `ms` (the start of its local day). */
  dayStart(ms: number): number {
    const [y, m, d] = this.date(ms).split('-').map(Number) as [number, number, number];
    const start = this.midnightOf(y, m, d);
    // A gap right at midnight can put the computed start after `ms`; step back a day then.
    return start <= ms ? start : this.midnightOf(y, m, d - 1);
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
