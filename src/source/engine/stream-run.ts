/**
 * The life of one stream during `read`: STARTED → RUNNING → COMPLETE | INCOMPLETE. It hands out its
 * tasks (tasks.ts), emits their records (emit.ts), checkpoints (checkpoints.ts), counts
 * (stream-stats.ts), judges silent gaps (silent-gaps.ts) and reports a failure (failure.ts).
 */
import type { RequestObserver } from '../../hyros/request.js';
import type { Logger } from '../../protocol/logger.js';
import { streamStatusMessage, type JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { isIncremental } from '../streams/declaration.js';
import { Checkpoints } from './checkpoints.js';
import { RecordEmitter } from './emit.js';
import { reportStreamFailure } from './failure.js';
import { SilentGaps } from './silent-gaps.js';
import { emptyStats, logSummary, requestObserver } from './stream-stats.js';
import { TaskSchedule, type SplitCandidate, type Task, type WindowTask } from './tasks.js';
import type { FetchContext, JsonPages, PlannedStream } from './types.js';

export class StreamRun {
  private readonly stats = emptyStats();
  readonly abort = new AbortController();
  readonly observer: RequestObserver;
  private readonly schedule: TaskSchedule;
  private readonly checkpoints: Checkpoints;
  private readonly emitter: RecordEmitter;
  private readonly gaps = new SilentGaps();
  private failure: unknown;
  private finished = false;
  private readonly startedAt = Date.now();

  /** Its records carry `occurred_at`, its states a cursor. */
  private readonly cursored: boolean;

  constructor(
    private readonly stream: PlannedStream,
    private readonly writer: MessageWriter,
    private readonly logger: Logger,
  ) {
    const { declaration } = stream;
    this.cursored = isIncremental(declaration);
    // Hyros pages date windows newest first by the filtered date: idle workers may split them. (Not
    // a child stream's: its records are found through the parent's and keep their own time.)
    this.schedule = new TaskSchedule(stream.partitions, declaration.partitioning.kind === 'date-windows' ? stream.pageSize : undefined);
    this.checkpoints = new Checkpoints(declaration.name, stream.partitions, stream.floorMs, this.cursored, writer);
    this.emitter = new RecordEmitter(stream, writer, logger, this.stats, this.checkpoints);
    this.observer = requestObserver(declaration.name, this.stats, writer, logger);
  }

  get name(): string {
    return this.stream.declaration.name;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Pages read so far (none: a failure came on the stream's first request). */
  get pagesRead(): number {
    return this.stats.pages;
  }

  /** Why the stream failed (the first failure), if it did. */
  get failureCause(): unknown {
    return this.failure;
  }

  start(): void {
    this.writer.send(streamStatusMessage(this.name, 'STARTED'));
  }

  /** The next task, oldest first within the stream. */
  takeTask(): Task | undefined {
    return this.failed ? undefined : this.schedule.take();
  }

  /** The in-flight window with the most pages left, if splitting it is worth a request. */
  splitCandidate(): SplitCandidate | undefined {
    return this.failed ? undefined : this.schedule.splitCandidate();
  }

  /** Splits the older part off a busy window as a new in-flight task (undefined: too narrow to split). */
  splitTask(busy: WindowTask): WindowTask | undefined {
    const point = busy.scan?.splitPoint(busy.window);
    if (point === undefined || this.failed) return undefined;
    return this.schedule.addSplit(busy, this.checkpoints.split(busy.partition, busy.window, point));
  }

  /** A new request chain for the task (a restart after Hyros expired the page cursor). */
  restartChain(task: Task): void {
    this.schedule.restartChain(task);
  }

  /** The raw pages of a task: its window, or the partition's change pass. */
  pagesOf(task: Task, context: FetchContext): JsonPages {
    if (task.kind === 'changes') return this.stream.pages.changes(task.partition, context, task.outcome);
    // The chain's date filter is fixed when it starts (Hyros resets the cursor when a parameter
    // changes); a later split only narrows what it emits.
    return this.stream.pages.window(task.partition, { ...task.window }, context);
  }

  /** Emits one page's records; returns how many were emitted. */
  emitPage(task: Task, records: JsonObject[]): number {
    return this.emitter.emit(task, records);
  }

  /** A task finished: advance the low-water mark and checkpoint when it moved. */
  completeTask(task: Task, recordsInTask: number): void {
    this.schedule.end(task);
    if (task.kind === 'changes') {
      this.checkpoints.changesDone(task.partition, !task.outcome.unsupported);
      return;
    }
    if (this.cursored) this.gaps.note(task.window, recordsInTask);
    this.checkpoints.windowDone(task.partition, task.window);
  }

  /** A task failed: the stream stops taking work, and its state will not pass that window. */
  failTask(task: Task, error: unknown): void {
    this.schedule.end(task);
    this.fail(error);
  }

  fail(error: unknown): void {
    if (this.failure === undefined) {
      this.failure = error;
      this.schedule.drop();
      this.abort.abort(error);
    }
  }

  get done(): boolean {
    return this.schedule.empty;
  }

  /**
   * Ends the stream once (statuses, final state, summary). Returns false when it failed. `silent`:
   * the read stopped for a cause reported once for all streams, so this one has no error of its own.
   */
  finish(silent = false): boolean {
    if (this.finished) return !this.failed;
    this.finished = true;
    if (this.failed) {
      logSummary(this.logger, this.name, this.stats, silent ? 'stopped' : 'failed', this.startedAt);
      reportStreamFailure(this.writer, this.stream.declaration, this.failure, silent);
      return false;
    }
    this.checkpoints.finish();
    this.gaps.warn(this.logger, this.name, this.stats.records > 0 || this.stream.hadState);
    logSummary(this.logger, this.name, this.stats, 'complete', this.startedAt);
    this.writer.send(streamStatusMessage(this.name, 'COMPLETE'));
    return true;
  }
}
