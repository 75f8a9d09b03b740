/** Date helpers for configuration and state: strict parsing, UTC formatting. */

const DATE_OR_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export const DATE_OR_DATETIME_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2}))?$';

export const DAY_MS = 86_400_000;

/**
 * Parses `YYYY-MM-DD` (00:00:00 UTC) or an ISO-8601 date-time with `Z` or an offset (a date-time
 * without an offset is read as UTC). Returns epoch ms, or undefined when the text is not such a
 * date or names an impossible one (`2026-02-30`, `25:00`).
 */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE_OR_DATETIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const base = Date.UTC(year, month - 1, day, hour, minute, second, Number((frac + '000').slice(0, 3)));
  const check = new Date(base);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  return base - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  return sign * (hours * 60 + minutes) * 60_000;
}

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

/** Years 1970–9999: four-digit years, the form the fast path prints. */
const MAX_FAST_MS = Date.UTC(10000, 0, 1);
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
let cachedDayStart = Number.NaN;
let cachedDayPrefix = '';
