/**
 * A stream read through its parent's records (lead_clicks through leads): the parent's windows and
 * change pass are read, with the child's state, and each page of parent records becomes the child
 * records of those parents. A window keeps the parent records created in it (by the parent's cursor);
 * their children keep their own time wherever it falls.
 */
import { parseHyrosTimestamp } from '../../hyros/timestamps.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ChangePassOutcome, FetchContext, JsonPages, PageSource, PartitionPlan } from '../engine/types.js';
import { inWindow, type Window } from '../engine/windows.js';
import type { ParentRecords, StreamDeclaration } from '../streams/declaration.js';
import { ChildRecords } from './child-records.js';
import { ListPages } from './list-pages.js';
import type { PlanContext } from './plan.js';
import { planWindowed } from './windowed-plan.js';

export function planParentRecords(
  declaration: StreamDeclaration,
  reads: ParentRecords,
  incremental: boolean,
  pageSize: number,
  context: PlanContext,
): { partitions: PartitionPlan[]; pages: PageSource } {
  const { client, logger, config } = context;
  const { parent } = reads;
  const { partitions, changeQueries } = planWindowed(context, declaration.name, incremental, parent.partitioning);
  const parents = new ListPages(client, logger, {
    streamName: declaration.name,
    listName: parent.name,
    path: parent.path,
    windowed: true,
    pageSize,
    changeQueries,
    lookbackDays: config.lookback_window_days,
  });
  const children = new ChildRecords(client, logger, { name: declaration.name, path: declaration.path, ids: reads.ids, pageSize });
  return { partitions, pages: new ChildPages(parents, parent.partitioning.cursorSource, children) };
}

class ChildPages implements PageSource {
  constructor(
    private readonly parents: ListPages,
    private readonly parentCursor: string,
    private readonly children: ChildRecords,
  ) {}

  async *window(partition: PartitionPlan, window: Window, context: FetchContext): JsonPages {
    const requestContext = { ...context, accountId: partition.accountId };
    for await (const page of this.parents.window(partition, window, context)) {
      // The parent records are filtered to the window here (the children are not).
      yield* this.children.of(page.filter((parent) => this.inWindow(parent, window)), requestContext);
    }
  }

  async *changes(partition: PartitionPlan, context: FetchContext, outcome: ChangePassOutcome): JsonPages {
    const requestContext = { ...context, accountId: partition.accountId };
    for await (const page of this.parents.changes(partition, context, outcome)) yield* this.children.of(page, requestContext);
  }

  /** Whether a parent record belongs to the window (by the parent's own cursor; none readable: kept). */
  private inWindow(parent: JsonObject, window: Window): boolean {
    const ms = parseHyrosTimestamp(parent[this.parentCursor]);
    return ms === undefined || inWindow(window, ms);
  }
}
