/** The second window of a limiter whose requests leave in waves: who left in a wave, when slots free. */
import { describe, expect, it } from 'vitest';
import { leftInWave, secondWindowExpiries, WAVE_SPAN_MS } from '../../src/hyros/second-window.js';

describe('leftInWave', () => {
  const sent = [0, 2, 5, 5 + WAVE_SPAN_MS, 400, 900, 901];
  it('needs minWave sends, itself included, within WAVE_SPAN_MS of it', () => {
    expect([0, 1, 2].map((i) => leftInWave(sent, i, 3))).toEqual([true, true, true]);
    // 5 + span is within the span of 5 only (2 is span + 3 away).
    expect(leftInWave(sent, 3, 2)).toBe(true);
    expect(leftInWave(sent, 3, 3)).toBe(false);
    expect(leftInWave(sent, 4, 2)).toBe(false);
    expect([5, 6].map((i) => leftInWave(sent, i, 2))).toEqual([true, true]);
    expect(leftInWave(sent, 6, 3)).toBe(false);
  });
});

describe('secondWindowExpiries', () => {
  it('lists, ascending, when each send still in the window frees its slot, by its own margin', () => {
    const sent = [0, 100, 200, 300];
    const margins = [100, 60, 100, 60];
    expect(secondWindowExpiries(sent, 1_099, (i) => margins[i] as number, 100)).toEqual([1_100, 1_160, 1_300, 1_360]);
    expect(secondWindowExpiries(sent, 1_100, (i) => margins[i] as number, 100)).toEqual([1_160, 1_300, 1_360]);
    expect(secondWindowExpiries(sent, 2_000, (i) => margins[i] as number, 100)).toEqual([]);
  });
});
