/**
 * ISO-8601 dates and date-times: the one grammar for config dates, state cursors, Hyros' ISO
 * timestamps and the destination's date values, and the UTC formatter of every emitted record.
 */
import { checkDateTime, DAY_MS, TimeProblem, wallMs } from './calendar.js';
import { formatOffset, MAX_OFFSET_MINUTES, offsetFromParts } from './offset.js';

/**
 * `YYYY-MM-DD`, or a date-time `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z`, `±HH:MM`, `±HHMM`,
 * `±HH` or no zone (`t`/`z` lower-case and a space for the `T` and before the zone are read too:
 * warehouses print them). Components are checked afterwards, so a wrong one gets its own reason.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)? ?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/**
 * The JSON-schema pattern of a config date (the spec's `pattern`, so the Airbyte UI refuses a typo
 * before `check`): the grammar above with `T`, a zone with minutes, and each component in range
 * as far as a pattern can say it (days per month and offsets past 18:00 are left to the parser).
 */
export const ISO_DATE_OR_DATETIME_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,9})?)?(Z|[+-](0[0-9]|1[0-8]):?[0-5][0-9]))?$';

export const ISO_HINT = 'YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z';

/** A date-time as written: wall-clock components and the offset, if the text had one. */
export interface IsoFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Milliseconds of the fraction (digits past the third are dropped). */
  ms: number;
  /** Minutes east of UTC; undefined when the text names no zone. */
  offsetMinutes: number | undefined;
  /** Epoch ms of the wall-clock time read as UTC. */
  wallMs: number;
}

/** The components of an ISO-8601 date or date-time, or the first rule it breaks. */
export function readIsoDateTime(text: string): IsoFields | TimeProblem {
  const m = ISO.exec(text.trim());
  if (!m) return new TimeProblem('format', `it is not ${ISO_HINT}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const problem = checkDateTime(year, month, day, hour, minute, second);
  if (problem) return problem;
  let offsetMinutes: number | undefined;
  if (m[8] !== undefined) offsetMinutes = 0;
  else if (m[9] !== undefined) {
    const offset = offsetFromParts(m[9], m[10] as string, m[11]);
    if (offset instanceof TimeProblem) return offset;
    offsetMinutes = offset;
  }
  const frac = m[7];
  const ms = frac === undefined ? 0 : Number(frac.length >= 3 ? frac.slice(0, 3) : frac.padEnd(3, '0'));
  return { year, month, day, hour, minute, second, ms, offsetMinutes, wallMs: wallMs(year, month, day, hour, minute, second, ms) };
}

/**
 * Epoch ms of an ISO-8601 date or date-time; without a zone it is read at `defaultOffsetMinutes`
 * (UTC unless said otherwise: config dates and state cursors). Hot: every ISO timestamp of every
 * record passes here.
 */
export function parseIsoInstant(text: string, defaultOffsetMinutes = 0): number | TimeProblem {
  const fast = commonFormInstant(text);
  if (fast === fast) return fast; // not NaN
  const fields = readIsoDateTime(text);
  if (fields instanceof TimeProblem) return fields;
  return fields.wallMs - (fields.offsetMinutes ?? defaultOffsetMinutes) * 60_000;
}

const digitAt = (text: string, i: number): number => {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const numberAt = (text: string, i: number): number => digitAt(text, i) * 10 + digitAt(text, i + 1);

/**
 * The forms Hyros and state files use, `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS±HH:MM`,
 * read digit by digit (a tenth of the regex's cost). NaN for anything else, and for any component
 * that breaks a rule: the general parser then gives the reason, so both always agree.
 */
function commonFormInstant(t: string): number {
  const len = t.length;
  if (len !== 20 && len !== 25) return Number.NaN;
  if (t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return Number.NaN;
  const year = numberAt(t, 0) * 100 + numberAt(t, 2);
  const month = numberAt(t, 5);
  const day = numberAt(t, 8);
  const hour = numberAt(t, 11);
  const minute = numberAt(t, 14);
  const second = numberAt(t, 17);
  // NaN fails every comparison, so a non-digit lands in checkDateTime's problems too.
  if (checkDateTime(year, month, day, hour, minute, second) !== undefined) return Number.NaN;
  let offset = 0;
  const zone = t.charCodeAt(19);
  if (len === 20) {
    if (zone !== 90) return Number.NaN; // Z
  } else {
    if ((zone !== 43 && zone !== 45) || t.charCodeAt(22) !== 58) return Number.NaN; // ± and ':'
    const offsetMinute = numberAt(t, 23);
    offset = numberAt(t, 20) * 60 + offsetMinute;
    if (!(offsetMinute <= 59 && offset <= MAX_OFFSET_MINUTES)) return Number.NaN;
    if (zone === 45) offset = -offset;
  }
  return wallMs(year, month, day, hour, minute, second) - offset * 60_000;
}

/** Years 1970–9999: four-digit years, the form the fast path prints. */
const MAX_FAST_MS = Date.UTC(10000, 0, 1);
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDayStart = Number.NaN;
let cachedDayPrefix = '';

/** ISO-8601 UTC with a `Z`; whole seconds print without a fraction. */
export function toIsoUtc(ms: number): string {
  // The record hot path formats several timestamps per record: the day part is cached (records
  // of a window share days), the time of day is built from integers.
  if (Number.isInteger(ms) && ms % 1000 === 0 && ms >= 0 && ms < MAX_FAST_MS) {
    const dayStart = ms - (ms % DAY_MS);
    if (dayStart !== cachedDayStart) {
      cachedDayStart = dayStart;
      cachedDayPrefix = new Date(dayStart).toISOString().slice(0, 11);
    }
    const secondOfDay = (ms - dayStart) / 1000;
    const hours = Math.floor(secondOfDay / 3600);
    const minutes = Math.floor((secondOfDay % 3600) / 60);
    const seconds = secondOfDay % 60;
    return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}Z`;
  }
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

/** `YYYY-MM-DD` of the UTC day containing `ms`. */
export function toIsoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Local date-time at a fixed offset, whole seconds: `2026-01-05T00:00:00-05:00`. */
export function formatIsoAtOffset(ms: number, offsetMinutes: number): string {
  return `${new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)}${formatOffset(offsetMinutes)}`;
}
