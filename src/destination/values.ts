/**
 * Conversions of warehouse values into what Hyros accepts, one per field kind. Each returns the
 * converted value, `undefined` for "absent" (null and empty values are never sent, so they never
 * blank existing Hyros data), or a `Problem` saying what was expected.
 */
import { epochMsFromNumber, formatIsoAtOffset, readIsoDateTime, TimeProblem, type DayClock } from '../common/time/index.js';

export class Problem {
  constructor(readonly expected: string) {}
}
export type Converted<T> = T | undefined | Problem;

const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** null, undefined, '' (after trimming) and [] count as absent. */
export function isAbsent(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

export function toText(value: unknown): Converted<string> {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return String(value);
  return new Problem('text');
}

export function toEmail(value: unknown): Converted<string> {
  const text = toText(value);
  if (text === undefined || text instanceof Problem) return text;
  return EMAIL.test(text) ? text : new Problem('an email address like name@example.com');
}

/** Money and other numbers: numbers, or numeric strings as warehouses serialise decimals ("12.50"). */
export function toNumber(value: unknown): Converted<number> {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : new Problem('a number');
  if (typeof value === 'string' && NUMERIC.test(value.trim())) return Number(value.trim());
  return new Problem('a number such as 12.5 or "12.50"');
}

export function toBoolean(value: unknown): Converted<boolean> {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1 || value === '1') return true;
  if (value === 'false' || value === 0 || value === '0') return false;
  return new Problem('true or false');
}

/** A list of texts: a JSON array, a JSON array serialised as a string, or one text. */
export function toTextList(value: unknown): Converted<string[]> {
  if (isAbsent(value)) return undefined;
  let list: unknown = value;
  if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      list = JSON.parse(value) as unknown;
    } catch {
      return new Problem('a list of texts (a JSON array)');
    }
  }
  if (!Array.isArray(list)) list = [list];
  const out: string[] = [];
  for (const item of list as unknown[]) {
    const text = toText(item);
    if (text instanceof Problem) return new Problem('a list of texts');
    if (text !== undefined) out.push(text);
  }
  return out.length > 0 ? out : undefined;
}

export function toEnum(values: readonly string[]) {
  return (value: unknown): Converted<string> => {
    const text = toText(value);
    if (text === undefined || text instanceof Problem) return text;
    const match = values.find((v) => v === text.toUpperCase());
    return match ?? new Problem(`one of ${values.join(', ')}`);
  };
}

const DATE_EXAMPLE = 'an ISO-8601 date-time such as 2026-03-01T14:30:00-05:00';

/**
 * Dates as Hyros must get them: ISO-8601 with an explicit offset. A value with an offset keeps it;
 * a date-time without one (and a bare date, read as local midnight) is read in `clock`'s timezone;
 * numbers are epoch milliseconds (≥ 10^11) or seconds. Sub-second precision is dropped. Reading and
 * its rules are the shared time module's; an impossible component is a Problem naming it.
 */
export function toDate(value: unknown, clock: DayClock): Converted<string> {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'number') {
    const ms = epochMsFromNumber(value);
    if (ms instanceof TimeProblem) return new Problem(`${DATE_EXAMPLE} or epoch seconds/milliseconds (${ms.reason})`);
    return clock.format(Math.floor(ms / 1000) * 1000);
  }
  if (typeof value !== 'string') return new Problem(DATE_EXAMPLE);
  const fields = readIsoDateTime(value);
  if (fields instanceof TimeProblem) {
    if (fields.component === 'format') return new Problem(DATE_EXAMPLE);
    if (fields.component === 'offset') return new Problem(`an offset between -18:00 and +18:00 (${fields.reason})`);
    return new Problem(`a real calendar date and time (${fields.reason})`);
  }
  const wall = fields.wallMs - fields.ms;
  if (fields.offsetMinutes === undefined) return clock.format(clock.instantOfWall(wall));
  return formatIsoAtOffset(wall - fields.offsetMinutes * 60_000, fields.offsetMinutes);
}

/** For logs: `j***@example.com` (the domain helps debugging, the person stays private). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** Any email-looking text inside a message, masked. */
export function maskEmailsIn(text: string): string {
  return text.replace(/[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+\.[A-Za-z]{2,}/g, (email) => maskEmail(email));
}
