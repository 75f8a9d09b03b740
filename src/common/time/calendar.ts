/**
 * The calendar rules every date in both connectors is held to (proleptic Gregorian, years
 * 0000–9999): months 1–12, the days of each month with leap years, hours 0–23, minutes and seconds
 * 0–59. Whatever breaks a rule becomes a TimeProblem naming the component and its value; callers
 * add the field (config, state, record value) the text came from.
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The instants a JavaScript Date can hold (±100,000,000 days around 1970). */
export const MAX_EPOCH_MS = 8.64e15;

/** Which part of a date-time text is wrong; `format` when the text is no date-time form at all. */
export type TimeComponent = 'format' | 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'offset' | 'zone' | 'epoch';

/** Why a text is no real date-time: a value, not an exception, so the hot paths stay cheap. */
export class TimeProblem {
  constructor(
    readonly component: TimeComponent,
    /** A reason a person can act on, naming the component and its value, e.g. `hour 24 is not 00–23`. */
    readonly reason: string,
  ) {}
}

export const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days of `month` (1–12) in `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The first rule a date-time breaks, or undefined when it is a real one. `month` is 1-based.
 * Checked with integers only: this runs for every timestamp of every record.
 */
export function checkDateTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): TimeProblem | undefined {
  if (!(year >= 0 && year <= 9999)) return new TimeProblem('year', `year ${year} is not 0000–9999`);
  if (!(month >= 1 && month <= 12)) return new TimeProblem('month', `month ${two(month)} is not 01–12`);
  const days = daysInMonth(year, month);
  if (!(day >= 1 && day <= days)) {
    return new TimeProblem('day', `day ${two(day)} does not exist in ${MONTH_NAMES[month - 1]} ${year}, which has ${days} days`);
  }
  if (!(hour >= 0 && hour <= 23)) return new TimeProblem('hour', `hour ${two(hour)} is not 00–23`);
  if (!(minute >= 0 && minute <= 59)) return new TimeProblem('minute', `minute ${two(minute)} is not 00–59`);
  if (!(second >= 0 && second <= 59)) return new TimeProblem('second', `second ${two(second)} is not 00–59`);
  return undefined;
}

/**
 * Days from 1970-01-01 to a civil date (month 1-based), by integer arithmetic (H. Hinnant's
 * days_from_civil): unlike Date.UTC it reads years 0–99 as themselves, and allocates nothing.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Epoch ms of a wall-clock date-time read as UTC (the caller subtracts the offset). Unchecked. */
export function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * SECOND_MS + ms;
}

/**
 * Epoch ms of a number that means an instant (Hyros' epoch fields, warehouse epoch columns): a
 * magnitude below 10^11 is seconds (10^11 s is year 5138, 10^11 ms is 1973), above it milliseconds.
 */
export function epochMsFromNumber(value: number): number | TimeProblem {
  if (!Number.isFinite(value)) return new TimeProblem('epoch', `${value} is not a finite number of epoch seconds or milliseconds`);
  const ms = Math.abs(value) < 1e11 ? value * 1000 : value;
  if (Math.abs(ms) > MAX_EPOCH_MS) return new TimeProblem('epoch', `${value} is beyond the instants a date can hold`);
  return ms;
}
