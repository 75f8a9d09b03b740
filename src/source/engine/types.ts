/**
 * What the engine runs: a stream's declaration (src/source/streams), planned for this run by
 * src/source/read (partitions from config and state), and the source of its pages.
 */
import type { RequestObserver } from '../../hyros/request.js';
import type { JsonObject, SyncMode } from '../../protocol/messages.js';
import type { StreamDeclaration } from '../streams/declaration.js';
import type { Window } from './windows.js';

export interface PlannedStream {
  declaration: StreamDeclaration;
  syncMode: SyncMode;
  partitions: PartitionPlan[];
  /** Floor for a state of a partition with no cursor yet (the sync start). */
  floorMs: number;
  /** Whether the stream had data before this run (it has a saved cursor): for the silent-gap warning. */
  hadState: boolean;
  /** Records per page its requests ask for (a split judges a chain's pages left by it). */
  pageSize: number;
  pages: PageSource;
}

/** Where a planned stream's raw pages come from (the engine empties each array once emitted). */
export interface PageSource {
  /** The pages of one window of one partition. */
  window(partition: PartitionPlan, window: Window, context: FetchContext): JsonPages;
  /** The change pass of one partition (records created before its windows that changed since `changed_at`). */
  changes(partition: PartitionPlan, context: FetchContext, outcome: ChangePassOutcome): JsonPages;
}

export interface PartitionPlan {
  /** Agency client account, undefined for the key's own account. */
  accountId: string | undefined;
  windows: Window[];
  /** The cursor from the incoming state (already clamped to the sync end), if any. */
  initialCursorMs: number | undefined;
  /** The second cursor (`changed_at`) of a stream that catches later changes. */
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
