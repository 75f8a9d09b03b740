/**
 * The one description of a stream, as plain data: the endpoint, its primary key, the record schema
 * and how its reads are partitioned (which also says whether it is incremental and where
 * `occurred_at` comes from). `discover`, `check`, the read plan and the engine all read these; a
 * generator can too. With client accounts (agency) every stream is also partitioned by account: each
 * account's partitions are read and checkpointed apart (state under `accounts`).
 */
import type { JsonObject } from '../../protocol/messages.js';

export type QueryParamList = ReadonlyArray<readonly [string, string]>;

export interface StreamDeclaration {
  name: string;
  /** Path relative to base_url, e.g. `leads` or `tags/count`. */
  path: string;
  primaryKey: string[][];
  /**
   * A nested natural key copied to a top-level field of each record, which is then the primary key:
   * Airbyte's destinations and PyAirbyte refuse nested primary keys ("Nested primary keys are not
   * supported", PyAirbyte 0.71), so `ads` is keyed by `ad_source_id` = `adSource.adSourceId`.
   */
  keyCopy?: { field: string; from: readonly string[] };
  /** Record properties as the stream's records carry them (occurred_at / account_id are added by the engine). */
  properties: Record<string, JsonObject>;
  /** The key role Hyros needs for this endpoint (named in 403 messages). */
  role: string;
  /** Hyros API version that introduced the endpoint, named when an older API answers 404. */
  since?: string;
  /** The most records the endpoint returns per page (the configured page_size is capped to it). */
  maxPageSize?: number;
  partitioning: Partitioning;
}

export type Partitioning = WholeList | DateWindows | ParentRecords | ReportDays;

/** Full refresh only: the whole list in one request chain (per account). */
export interface WholeList {
  kind: 'whole-list';
}

/**
 * Incremental: date windows over the records' `cursorSource` (`fromDate`/`toDate`, both inclusive;
 * Hyros pages newest first), which becomes `occurred_at`.
 */
export interface DateWindows {
  kind: 'date-windows';
  cursorSource: string;
  /** How a run also catches later changes to records created before its cursor. */
  changes?: ChangeTracking;
}

export type WindowedStreamDeclaration = StreamDeclaration & { partitioning: DateWindows };

/**
 * Incremental, through a parent: the parent's windows and change pass are read, and this endpoint
 * is asked for the records of each page's parent records; the state follows the parent records
 * covered. The records keep their own `cursorSource` time wherever it falls.
 */
export interface ParentRecords {
  kind: 'parent-records';
  parent: WindowedStreamDeclaration;
  cursorSource: string;
  ids: ParentIds;
}

/** How the parent records' ids are sent to the child endpoint. */
export interface ParentIds {
  /** The parent record's field that holds its id. */
  parentKey: string;
  /** Several ids, comma-joined (API `batchSince` and later; older APIs answer 400). */
  batchParam: string;
  maxPerRequest: number;
  /** Bound on the URL-encoded ids value of one request. */
  maxChars: number;
  batchSince: string;
  /** One id per request (every API version). */
  singleParam: string;
  /** The child record's field naming its parent (set from `singleParam` when the API leaves it out). */
  childKey: string;
  /** What a parent and a child record are called in log messages. */
  parentNoun: string;
  childNoun: string;
}

/**
 * Incremental report (GET /attribution): one window per account-local day (the day clock from the
 * account's user-info timezone), each asking for the report's ids in batches; one record per
 * (day, id), whose `occurred_at` is the day's local midnight.
 */
export interface ReportDays {
  kind: 'report-days';
  cursorSource: 'occurred_at';
  /** Days re-read before the saved cursor (a report's numbers keep changing for a while). */
  lookbackDays: number;
  ids: ReportIds;
  model: string;
  level: string;
  fields: readonly string[];
  /** The report's other query parameters, sent after the ids. */
  options: QueryParamList;
}

/** Which entities a report level is about: where their ids come from, and how many one request takes. */
export interface ReportIds {
  /** GET path the ids come from: ads (ad levels), sources (source-link levels), or ad accounts. */
  path: 'ads' | 'sources' | 'ad-accounts';
  /** Platform the ids must belong to (`adSource.platform`, or the ad account's `type`). */
  platform: string;
  maxPerRequest: number;
}

/**
 * The change pass of a stream (state key `changed_at`): one request chain per run over the
 * records created before the run's creation windows that changed since the last run.
 */
export type ChangeTracking =
  /** Hyros filters on the change time itself (`/leads` updatedFromDate/updatedToDate, v1.39+). */
  | { kind: 'updated-filter'; fromParam: string; toParam: string; changedAt: string; since: string }
  /**
   * Hyros filters on a state (refunded, not active) only: the records in that state created in the
   * last `rangeOption` days are read, and those whose change time (the first of `changedAt`
   * present; none known → always) is not older than the change cursor are emitted.
   */
  | {
      kind: 'state-filter';
      params: QueryParamList;
      changedAt: readonly string[];
      rangeOption: 'refund_lookback_days' | 'subscription_lookback_days';
      /**
       * The change time is when the change happened (a refund): one after the sync end is left to
       * the sync that covers it. Otherwise it may be scheduled ahead (a subscription's end) while the
       * record has already changed.
       */
      eventTime: boolean;
    };

/** The field `occurred_at` comes from; undefined for a full-refresh-only stream. */
export function cursorSourceOf(declaration: Pick<StreamDeclaration, 'partitioning'>): string | undefined {
  return declaration.partitioning.kind === 'whole-list' ? undefined : declaration.partitioning.cursorSource;
}

/** Whether the stream reads incrementally: its records carry `occurred_at` and its state a cursor. */
export function isIncremental(declaration: Pick<StreamDeclaration, 'partitioning'>): boolean {
  return declaration.partitioning.kind !== 'whole-list';
}
