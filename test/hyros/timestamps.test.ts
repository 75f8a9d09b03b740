/** Every timestamp form Hyros sends → the right UTC instant. */
import { describe, expect, it } from 'vitest';
import { parseHyrosTimestamp, ZONE_OFFSETS_MINUTES } from '../../src/hyros/timestamps.js';
import { javaDate } from '../source/read/harness.js';

const INSTANT = Date.UTC(2026, 1, 2, 22, 31, 56); // Mon Feb 02 22:31:56 UTC 2026

describe('Java Date.toString() with a zone abbreviation', () => {
  it.each(Object.entries(ZONE_OFFSETS_MINUTES))('%s (%i min): local time shifted by the offset gives the same UTC instant', (zone, offset) => {
    // A JVM in that zone prints the local wall time followed by the abbreviation.
    const text = javaDate(INSTANT, zone, offset);
    expect(parseHyrosTimestamp(text)).toBe(INSTANT);
  });

  it('reads the documented examples', () => {
    expect(parseHyrosTimestamp('Mon Feb 02 22:31:56 UTC 2026')).toBe(INSTANT);
    expect(parseHyrosTimestamp('Thu Nov 17 10:51:54 ART 2022')).toBe(Date.UTC(2022, 10, 17, 13, 51, 54));
    expect(parseHyrosTimestamp('Mon Feb 02 17:31:56 EST 2026')).toBe(INSTANT);
  });

  it('reads GMT±hh:mm zones a JVM prints for zones without a name', () => {
    expect(parseHyrosTimestamp('Tue Feb 03 04:01:56 GMT+05:30 2026')).toBe(INSTANT);
    expect(parseHyrosTimestamp('Tue Feb 03 04:01:56 GMT+0530 2026')).toBe(INSTANT);
    expect(parseHyrosTimestamp('Mon Feb 02 19:31:56 GMT-03:00 2026')).toBe(INSTANT);
    expect(parseHyrosTimestamp('Tue Feb 03 06:31:56 GMT+8 2026')).toBe(INSTANT);
  });

  it('crosses day, month and year boundaries', () => {
    expect(parseHyrosTimestamp('Wed Dec 31 19:00:00 EST 2025')).toBe(Date.UTC(2026, 0, 1, 0, 0, 0));
    expect(parseHyrosTimestamp('Thu Jan 01 09:00:00 JST 2026')).toBe(Date.UTC(2026, 0, 1, 0, 0, 0));
  });

  it('rejects unknown zones, impossible dates and other text', () => {
    for (const bad of [
      'Mon Feb 02 22:31:56 XYZT 2026',
      'Mon Feb 30 22:31:56 UTC 2026',
      'Mon Feb 02 24:31:56 UTC 2026',
      'Mon Foo 02 22:31:56 UTC 2026',
      'Mon Feb 02 22:31:56 EST+05:00 2026',
      'yesterday',
      '',
      'Mon Feb 02 22:31:56 UTC',
    ]) {
      expect(parseHyrosTimestamp(bad), bad).toBeUndefined();
    }
  });
});

describe('ISO-8601 and epoch forms', () => {
  it('reads ISO with an offset, Z, or fractions', () => {
    expect(parseHyrosTimestamp('2026-02-02T17:31:56-05:00')).toBe(INSTANT);
    expect(parseHyrosTimestamp('2026-02-03T04:01:56+05:30')).toBe(INSTANT);
    expect(parseHyrosTimestamp('2026-02-02T22:31:56Z')).toBe(INSTANT);
    expect(parseHyrosTimestamp('2026-02-02T22:31:56.250Z')).toBe(INSTANT + 250);
  });

  it('reads epoch milliseconds as a number or a digit string, and 10-digit seconds', () => {
    expect(parseHyrosTimestamp(1677151375000)).toBe(1677151375000);
    expect(parseHyrosTimestamp('1677151375000')).toBe(1677151375000);
    expect(parseHyrosTimestamp(1677151375)).toBe(1677151375000);
    expect(parseHyrosTimestamp('253402300799000')).toBe(Date.UTC(9999, 11, 31, 23, 59, 59)); // 15 digits
  });

  it('rejects non-finite numbers, booleans, objects and broken ISO', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, true, {}, [], '2026-02-30T00:00:00Z', '2026-13-01', '12345', '2026-02-02T17:31:56+99:00', '2026-02-02T17:31:56-18:30', 1e20, '1234567890123456']) {
      expect(parseHyrosTimestamp(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
