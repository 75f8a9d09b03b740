/**
 * The one-second window of the limiter when requests leave in waves. A slot is reused a window
 * plus a margin after its request left, and the margin has to absorb how much later that request
 * may have reached Hyros than the one reusing its slot. For a request that left in a wave that is
 * the spread of the k-th arrival of a group, which is small (a wave margin, 60 ms); for one that
 * left alone it is the whole spread of one-way delays (the lone margin, 100 ms). Whether a request
 * left in a wave is read from the send times themselves: a wave's requests are written to their
 * sockets a few milliseconds apart, not at one instant.
 */

/** Requests written within this span of each other count as one wave. */
export const WAVE_SPAN_MS = 20;

/** Whether the send at `index` (of `sent`, ascending) had at least `minWave` sends, itself included, within WAVE_SPAN_MS. */
export function leftInWave(sent: readonly number[], index: number, minWave: number): boolean {
  const at = sent[index] as number;
  let count = 1;
  for (let i = index - 1; i >= 0 && at - (sent[i] as number) <= WAVE_SPAN_MS && count < minWave; i--) count++;
  for (let i = index + 1; i < sent.length && (sent[i] as number) - at <= WAVE_SPAN_MS && count < minWave; i++) count++;
  return count >= minWave;
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
