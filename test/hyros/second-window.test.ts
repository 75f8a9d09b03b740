/** The second window of a limiter whose requests leave in waves: who left in a wave, when slots free. */
import { describe, expect, it } from 'vitest';
import { groupMarginMs, groupSize, leftInWave, secondWindowExpiries, SMALL_GROUP, WAVE_SPAN_MS } from '../../src/hyros/second-window.js';

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

describe('groupMarginMs', () => {
  it('gives a full wave (4/5 of the chains) the wave margin, a group of SMALL_GROUP or more halfway, fewer the lone margin', () => {
    expect(groupMarginMs(15, 15, 60, 100)).toBe(60);
    expect(groupMarginMs(12, 15, 60, 100)).toBe(60);
    expect(groupMarginMs(11, 15, 60, 100)).toBe(80);
    expect(groupMarginMs(SMALL_GROUP, 15, 60, 100)).toBe(80);
    expect(groupMarginMs(SMALL_GROUP - 1, 15, 60, 100)).toBe(100);
    expect(groupMarginMs(1, 15, 60, 100)).toBe(100);
  });

  it('counts a group up to the cap', () => {
    const sent = [0, 1, 2, 3, 4, 5];
    expect(groupSize(sent, 2, 100)).toBe(6);
    expect(groupSize(sent, 2, 4)).toBe(4);
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
