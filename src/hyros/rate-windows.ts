/**
 * The sliding windows of a rate budget: which of our requests still hold a slot in each window. A
 * group of requests that left together holds its slots from its last write and frees them together,
 * a window plus its margin later (the margin as measured by then, src/hyros/arrival-margin.ts); so
 * the requests waiting then leave together again.
 */

/** At most `limit` requests in any `perMs` milliseconds. */
export interface Rate {
  limit: number;
  perMs: number;
}

/** Requests that left together: `slots` slots held from `atMs`, and what their margin depends on. */
export interface Send {
  atMs: number;
  slots: number;
  /** How many left together (requests another client sent: 1). */
  together: number;
  /** The most one of them took longer than the fastest recent request, of those answered. */
  lateMs: number;
  /** The longest one of them took from its write to its answer's headers, of those answered. */
  tookMs: number;
  /** How many have not been answered yet. */
  unanswered: number;
}

/** The margin of a send's slots in a window reused every second (`often`) or rarely. */
export type MarginOf = (send: Send, often: boolean) => number;

/** When a send frees its slots in one window. */
interface Expiry {
  atMs: number;
  slots: number;
}

export class RateWindows {
  /** Sends of the last two longest windows, oldest first. */
  private sends: Send[] = [];
  private readonly longestMs: number;
  /** The shortest window: reused every second; no margin is wider. */
  private readonly shortestMs: number;

  constructor(private readonly rates: readonly Rate[], private readonly marginOf: MarginOf) {
    this.longestMs = Math.max(...rates.map((rate) => rate.perMs));
    this.shortestMs = Math.min(...rates.map((rate) => rate.perMs));
  }

  /** `slots` requests that left at `atMs`, unanswered (or, `others`, another client's, counted by the server). */
  add(atMs: number, slots: number, others = false): Send {
    const send = { atMs, slots, together: others ? 1 : slots, lateMs: 0, tookMs: 0, unanswered: others ? 0 : slots };
    this.insert(send);
    return send;
  }

  /** One request of `send` was refused: its slot is free again. */
  release(send: Send): void {
    send.slots--;
    if (send.slots > 0) return;
    const index = this.sends.lastIndexOf(send);
    if (index !== -1) this.sends.splice(index, 1);
  }

  /** One answered request of `send` holds its slot on its own, with its own delays; returns its send. */
  detach(send: Send, lateMs: number, tookMs: number): Send {
    send.slots--;
    const alone = { atMs: send.atMs, slots: 1, together: 1, lateMs, tookMs, unanswered: 0 };
    this.insert(alone);
    return alone;
  }

  /** A request of `send` was written at `atMs`: the group holds its slots from its last write. */
  move(send: Send, atMs: number): void {
    if (atMs <= send.atMs) return;
    const index = this.sends.lastIndexOf(send);
    if (index === -1) return;
    this.sends.splice(index, 1);
    send.atMs = atMs;
    this.insert(send);
  }

  /** Milliseconds until one more request fits every window (0: now). */
  waitMs(nowMs: number): number {
    this.prune(nowMs);
    let untilMs = nowMs;
    for (const rate of this.rates) {
      const held = this.holding(rate, nowMs);
      let excess = slotsOf(held) - rate.limit;
      if (excess < 0) continue;
      // The held slots free in expiry order: the send whose slots bring the count below the limit.
      held.sort((a, b) => a.atMs - b.atMs);
      for (const expiry of held) {
        excess -= expiry.slots;
        if (excess < 0) {
          untilMs = Math.max(untilMs, expiry.atMs);
          break;
        }
      }
    }
    return untilMs - nowMs;
  }

  /** How many requests fit every window now. */
  free(nowMs: number): number {
    let free = Number.POSITIVE_INFINITY;
    for (const rate of this.rates) free = Math.min(free, rate.limit - slotsOf(this.holding(rate, nowMs)));
    return Math.max(0, free);
  }

  /** When `requests` more requests would all have left, the first no earlier than `fromMs`, each alone. */
  eta(requests: number, fromMs: number, nowMs: number): number {
    this.prune(nowMs);
    const alone: Send = { atMs: nowMs, slots: 1, together: 1, lateMs: 0, tookMs: 0, unanswered: 1 };
    // Per window: when each slot held now frees, ascending; then the planned requests' own slots.
    const frees = this.rates.map((rate) =>
      this.holding(rate, nowMs)
        .sort((a, b) => a.atMs - b.atMs)
        .flatMap((expiry) => Array<number>(expiry.slots).fill(expiry.atMs)),
    );
    const planned: number[] = [];
    let t = fromMs;
    for (let k = 0; k < requests; k++) {
      this.rates.forEach((rate, r) => {
        const held = frees[r] as number[];
        const index = held.length + planned.length - rate.limit;
        if (index >= 0) t = Math.max(t, index < held.length ? (held[index] as number) : (planned[index - held.length] as number) + rate.perMs + this.margin(alone, rate));
      });
      planned.push(t);
    }
    return t;
  }

  /** The fewest slots the server could have had left if every request of ours that left after `fromMs` was in its count. */
  fewestRemaining(fromMs: number): number {
    let fewest = Number.POSITIVE_INFINITY;
    for (const rate of this.rates) {
      let count = 0;
      for (let i = this.sends.length - 1; i >= 0 && (this.sends[i] as Send).atMs > fromMs - rate.perMs; i--) count += (this.sends[i] as Send).slots;
      fewest = Math.min(fewest, rate.limit - count);
    }
    return fewest;
  }

  /** When the sends still holding slots of `rate` at `nowMs` free them (unordered). */
  private holding(rate: Rate, nowMs: number): Expiry[] {
    const held: Expiry[] = [];
    for (let i = this.sends.length - 1; i >= 0; i--) {
      const send = this.sends[i] as Send;
      if (send.atMs + rate.perMs + this.shortestMs <= nowMs) break;
      const atMs = send.atMs + rate.perMs + this.margin(send, rate);
      if (atMs > nowMs) held.push({ atMs, slots: send.slots });
    }
    return held;
  }

  private margin(send: Send, rate: Rate): number {
    return this.marginOf(send, rate.perMs === this.shortestMs);
  }

  private insert(send: Send): void {
    let at = this.sends.length;
    while (at > 0 && (this.sends[at - 1] as Send).atMs > send.atMs) at--;
    this.sends.splice(at, 0, send);
  }

  /**
   * Forgets sends older than two longest windows: a slot is held at most a window and a margin (no
   * wider than the shortest window), and the server's count may still hold a send a window and a
   * round trip old (fewestRemaining).
   */
  private prune(nowMs: number): void {
    const cutoff = nowMs - 2 * this.longestMs;
    let drop = 0;
    while (drop < this.sends.length && (this.sends[drop] as Send).atMs <= cutoff) drop++;
    if (drop > 0) this.sends = this.sends.slice(drop);
  }
}

function slotsOf(held: readonly Expiry[]): number {
  let slots = 0;
  for (const expiry of held) slots += expiry.slots;
  return slots;
}
