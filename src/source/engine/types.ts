/** What the engine needs to read one stream; built by src/source/read/plan.ts from the stream declarations. */
import type { RequestObserver } from '../../hyros/request.js';
import type { JsonObject, SyncMode } from '../../protocol/messages.js';
import type { Window } from './windows.js';

export interface PartitionPlan {
  /** Agency client account, undefined for the key's own account. */
  accountId: string | undefined;
  windows: Window[];
  /** The cursor from the incoming state (already clamped to the sync end), if any. */
  initialCursorMs: number | undefined;
  /** The second cursor (`changed_at`) of a stream that catches later changes (EngineStream.fetchChanges). */
  changes?: ChangeCursorPlan;
}

/**
 * `changed_at`: every change made before it to a record created before `occurred_at` has been
 * emitted. Without an incoming state it is the sync end from the first checkpoint on (every record
 * is read after the sync end was fixed, so it is current as of then); with one it stays at the
 * incoming value until this run's change pass completed, then moves to the sync end.
 */
export interface ChangeCursorPlan {
  /** The incoming `changed_at` (clamped to the sync end); undefined without an incoming state. */
  initialMs: number | undefined;
  /** Where it moves once the change pass completed: the sync end. */
  completedMs: number;
  /** Whether this run reads a change pass for the partition (false: nothing to check, done from the start). */
  pass: boolean;
}

/** Set by a change pass that found the API does not filter as asked: the cursor does not advance. */
export interface ChangePassOutcome {
  unsupported: boolean;
}

export type JsonPages = AsyncIterable<JsonObject[]>;

export interface FetchContext {
  signal: AbortSignal;
  observer: RequestObserver;
}

export interface EngineStream {
  name: string;
  syncMode: SyncMode;
  /** Incremental-capable: records carry `occurred_at` and are filtered to their window. */
  windowed: boolean;
  partitions: PartitionPlan[];
  /** Floor for a state of a partition with no cursor yet (the sync start). */
  floorMs: number;
  /**
   * Set when idle workers may split this stream's busy windows (src/source/engine/split.ts): its pages
   * hold this many records, and the date filter is on the cursor the records are normalised to.
   */
  splitPageSize?: number;
  /** Whether the stream had data before this run (it has a saved cursor): for the silent-gap warning. */
  hadState: boolean;
  /** The raw pages of one window of one partition (the engine empties each array once emitted). */
  fetchWindow(partition: PartitionPlan, window: Window, context: FetchContext): AsyncIterable<JsonObject[]>;
  /** The change pass of one partition (records created before its windows that changed since `changed_at`). */
  fetchChanges?(partition: PartitionPlan, context: FetchContext, outcome: ChangePassOutcome): AsyncIterable<JsonObject[]>;
  /**
   * False for a child stream (lead_clicks): its records were found through the window's parent
   * records and keep their own `occurred_at` wherever it falls.
   */
  filterToWindow?: boolean;
  /** Normalises a record in place and returns its occurred_at (ms) for windowed streams. */
  normalize(record: JsonObject): number | undefined;
  /** Extra advice appended to a failure message (e.g. the role to add). */
  explainFailure?(error: unknown): string | undefined;
}
