/** Hyros' three timestamp forms of one instant parse to that instant (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoAtOffset, formatJavaDate, toIsoUtc, ZONE_OFFSETS_MINUTES } from '../../src/common/time/index.js';
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';

/** Whole seconds of 1973-03-03 (10^11 ms, where epoch numbers stop being read as seconds) to 9999-12-30. */
const instant = fc.integer({ min: 100_000_000, max: Math.floor(Date.UTC(9999, 11, 30) / 1000) }).map((s) => s * 1000);

describe('parseHyrosTimestamp', () => {
  it('ISO with an offset, Java Date.toString() in any zone abbreviation, and epoch ms (number or digits) or seconds of one instant agree', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: -18 * 60, max: 18 * 60 }), fc.constantFrom(...Object.keys(ZONE_OFFSETS_MINUTES)), (ms, offset, zone) => {
        const forms = [formatIsoAtOffset(ms, offset), toIsoUtc(ms), formatJavaDate(ms, zone), ms, String(ms)];
        if (ms < 1e14) forms.push(ms / 1000); // epoch seconds: below 10^11 (year 5138), as Hyros never sends later
        expect(forms.map((form) => parseHyrosTimestamp(form))).toEqual(forms.map(() => ms));
      }),
      { numRuns: 500 },
    );
  });
});
