/**
 * Hyros sends timestamps in three forms (hyros-api.md §5.1): ISO-8601 with an offset (leads),
 * Java's `Date.toString()` — `EEE MMM dd HH:mm:ss zzz yyyy` — with a zone abbreviation (sales,
 * calls, subscriptions, embedded leads), and epoch milliseconds (sources, ads). All become epoch ms;
 * records then carry ISO-8601 UTC with `Z`.
 */
import { parseIsoDate } from '../common/dates.js';

/**
 * Offsets (minutes east of UTC) of the zone abbreviations a JVM prints. Ambiguous ones take the
 * reading a US-based service means: CST is US Central (not China), IST is India, BST British Summer.
 */
export const ZONE_OFFSETS_MINUTES: Readonly<Record<string, number>> = {
  UTC: 0, GMT: 0, UT: 0, Z: 0, WET: 0, WEST: 60, BST: 60, IST: 330,
  CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  AKST: -540, AKDT: -480, HST: -600, AST: -240, ADT: -180, NST: -210, NDT: -150,
  ART: -180, BRT: -180, BRST: -120, CLT: -240, CLST: -180, UYT: -180, PYT: -240, BOT: -240,
  COT: -300, PET: -300, ECT: -300, VET: -240,
  JST: 540, KST: 540, HKT: 480, SGT: 480, PHT: 480, AWST: 480, WIB: 420, ICT: 420,
  ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780, SAST: 120, WAT: 60, EAT: 180,
};

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

// Compiled once: `Mon Feb 02 22:31:56 UTC 2026`, also `GMT-03:00` / `GMT+0530` for zones without a name.
const JAVA_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{1,5})([+-]\d{1,2}(?::?\d{2})?)? (\d{4})$/;
const ISO_START = /^\d{4}-\d{2}-\d{2}/;

/** Epoch ms of a Hyros timestamp in any of its forms, or undefined when it is none of them. */
export function parseHyrosTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? epochFromNumber(value) : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  const first = value.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    if (ISO_START.test(value)) return parseIsoDate(value);
    if (/^\d{9,14}$/.test(value)) return epochFromNumber(Number(value));
    return undefined;
  }
  return parseJavaDate(value);
}

/** Hyros' numbers are epoch milliseconds; a 10-digit value is read as seconds. */
function epochFromNumber(value: number): number {
  return Math.abs(value) < 1e11 ? value * 1000 : value;
}

export function parseJavaDate(value: string): number | undefined {
  const m = JAVA_DATE.exec(value);
  if (!m) return undefined;
  const [, mon, day, hh, mm, ss, zone, gmtOffset, year] = m;
  const month = MONTHS[mon as string];
  if (month === undefined) return undefined;
  let offsetMinutes: number | undefined;
  if (gmtOffset !== undefined) {
    if (zone !== 'GMT' && zone !== 'UTC') return undefined;
    const sign = gmtOffset.startsWith('-') ? -1 : 1;
    const digits = gmtOffset.slice(1).replace(':', '');
    const hours = Number(digits.length <= 2 ? digits : digits.slice(0, digits.length - 2));
    const minutes = digits.length <= 2 ? 0 : Number(digits.slice(-2));
    offsetMinutes = sign * (hours * 60 + minutes);
  } else {
    offsetMinutes = ZONE_OFFSETS_MINUTES[zone as string];
  }
  if (offsetMinutes === undefined) return undefined;
  const local = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss));
  const check = new Date(local);
  if (check.getUTCDate() !== Number(day) || Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59) return undefined;
  return local - offsetMinutes * 60_000;
}
