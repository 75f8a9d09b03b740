/**
 * Java's `Date.toString()`: `EEE MMM dd HH:mm:ss zzz yyyy`, e.g. `Mon Feb 02 22:31:56 UTC 2026`,
 * the local wall time of the JVM's zone followed by the zone's abbreviation (or `GMT±hh:mm` for a
 * zone without one). Hyros sends most of its dates so.
 */
import { checkDateTime, TimeProblem, wallMs } from './calendar.js';
import { offsetFromParts } from './offset.js';

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

const MONTH_ABBREVIATIONS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS: Readonly<Record<string, number>> = Object.fromEntries(MONTH_ABBREVIATIONS.map((name, i) => [name, i + 1]));

// Compiled once. The weekday is not checked against the date: it adds nothing to the instant.
const JAVA_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{1,5})(?:([+-])(\d{1,2})(?::?(\d{2}))?)? (\d{4})$/;

/** Epoch ms of a Java `Date.toString()` text, or the rule it breaks. */
export function parseJavaDate(text: string): number | TimeProblem {
  const m = JAVA_DATE.exec(text);
  if (!m) return new TimeProblem('format', 'it is not a Java date such as Mon Feb 02 22:31:56 UTC 2026');
  const [, monthName, dd, hh, mm, ss, zone, sign, offsetHours, offsetMinutes, yyyy] = m as unknown as string[];
  const month = MONTHS[monthName as string];
  if (month === undefined) return new TimeProblem('month', `month ${monthName} is not Jan–Dec`);
  let offset: number | TimeProblem | undefined;
  if (sign !== undefined) {
    if (zone !== 'GMT' && zone !== 'UTC') return new TimeProblem('zone', `zone ${zone}${sign}${offsetHours} is not GMT or UTC followed by an offset`);
    offset = offsetFromParts(sign, offsetHours as string, offsetMinutes);
    if (offset instanceof TimeProblem) return offset;
  } else {
    offset = ZONE_OFFSETS_MINUTES[zone as string];
    if (offset === undefined) return new TimeProblem('zone', `zone abbreviation ${zone} is not one a JVM prints (see ZONE_OFFSETS_MINUTES)`);
  }
  const year = Number(yyyy);
  const day = Number(dd);
  const hour = Number(hh);
  const minute = Number(mm);
  const second = Number(ss);
  const problem = checkDateTime(year, month, day, hour, minute, second);
  if (problem) return problem;
  return wallMs(year, month, day, hour, minute, second) - offset * 60_000;
}

const two = (n: number): string => String(n).padStart(2, '0');

/** What a JVM whose zone is `zone` (a key of ZONE_OFFSETS_MINUTES) prints for the instant `ms`. */
export function formatJavaDate(ms: number, zone: string): string {
  const offset = ZONE_OFFSETS_MINUTES[zone];
  if (offset === undefined) throw new RangeError(`unknown zone abbreviation ${zone}`);
  const d = new Date(ms + offset * 60_000);
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTH_ABBREVIATIONS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${time} ${zone} ${d.getUTCFullYear()}`;
}
