/**
 * The states of one stream: a low-water mark per partition (src/source/engine/progress.ts), a STATE
 * whenever a finished window or change pass moved a cursor, each with the exact count of records
 * emitted since the one before (`recordCount`), and the final state once the stream completed.
 */
import { stateMessage, type JsonObject } from '../../protocol/messages.js';
import type { MessageWriter } from '../../protocol/writer.js';
import { PartitionProgress, streamStateObject } from './progress.js';
import type { PartitionPlan } from './types.js';
import type { Window } from './windows.js';

const NO_CURSOR_STATE: JsonObject = { __ab_no_cursor_state_message: true };

export class Checkpoints {
  private readonly progress = new Map<string | undefined, PartitionProgress>();
  private recordsSinceState = 0;
  private statesEmitted = 0;

  /** `cursored`: the stream's states carry cursors (otherwise one state without a cursor at the end). */
  constructor(
    private readonly name: string,
    partitions: readonly PartitionPlan[],
    private readonly floorMs: number,
    private readonly cursored: boolean,
    private readonly writer: MessageWriter,
  ) {
    for (const partition of partitions) this.progress.set(partition.accountId, new PartitionProgress(partition.windows, partition.initialCursorMs, partition.changes));
  }

  /** Records just emitted: the next state counts them. */
  count(records: number): void {
    this.recordsSinceState += records;
  }

  /** A window finished: checkpoint when the low-water mark moved. Safe after a failure elsewhere: the mark only passes completed windows. */
  windowDone(partition: PartitionPlan, window: Window): void {
    if (this.of(partition).complete(window) && this.cursored) this.emit();
  }

  /** The change pass finished; `advance` false (the API ignored the filter) keeps `changed_at`. */
  changesDone(partition: PartitionPlan, advance: boolean): void {
    if (this.of(partition).completeChanges(advance)) this.emit();
  }

  /** Cuts an open window at `atMs`; the older part [start, atMs) is returned, open. */
  split(partition: PartitionPlan, window: Window, atMs: number): Window {
    return this.of(partition).split(window, atMs);
  }

  /** The final state of a completed stream. */
  finish(): void {
    if (!this.cursored) this.writer.send(stateMessage(this.name, NO_CURSOR_STATE, this.takeRecordCount()));
    else if (this.statesEmitted === 0 || this.recordsSinceState > 0) this.emit();
  }

  private of(partition: PartitionPlan): PartitionProgress {
    const progress = this.progress.get(partition.accountId);
    if (progress === undefined) throw new Error(`${this.name}: no progress kept for account ${partition.accountId ?? '(own)'}`);
    return progress;
  }

  private emit(): void {
    const state = streamStateObject(this.progress, this.floorMs);
    this.writer.send(stateMessage(this.name, state, this.takeRecordCount()));
    this.statesEmitted++;
  }

  private takeRecordCount(): number {
    const count = this.recordsSinceState;
    this.recordsSinceState = 0;
    return count;
  }
}
