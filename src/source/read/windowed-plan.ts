/**
 * The partitions of a stream that reads a list endpoint: per account, the whole list as one window,
 * or (incremental) date windows from start_date or the saved cursor minus the lookback, with the
 * change pass planned from the saved `changed_at`.
 */
import type { PartitionPlan } from '../engine/types.js';
import type { DateWindows } from '../streams/declaration.js';
import { changePass, type ChangeQuery } from './changes.js';
import { partitionWindows, resumePoint, type PlanContext } from './plan.js';

/** The change pass query of each account that reads one this run. */
export type ChangeQueries = ReadonlyMap<string | undefined, ChangeQuery>;

export interface WindowedPlan {
  partitions: PartitionPlan[];
  changeQueries: ChangeQueries;
}

/** A full-refresh list: one window over the whole sync range per account (its records carry no cursor). */
export function wholeListPartitions(context: PlanContext): PartitionPlan[] {
  const { config, syncEndMs } = context;
  return context.accounts.map((accountId) => ({ accountId, windows: [{ startMs: config.startMs, endMs: syncEndMs, inclusiveEnd: true }], initialCursorMs: undefined }));
}

/**
 * Date windows of the list `windows` declares, resumed from the state of `stateName` (the stream
 * itself, or a child that follows the list); in a full refresh, from start_date with no change pass.
 */
export function planWindowed(context: PlanContext, stateName: string, incremental: boolean, windows: DateWindows): WindowedPlan {
  const { config, syncEndMs } = context;
  const changeQueries = new Map<string | undefined, ChangeQuery>();
  const partitions = context.accounts.map((accountId): PartitionPlan => {
    const resume = incremental ? resumePoint(context, stateName, accountId) : {};
    const planned = partitionWindows(context, config.startMs, resume.savedMs, config.lookback_window_days);
    const plan: PartitionPlan = { accountId, windows: planned, initialCursorMs: resume.initialMs };
    if (incremental && windows.changes) {
      const pass = changePass(windows.changes, { config, syncEndMs, windows: planned, cursorSource: windows.cursorSource, ...resume });
      plan.changes = pass.plan;
      if (pass.query) changeQueries.set(accountId, pass.query);
    }
    return plan;
  });
  return { partitions, changeQueries };
}
