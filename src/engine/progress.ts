/**
 * Checkpoint bookkeeping of one stream: for each partition (the key's own account, or one client
 * account) a low-water mark over its windows. Windows may finish in any order; the cursor only
 * advances over a contiguous run of completed windows from the oldest, so a state never covers a
 * window that has not finished (or failed) and a crash never skips one. While the lookback before
 * an incoming cursor is re-read, the cursor stays where it was: a run failing there does not push
 * the next one further back.
 */
import { toIsoUtc } from '../dates.js';
import type { JsonObject } from '../protocol/messages.js';
import type { Window } from './windows.js';

export class PartitionProgress {
  private readonly done: boolean[];
  private firstOpen = 0;
  private lowWaterMs: number | undefined;
  /**
   * The incoming cursor, which the reported cursor never drops below while the lookback windows
   * before it are re-read (a previous run emitted everything before it). Not kept when the sync
   * end is not past it: such a run only re-reads, and its states then report that progress.
   */
  private readonly keptMs: number | undefined;

  constructor(readonly windows: readonly Window[], private readonly initialCursorMs: number | undefined) {
    this.done = windows.map(() => false);
    const lastEnd = windows[windows.length - 1]?.endMs;
    this.keptMs = initialCursorMs !== undefined && lastEnd !== undefined && initialCursorMs < lastEnd ? initialCursorMs : undefined;
  }

  /** Everything before this instant has been emitted (undefined: nothing known yet). */
  get cursorMs(): number | undefined {
    if (this.lowWaterMs === undefined) return this.initialCursorMs;
    return this.keptMs === undefined ? this.lowWaterMs : Math.max(this.keptMs, this.lowWaterMs);
  }

  /** Marks a window done; returns true when the cursor moved. */
  complete(index: number): boolean {
    this.done[index] = true;
    const before = this.firstOpen;
    while (this.firstOpen < this.done.length && this.done[this.firstOpen]) this.firstOpen++;
    if (this.firstOpen === before) return false;
    const cursorBefore = this.cursorMs;
    this.lowWaterMs = (this.windows[this.firstOpen - 1] as Window).endMs;
    return this.cursorMs !== cursorBefore;
  }

  get finished(): boolean {
    return this.firstOpen === this.done.length;
  }
}

/**
 * Builds a stream's state object. Without agency accounts: `{"occurred_at": …}`. With them, a cursor
 * per account under `accounts`, and the top-level `occurred_at` is the minimum over the accounts.
 */
export function streamStateObject(partitions: ReadonlyMap<string | undefined, PartitionProgress>, floorMs: number): JsonObject {
  const own = partitions.get(undefined);
  if (own && partitions.size === 1) return { occurred_at: toIsoUtc(own.cursorMs ?? floorMs) };
  const accounts: JsonObject = {};
  let minimum = Number.POSITIVE_INFINITY;
  for (const [accountId, progress] of partitions) {
    const cursor = progress.cursorMs ?? floorMs;
    minimum = Math.min(minimum, cursor);
    if (accountId !== undefined) accounts[accountId] = { occurred_at: toIsoUtc(cursor) };
  }
  return { occurred_at: toIsoUtc(Number.isFinite(minimum) ? minimum : floorMs), accounts };
}
