/**
 * The life of one stream during `read`: statuses (STARTED → RUNNING → COMPLETE | INCOMPLETE),
 * records, checkpoints with exact `recordCount`, per-stream request statistics and the summary.
 */
import { setMaxListeners } from 'node:events';
import { DAY_MS, toIsoUtc } from '../../common/time/index.js';
import { ConnectorError, errorMessage, type FailureType } from '../../common/errors.js';
import type { RequestObserver } from '../../hyros/request.js';
import type { Logger } from '../../protocol/logger.js';
import { errorTraceMessage, rateLimitedStatusMessage, stateMessage, streamStatusMessage, type JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { PartitionProgress, streamStateObject } from './progress.js';
import { ChainScan, MIN_SPLIT_PAGES } from './split.js';
import type { ChangePassOutcome, EngineStream, FetchContext, JsonPages, PartitionPlan } from './types.js';
import { inWindow, type Window } from './windows.js';

export interface StreamStats {
  records: number;
  pages: number;
  requests: number;
  retries: number;
  rateLimited: number;
  waitedMs: number;
}

/** One unit of work: a window of a partition of a stream, or the partition's change pass. */
export interface WindowTask {
  run: StreamRun;
  partition: PartitionPlan;
  /**
   * Undefined for the change pass. Its start moves later when an idle worker splits the older part
   * off (src/source/engine/split.ts).
   */
  window?: Window;
  /** What the chain's pages have shown so far (windows of a stream that may be split). */
  scan?: ChainScan;
  /** Set on the change pass task: whether the API honoured its filter. */
  changeOutcome?: ChangePassOutcome;
}

/** A window an idle worker could split, and about how many pages it has left. */
export interface SplitCandidate {
  task: WindowTask;
  pagesLeft: number;
  /** The estimated pages left in all of the stream's busy windows (this one included). */
  streamPagesLeft: number;
}

const NO_CURSOR_STATE: JsonObject = { __ab_no_cursor_state_message: true };

export class StreamRun {
  readonly stats: StreamStats = { records: 0, pages: 0, requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };
  readonly abort = new AbortController();
  readonly observer: RequestObserver;
  private readonly progress = new Map<string | undefined, PartitionProgress>();
  private readonly pending: WindowTask[] = [];
  private readonly active = new Set<WindowTask>();
  private recordsSinceState = 0;
  private statesEmitted = 0;
  private running = false;
  private failure: unknown;
  private finished = false;
  private readonly startedAt = Date.now();
  /** Windows of at least a day that returned nothing (for the silent-gap warning). */
  private readonly emptyDays: Window[] = [];

  constructor(
    readonly stream: EngineStream,
    private readonly writer: MessageWriter,
    private readonly logger: Logger,
  ) {
    setMaxListeners(256, this.abort.signal); // one listener per window in flight
    for (const partition of stream.partitions) {
      this.progress.set(partition.accountId, new PartitionProgress(partition.windows, partition.initialCursorMs, partition.changes));
      // The change pass goes first: it is one short request chain, and its checkpoint frees the cursor.
      if (partition.changes?.pass && stream.fetchChanges) this.pending.push({ run: this, partition, changeOutcome: { unsupported: false } });
      for (const window of partition.windows) this.pending.push(this.windowTask(partition, window));
    }
    this.observer = {
      onRequest: () => {
        this.stats.requests++;
      },
      onRetry: (event) => {
        this.stats.retries++;
        this.logger.warn(`${stream.name}: ${event.endpoint}: ${event.reason}; retry ${event.attempt}/${event.maxRetries} in ${(event.delayMs / 1000).toFixed(1)} s`);
      },
      onRateLimited: (event) => {
        this.stats.rateLimited++;
        this.stats.waitedMs += event.waitMs;
        this.writer.send(rateLimitedStatusMessage(stream.name, event.resumeAtMs));
        this.logger.info(`${stream.name}: rate limited by Hyros (429) on ${event.endpoint}; waiting ${(event.waitMs / 1000).toFixed(1)} s until ${toIsoUtc(event.resumeAtMs)}`);
      },
    };
  }

  get name(): string {
    return this.stream.name;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Why the stream failed (the first failure), if it did. */
  get failureCause(): unknown {
    return this.failure;
  }

  start(): void {
    this.writer.send(streamStatusMessage(this.name, 'STARTED'));
  }

  /** The next window to fetch, oldest first within the stream. */
  takeTask(): WindowTask | undefined {
    if (this.failed) return undefined;
    const task = this.pending.shift();
    if (task) this.active.add(task);
    return task;
  }

  /** The in-flight window with the most pages left, if splitting it is worth a request. */
  splitCandidate(): SplitCandidate | undefined {
    const pageSize = this.stream.splitPageSize;
    if (pageSize === undefined || this.failed) return undefined;
    let best: { task: WindowTask; pagesLeft: number } | undefined;
    let streamPagesLeft = 0;
    for (const task of this.active) {
      if (!task.window || !task.scan) continue;
      const pagesLeft = task.scan.pagesLeft(task.window, pageSize);
      streamPagesLeft += pagesLeft;
      if (pagesLeft >= MIN_SPLIT_PAGES && (best === undefined || pagesLeft > best.pagesLeft)) best = { task, pagesLeft };
    }
    return best && { ...best, streamPagesLeft };
  }

  /** Splits the older part off a busy window as a new in-flight task (undefined: too narrow to split). */
  splitTask(busy: WindowTask): WindowTask | undefined {
    const point = busy.window && busy.scan?.splitPoint(busy.window);
    if (busy.window === undefined || point === undefined || this.failed) return undefined;
    const progress = this.progress.get(busy.partition.accountId) as PartitionProgress;
    const task = this.windowTask(busy.partition, progress.split(busy.window, point));
    this.active.add(task);
    return task;
  }

  /** Whether the task's chain has delivered everything of its window (newest first, past its start). */
  chainDone(task: WindowTask): boolean {
    return task.window !== undefined && task.scan !== undefined && task.scan.pastStart(task.window);
  }

  /** A new request chain for the task (a restart after Hyros expired the page cursor). */
  restartChain(task: WindowTask): void {
    if (task.scan && task.window) task.scan = new ChainScan(task.window.endMs);
  }

  private windowTask(partition: PartitionPlan, window: Window): WindowTask {
    return { run: this, partition, window, ...(this.stream.splitPageSize === undefined ? {} : { scan: new ChainScan(window.endMs) }) };
  }

  hasPendingTasks(): boolean {
    return !this.failed && this.pending.length > 0;
  }

  /** The raw pages of a task: its window, or the partition's change pass. */
  pagesOf(task: WindowTask, context: FetchContext): JsonPages {
    if (task.changeOutcome) return (this.stream.fetchChanges as NonNullable<EngineStream['fetchChanges']>)(task.partition, context, task.changeOutcome);
    // The chain's date filter is fixed when it starts (Hyros resets the cursor when a parameter
    // changes); a later split only narrows what it emits.
    return this.stream.fetchWindow(task.partition, { ...(task.window as Window) }, context);
  }

  /** Emits one page's records (those of a window task that fall in its window); returns how many were emitted. */
  emitPage(task: WindowTask, records: JsonObject[]): number {
    const window = task.window;
    // Change-pass records were created before the windows; a child stream's records keep their own time.
    const filter = window !== undefined && this.stream.filterToWindow !== false;
    const emittedAt = Date.now();
    let emitted = 0;
    this.stats.pages++;
    for (const record of records) {
      const occurredMs = this.stream.normalize(record);
      task.scan?.observe(occurredMs);
      if (this.stream.windowed) {
        // A record with no readable cursor is kept (nothing is lost), stamped with its window start.
        if (filter && occurredMs !== undefined && !inWindow(window, occurredMs)) continue;
        record.occurred_at = toIsoUtc(occurredMs ?? window?.startMs ?? this.stream.floorMs);
      }
      if (task.partition.accountId !== undefined) record.account_id = task.partition.accountId;
      if (!this.running) {
        this.running = true;
        this.writer.send(streamStatusMessage(this.name, 'RUNNING'));
      }
      this.writer.sendRecord(this.name, record, emittedAt);
      emitted++;
    }
    this.stats.records += emitted;
    this.recordsSinceState += emitted;
    return emitted;
  }

  /** A window finished: advance the low-water mark and checkpoint when it moved. */
  completeTask(task: WindowTask, recordsInWindow: number): void {
    this.active.delete(task);
    const progress = this.progress.get(task.partition.accountId) as PartitionProgress;
    if (task.changeOutcome) {
      if (progress.completeChanges(!task.changeOutcome.unsupported)) this.emitState();
      return;
    }
    const window = task.window as Window;
    if (recordsInWindow === 0 && this.stream.windowed && window.endMs - window.startMs >= DAY_MS) this.emptyDays.push(window);
    // Safe even after a failure elsewhere: the mark only ever passes windows that completed.
    if (progress.complete(window) && this.stream.windowed) this.emitState();
  }

  /** A window failed: the stream stops taking work, and its state will not pass that window. */
  failTask(task: WindowTask, error: unknown): void {
    this.active.delete(task);
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.failure === undefined) {
      this.failure = error;
      this.pending.length = 0;
      this.abort.abort(error);
    }
  }

  get done(): boolean {
    return this.active.size === 0 && (this.failed || this.pending.length === 0);
  }

  /**
   * Ends the stream once (statuses, final state, summary). Returns false when it failed. `silent`:
   * the read stopped for a cause reported once for all streams, so this one has no error of its own.
   */
  finish(silent = false): boolean {
    if (this.finished) return !this.failed;
    this.finished = true;
    if (this.failed) {
      this.logSummary(silent ? 'stopped' : 'failed');
      this.writer.send(streamStatusMessage(this.name, 'INCOMPLETE'));
      if (!silent) this.traceFailure(this.failure);
      return false;
    }
    if (!this.stream.windowed) this.writer.send(stateMessage(this.name, NO_CURSOR_STATE, this.takeRecordCount()));
    else if (this.statesEmitted === 0 || this.recordsSinceState > 0) this.emitState();
    this.warnAboutSilentGaps();
    this.logSummary('complete');
    this.writer.send(streamStatusMessage(this.name, 'COMPLETE'));
    return true;
  }

  private traceFailure(error: unknown): void {
    const failureType: FailureType = error instanceof ConnectorError ? error.failureType : 'system_error';
    const advice = this.stream.explainFailure?.(error);
    const message = `Stream ${this.name} failed: ${errorMessage(error)}${advice ? ` ${advice}` : ''}`;
    this.writer.send(
      errorTraceMessage(message, failureType, {
        stream: this.name,
        internalMessage: error instanceof ConnectorError ? error.internalMessage : undefined,
        // A config error is the user's to fix: its stack says nothing to them.
        stackTrace: error instanceof Error && failureType !== 'config_error' ? error.stack : undefined,
      }),
    );
  }

  private emitState(): void {
    const state = streamStateObject(this.progress, this.stream.floorMs);
    this.writer.send(stateMessage(this.name, state, this.takeRecordCount()));
    this.statesEmitted++;
  }

  private takeRecordCount(): number {
    const count = this.recordsSinceState;
    this.recordsSinceState = 0;
    return count;
  }

  private warnAboutSilentGaps(): void {
    if (this.emptyDays.length === 0 || (this.stats.records === 0 && !this.stream.hadState)) return;
    const first = this.emptyDays[0] as Window;
    const last = this.emptyDays[this.emptyDays.length - 1] as Window;
    this.logger.warn(
      `${this.name}: ${this.emptyDays.length} date window(s) of a day or more returned no records (between ${toIsoUtc(first.startMs)} and ${toIsoUtc(last.endMs)}) although the stream has data elsewhere. If that is unexpected, check the Hyros integration feeding this data and the API key's roles.`,
    );
  }

  private logSummary(outcome: 'complete' | 'failed' | 'stopped'): void {
    const s = this.stats;
    this.logger.info(
      `${this.name}: ${outcome} — ${s.records} records, ${s.pages} pages, ${s.requests} requests, ${s.retries} retries, ${s.rateLimited} rate-limited (429), ${(s.waitedMs / 1000).toFixed(1)} s waited on rate limits, ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`,
    );
  }
}
