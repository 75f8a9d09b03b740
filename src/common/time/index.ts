/**
 * The one time module of both connectors: every parse and format of a date, date-time, offset or
 * zone goes through it, under one set of rules (calendar.ts). Parsers return a value or a
 * TimeProblem naming the component that breaks a rule; the caller names the field.
 */
export { checkDateTime, DAY_MS, daysInMonth, epochMsFromNumber, HOUR_MS, isLeapYear, MAX_EPOCH_MS, MINUTE_MS, SECOND_MS, TimeProblem, wallMs } from './calendar.js';
export type { TimeComponent } from './calendar.js';
export { formatOffset, MAX_OFFSET_MINUTES, offsetFromParts, parseOffset } from './offset.js';
export { formatIsoAtOffset, ISO_DATE_OR_DATETIME_PATTERN, ISO_HINT, parseIsoInstant, readIsoDateTime, toIsoDate, toIsoUtc } from './iso.js';
export type { IsoFields } from './iso.js';
export { DayClock, parseTimezone, readTimezone } from './zone.js';
export type { OffsetAt } from './zone.js';
export { formatJavaDate, parseJavaDate, ZONE_OFFSETS_MINUTES } from './java-date.js';
