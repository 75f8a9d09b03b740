/**
 * UTC offsets: one rule for every form they come in (ISO `±HH:MM`, a timezone setting `UTC-3`,
 * Java's `GMT+0530`): at most 18 hours either way (java.time's ZoneOffset bound, which is also the
 * widest any zone has used), minutes 00–59. Offsets are minutes east of UTC.
 */
import { TimeProblem } from './calendar.js';

export const MAX_OFFSET_MINUTES = 18 * 60;

const two = (n: number): string => String(n).padStart(2, '0');

/** `+05:30`, `-03:00`, `+00:00` (the form Hyros expects in the dates it is sent). */
export function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/**
 * Minutes east of UTC from an offset's parts (`sign` '+' or '-', `hours` and `minutes` as
 * digits, minutes possibly absent), or the rule it breaks. The parsers below and the ISO and
 * Java date parsers all end here.
 */
export function offsetFromParts(sign: string, hours: string, minutes: string | undefined): number | TimeProblem {
  const h = Number(hours);
  const m = minutes === undefined ? 0 : Number(minutes);
  const shown = `${sign}${hours.padStart(2, '0')}:${minutes ?? '00'}`;
  if (m > 59) return new TimeProblem('offset', `offset ${shown} has minutes ${minutes}, not 00–59`);
  const total = h * 60 + m;
  if (total > MAX_OFFSET_MINUTES) return new TimeProblem('offset', `offset ${shown} is outside -18:00…+18:00`);
  return sign === '-' ? -total : total;
}

// `+05:30`, `+0530`, `+05`, `+5`, `-3`: the hour may have one digit in settings and Java's GMT form.
const OFFSET = /^([+-])(\d{1,2})(?::?(\d{2}))?$/;

/** An offset alone (`Z` or `±H[H][[:]MM]`) → minutes east of UTC, or why it is none. */
export function parseOffset(text: string): number | TimeProblem {
  if (text === 'Z' || text === 'z') return 0;
  const m = OFFSET.exec(text);
  if (!m) return new TimeProblem('offset', `offset ${JSON.stringify(text)} is not ±HH:MM`);
  return offsetFromParts(m[1] as string, m[2] as string, m[3]);
}
