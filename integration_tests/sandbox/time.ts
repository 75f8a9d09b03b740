/**
 * Timestamp formatting and request-date parsing, in Hyros' formats.
 *  - ISO 8601 with offset in the account timezone: leads creationDate/lastUpdatedDate, currentStage.date, clickDate
 *  - Java Date.toString() `EEE MMM dd HH:mm:ss zzz yyyy`: sales/calls/subscriptions dates, embedded lead.creationDate
 *  - ISO UTC with `Z`: carts creationDate
 *  - epoch milliseconds: sources/ads creationDate
 */

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Fixed offsets (minutes east of UTC) of the zone abbreviations the sandbox emits in Java dates. */
export const JAVA_ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  EST: -300,
  EDT: -240,
  PST: -480,
  CET: 60,
  BRT: -180,
  ART: -180,
};

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Parse an offset string such as "-05:00", "+0530", "Z" or "UTC" into minutes east of UTC. */
export function parseOffset(tz: string): number {
  if (tz === 'Z' || tz.toUpperCase() === 'UTC' || tz.toUpperCase() === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(tz);
  if (!m) throw new Error(`Unsupported timezone offset: ${tz} (use e.g. "-05:00")`);
  const sign = m[1] === '-' ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3]));
}

export function formatOffset(minutes: number): string {
  if (minutes === 0) return '+00:00';
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** `2026-02-02T18:01:07-05:00` */
export function isoWithOffset(ms: number, offsetMin: number): string {
  const d = new Date(ms + offsetMin * 60_000);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${formatOffset(offsetMin)}`
  );
}

/** `2026-02-02T18:01:07Z` */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Java Date.toString(): `Mon Feb 02 22:31:56 UTC 2026`, local time shifted for the zone abbreviation. */
export function javaDate(ms: number, zone: string): string {
  const off = JAVA_ZONES[zone];
  if (off === undefined) throw new Error(`unknown zone ${zone}`);
  const d = new Date(ms + off * 60_000);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${zone} ${d.getUTCFullYear()}`
  );
}

const REQ_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parse a request date (fromDate/toDate/startDate/…). Accepts
 *   YYYY-MM-DD                      → 00:00:00 of that day in the account timezone
 *   YYYY-MM-DDTHH:mm[:ss[.fff]]     → read in the account timezone
 *   … followed by Z or ±HH:MM/±HHMM → that instant
 * Returns epoch ms, or null when unparseable (a '+' sent unencoded arrives as a space and fails here,
 * as it would on a servlet container).
 */
export function parseRequestDate(value: string, accountOffsetMin: number): number | null {
  const m = REQ_DATE.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const Y = Number(y), M = Number(mo), D = Number(d);
  const H = h === undefined ? 0 : Number(h);
  const MI = mi === undefined ? 0 : Number(mi);
  const S = s === undefined ? 0 : Number(s);
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || MI > 59 || S > 59) return null;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const local = Date.UTC(Y, M - 1, D, H, MI, S, ms);
  // reject e.g. Feb 30 (Date.UTC would roll over)
  const check = new Date(local);
  if (check.getUTCDate() !== D || check.getUTCMonth() !== M - 1) return null;
  const off = zone === undefined ? accountOffsetMin : parseOffset(zone);
  return local - off * 60_000;
}

/** Start (epoch ms) of the account-local calendar day containing `ms`. */
export function localDayStart(ms: number, offsetMin: number): number {
  const shifted = ms + offsetMin * 60_000;
  return shifted - (((shifted % 86_400_000) + 86_400_000) % 86_400_000) - offsetMin * 60_000;
}

/** YYYY-MM-DD of the account-local day containing `ms`. */
export function localDate(ms: number, offsetMin: number): string {
  return isoWithOffset(ms, offsetMin).slice(0, 10);
}
