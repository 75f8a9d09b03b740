/**
 * Hyros sends timestamps in three forms: ISO-8601 with an offset (leads),
 * Java's `Date.toString()` with a zone abbreviation (sales, calls, subscriptions, embedded leads),
 * and epoch milliseconds (sources, ads). This file only tells them apart: each form is read by the
 * shared time module (src/common/time), under its rules. All become epoch ms; records then carry
 * ISO-8601 UTC with `Z`.
 */
import { epochMsFromNumber, parseIsoInstant, parseJavaDate } from '../common/time/index.js';

export { ZONE_OFFSETS_MINUTES } from '../common/time/index.js';

const ISO_START = /^\d{4}-\d{2}-\d{2}/;
// Epoch ms as digits: 9 digits (1973 in seconds) to 15 (any ms up to year 9999).
const EPOCH_DIGITS = /^\d{9,15}$/;

/** Epoch ms of a Hyros timestamp in any of its forms, or undefined when it is none of them (or impossible). */
export function parseHyrosTimestamp(value: unknown): number | undefined {
  let ms: number | object;
  if (typeof value === 'number') ms = epochMsFromNumber(value);
  else if (typeof value !== 'string' || value.length === 0) return undefined;
  else {
    const first = value.charCodeAt(0);
    if (first >= 48 && first <= 57) {
      if (ISO_START.test(value)) ms = parseIsoInstant(value);
      else if (EPOCH_DIGITS.test(value)) ms = epochMsFromNumber(Number(value));
      else return undefined;
    } else ms = parseJavaDate(value);
  }
  return typeof ms === 'number' ? ms : undefined;
}
