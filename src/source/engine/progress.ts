/**
 * Checkpoint bookkeeping of one stream: for each partition (the key's own account, or one client
 * account) a low-water mark over its windows. Windows may finish in any order; the cursor only
 * advances over a contiguous run of completed windows from the oldest, so a state never covers a
 * window that has not finished (or failed) and a crash never skips one. While the lookback before
 * an incoming cursor is re-read, the cursor stays where it was: a run failing there does not push
 * the next one further back.
 */
import { toIsoUtc } from '../../common/time/index.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChangeCursorPlan } from './types.js';
import type { Window } from './windows.js';

export class PartitionProgress {
  /** The partition's windows, oldest first; a split inserts the older part before the window. */
  private readonly windows: Window[];
  private readonly done = new Set<Window>();
  private firstOpen = 0;
  private lowWaterMs: number | undefined;
  /**
   * The incoming cursor, which the reported cursor never drops below while the lookback windows
   * before it are re-read (a previous run emitted everything before it). Not kept when the sync
   * end is not past it: such a run only re-reads, and its states then report that progress.
   */
  private readonly keptMs: number | undefined;

  private changesDone: boolean;

  constructor(
    windows: readonly Window[],
    private readonly initialCursorMs: number | undefined,
    private readonly changes?: ChangeCursorPlan,
  ) {
    this.changesDone = changes !== undefined && !changes.pass;
    this.windows = [...windows];
    const lastEnd = windows[windows.length - 1]?.endMs;
    this.keptMs = initialCursorMs !== undefined && lastEnd !== undefined && initialCursorMs < lastEnd ? initialCursorMs : undefined;
  }

  /** Everything before this instant has been emitted (undefined: nothing known yet). */
  get cursorMs(): number | undefined {
    if (this.lowWaterMs === undefined) return this.initialCursorMs;
    return this.keptMs === undefined ? this.lowWaterMs : Math.max(this.keptMs, this.lowWaterMs);
  }

  /** Marks a window done; returns true when the cursor moved. */
  complete(window: Window): boolean {
    this.done.add(window);
    let passed: Window | undefined;
    for (let next = this.windows[this.firstOpen]; next !== undefined && this.done.has(next); next = this.windows[this.firstOpen]) {
      passed = next;
      this.firstOpen++;
    }
    if (passed === undefined) return false;
    const cursorBefore = this.cursorMs;
    this.lowWaterMs = passed.endMs;
    return this.cursorMs !== cursorBefore;
  }

  /**
   * Cuts an open window at `atMs`: the window keeps [atMs, end), and the returned new window
   * [start, atMs) takes its place in the order, open, so the cursor cannot pass it until it is done.
   */
  split(window: Window, atMs: number): Window {
    const index = this.windows.indexOf(window);
    if (index < this.firstOpen || this.done.has(window) || !(atMs > window.startMs && atMs < window.endMs)) {
      throw new Error(`cannot split the window ${window.startMs}–${window.endMs} at ${atMs}`);
    }
    const older: Window = { startMs: window.startMs, endMs: atMs, inclusiveEnd: false };
    window.startMs = atMs;
    this.windows.splice(index, 0, older);
    return older;
  }

  /** `changed_at` (see ChangeCursorPlan); undefined when the stream has none. */
  get changedMs(): number | undefined {
    if (!this.changes) return undefined;
    // A first run reads every record after the sync end was fixed: all are current as of it.
    if (this.changes.initialMs === undefined) return this.changes.completedMs;
    return this.changesDone ? this.changes.completedMs : this.changes.initialMs;
  }

  /** The change pass finished; `advance` false (the API ignored the filter) keeps the cursor. Returns true when it moved. */
  completeChanges(advance: boolean): boolean {
    const before = this.changedMs;
    if (advance) this.changesDone = true;
    return this.changedMs !== before;
  }

  get finished(): boolean {
    return this.firstOpen === this.windows.length;
  }
}

/** One partition's cursors: `occurred_at`, and `changed_at` for streams that track later changes. */
function partitionState(progress: PartitionProgress, floorMs: number): { occurred_at: string; changed_at?: string } {
  const state: { occurred_at: string; changed_at?: string } = { occurred_at: toIsoUtc(progress.cursorMs ?? floorMs) };
  const changed = progress.changedMs;
  if (changed !== undefined) state.changed_at = toIsoUtc(changed);
  return state;
}

/**
 * Builds a stream's state object. Without agency accounts: `{"occurred_at": …}` (plus `changed_at`).
 * With them, the cursors per account under `accounts`, and the top-level ones are the minimum over the accounts.
 */
export function streamStateObject(partitions: ReadonlyMap<string | undefined, PartitionProgress>, floorMs: number): JsonObject {
  const own = partitions.get(undefined);
  if (own && partitions.size === 1) return partitionState(own, floorMs);
  const accounts: JsonObject = {};
  let minimum = Number.POSITIVE_INFINITY;
  let minimumChanged = Number.POSITIVE_INFINITY;
  for (const [accountId, progress] of partitions) {
    const state = partitionState(progress, floorMs);
    minimum = Math.min(minimum, Date.parse(state.occurred_at));
    if (state.changed_at !== undefined) minimumChanged = Math.min(minimumChanged, Date.parse(state.changed_at));
    if (accountId !== undefined) accounts[accountId] = state;
  }
  const top: JsonObject = { occurred_at: toIsoUtc(Number.isFinite(minimum) ? minimum : floorMs) };
  if (Number.isFinite(minimumChanged)) top.changed_at = toIsoUtc(minimumChanged);
  top.accounts = accounts;
  return top;
}
