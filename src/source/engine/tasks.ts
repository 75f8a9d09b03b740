/**
 * The work of one stream: a task is a window of a partition, or the partition's change pass. Pending
 * tasks are taken oldest first; in-flight windows that Hyros pages newest first may be split by an
 * idle worker (src/source/engine/split.ts).
 */
import { ChainScan, MIN_SPLIT_PAGES } from './split.js';
import type { ChangePassOutcome, PartitionPlan } from './types.js';
import type { Window } from './windows.js';

export interface WindowTask {
  kind: 'window';
  partition: PartitionPlan;
  /** Its start moves later when an idle worker splits the older part off. */
  window: Window;
  /** What the chain's pages have shown so far (windows of a stream that may be split). */
  scan: ChainScan | undefined;
}

export interface ChangeTask {
  kind: 'changes';
  partition: PartitionPlan;
  /** Whether the API honoured the change filter. */
  outcome: ChangePassOutcome;
}

export type Task = WindowTask | ChangeTask;

/** A window an idle worker could split, and about how many pages it has left. */
export interface SplitCandidate {
  task: WindowTask;
  pagesLeft: number;
  /** The estimated pages left in all of the stream's busy windows (this one included). */
  streamPagesLeft: number;
}

/** Whether the task's chain has delivered everything of its window (newest first, past its start). */
export function chainDone(task: Task): boolean {
  return task.kind === 'window' && task.scan !== undefined && task.scan.pastStart(task.window);
}

export class TaskSchedule {
  private readonly pending: Task[] = [];
  private readonly active = new Set<Task>();

  /** `splitPageSize`: set when the stream's windows may be split (its pages hold this many records). */
  constructor(
    partitions: readonly PartitionPlan[],
    private readonly splitPageSize: number | undefined,
  ) {
    for (const partition of partitions) {
      // The change pass goes first: it is one short request chain, and its checkpoint frees the cursor.
      if (partition.changes?.pass) this.pending.push({ kind: 'changes', partition, outcome: { unsupported: false } });
      for (const window of partition.windows) this.pending.push(this.windowTask(partition, window));
    }
  }

  /** The next task, oldest first; it stays in flight until `end`. */
  take(): Task | undefined {
    const task = this.pending.shift();
    if (task) this.active.add(task);
    return task;
  }

  end(task: Task): void {
    this.active.delete(task);
  }

  /** Drops every pending task (the stream failed). */
  drop(): void {
    this.pending.length = 0;
  }

  /** Nothing pending, nothing in flight. */
  get empty(): boolean {
    return this.active.size === 0 && this.pending.length === 0;
  }

  /** The in-flight window with the most pages left, if splitting it is worth a request. */
  splitCandidate(): SplitCandidate | undefined {
    const pageSize = this.splitPageSize;
    if (pageSize === undefined) return undefined;
    let best: { task: WindowTask; pagesLeft: number } | undefined;
    let streamPagesLeft = 0;
    for (const task of this.active) {
      if (task.kind !== 'window' || !task.scan) continue;
      const pagesLeft = task.scan.pagesLeft(task.window, pageSize);
      streamPagesLeft += pagesLeft;
      if (pagesLeft >= MIN_SPLIT_PAGES && (best === undefined || pagesLeft > best.pagesLeft)) best = { task, pagesLeft };
    }
    return best && { ...best, streamPagesLeft };
  }

  /** The older part cut off a busy window, as a new in-flight task. */
  addSplit(busy: WindowTask, older: Window): WindowTask {
    const task = this.windowTask(busy.partition, older);
    this.active.add(task);
    return task;
  }

  /** A new request chain for the task (a restart after Hyros expired the page cursor). */
  restartChain(task: Task): void {
    if (task.kind === 'window' && task.scan) task.scan = new ChainScan(task.window.endMs);
  }

  private windowTask(partition: PartitionPlan, window: Window): WindowTask {
    return { kind: 'window', partition, window, scan: this.splitPageSize === undefined ? undefined : new ChainScan(window.endMs) };
  }
}
