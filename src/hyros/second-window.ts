/**
 * The one-second window of the limiter when requests leave in waves. A slot is reused a window
 * plus a margin after its request left, and the margin has to absorb how much later that request
 * may have reached Hyros than the one reusing its slot. For a request that left in a wave that is
 * the spread of the k-th arrival of a group, which shrinks with the group (a full wave: 60 ms); for
 * one that left alone it is the whole spread of one-way delays (the lone margin, 100 ms). Whether a request
 * left in a wave is read from the send times themselves: a wave's requests are written to their
 * sockets a few milliseconds apart, not at one instant.
 */

/** Requests written within this span of each other count as one wave. */
export const WAVE_SPAN_MS = 20;

/** How many sends, the one at `index` (of `sent`, ascending) included, left within WAVE_SPAN_MS of it (counting stops at `cap`). */
export function groupSize(sent: readonly number[], index: number, cap: number): number {
  const at = sent[index] as number;
  let count = 1;
  for (let i = index - 1; i >= 0 && at - (sent[i] as number) <= WAVE_SPAN_MS && count < cap; i--) count++;
  for (let i = index + 1; i < sent.length && (sent[i] as number) - at <= WAVE_SPAN_MS && count < cap; i++) count++;
  return count;
}

/** Whether the send at `index` had at least `minWave` sends, itself included, within WAVE_SPAN_MS. */
export function leftInWave(sent: readonly number[], index: number, minWave: number): boolean {
  return groupSize(sent, index, minWave) >= minWave;
}

/** Groups of at least this many take the margin halfway between the wave's and the lone one. */
export const SMALL_GROUP = 5;

/**
 * The margin floor of a send by the size of the group it left in (scripts/sim-waves.ts models
 * it): a full wave (4/5 of the chains) the wave margin, a group of SMALL_GROUP or more halfway to
 * the lone margin, fewer the lone margin.
 */
export function groupMarginMs(size: number, requesters: number, waveMs: number, loneMs: number): number {
  if (size >= Math.max(2, Math.ceil(requesters * 0.8))) return waveMs;
  if (size >= SMALL_GROUP) return Math.round((waveMs + loneMs) / 2);
  return loneMs;
}

/**
 * When each send still holding a slot of the second window at `nowMs` frees it, ascending: a send
 * holds its slot until its time + 1 s + its margin. `maxMarginMs` bounds every margin (so older
 * sends need not be looked at).
 */
export function secondWindowExpiries(sent: readonly number[], nowMs: number, marginOf: (index: number) => number, maxMarginMs: number): number[] {
  const expiries: number[] = [];
  for (let i = sent.length - 1; i >= 0; i--) {
    const at = sent[i] as number;
    if (at + 1000 + maxMarginMs <= nowMs) break;
    const expiry = at + 1000 + marginOf(i);
    if (expiry > nowMs) expiries.push(expiry);
  }
  return expiries.sort((a, b) => a - b);
}
