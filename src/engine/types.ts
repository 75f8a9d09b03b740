/** What the engine needs to read one stream; built by src/read/plan.ts from the stream declarations. */
import type { RequestObserver } from '../hyros/client.js';
import type { JsonObject, SyncMode } from '../protocol/messages.js';
import type { Window } from './windows.js';

export interface PartitionPlan {
  /** Agency client account, undefined for the key's own account. */
  accountId: string | undefined;
  windows: Window[];
  /** The cursor from the incoming state (already clamped to the sync end), if any. */
  initialCursorMs: number | undefined;
}

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
  /** Whether the stream had data before this run (it has a saved cursor): for the silent-gap warning. */
  hadState: boolean;
  /** The raw pages of one window of one partition. */
  fetchWindow(partition: PartitionPlan, window: Window, context: FetchContext): AsyncIterable<JsonObject[]>;
  /** Normalises a record in place and returns its occurred_at (ms) for windowed streams. */
  normalize(record: JsonObject): number | undefined;
  /** Extra advice appended to a failure message (e.g. the role to add). */
  explainFailure?(error: unknown): string | undefined;
}
