/** toIsoUtc: the record hot path's formatter prints exactly what Date#toISOString does, minus `.000`. */
import { describe, expect, it } from 'vitest';
import { toIsoUtc } from '../../src/common/time/index.js';

const reference = (ms: number): string => {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
};

describe('toIsoUtc', () => {
  it.each([
    [Date.UTC(2026, 1, 2, 22, 31, 56), '2026-02-02T22:31:56Z'],
    [Date.UTC(2026, 0, 1), '2026-01-01T00:00:00Z'],
    [Date.UTC(2026, 11, 31, 23, 59, 59), '2026-12-31T23:59:59Z'],
    [Date.UTC(2024, 1, 29, 12, 0, 1), '2024-02-29T12:00:01Z'],
    [Date.UTC(2026, 0, 1, 0, 0, 0, 250), '2026-01-01T00:00:00.250Z'],
    [0, '1970-01-01T00:00:00Z'],
    [-1000, '1969-12-31T23:59:59Z'],
    [Date.UTC(9999, 11, 31, 23, 59, 59), '9999-12-31T23:59:59Z'],
  ])('formats %d as %s', (ms, expected) => {
    expect(toIsoUtc(ms)).toBe(expected);
  });

  it('agrees with Date#toISOString over a spread of instants, alternating days (the day cache)', () => {
    const seen: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const ms = Date.UTC(2020, 0, 1) + ((i * 7_919_000_003) % 4_000_000_000_000) - (i % 3 === 0 ? 0 : (i % 997) * 1000) + (i % 11 === 0 ? 7 : 0);
      const text = toIsoUtc(ms);
      expect(text).toBe(reference(ms));
      seen.push(text);
    }
    expect(new Set(seen.map((t) => t.slice(0, 10))).size).toBeGreaterThan(1000);
  });
});
