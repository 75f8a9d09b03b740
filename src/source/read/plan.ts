/**
 * What every stream's plan starts from (the declarations, src/source/streams, + config + catalog +
 * state → what the engine runs): the run's context, where an account resumes, and the date windows
 * a windowed partition reads.
 */
import type { ResolvedConfig } from '../config.js';
import { DAY_MS } from '../../common/time/index.js';
import type { HyrosClient } from '../../hyros/client.js';
import { cursorFromState, type StreamStates } from '../../protocol/inputs.js';
import type { Logger } from '../../protocol/logger.js';
import { HOUR_MS, planWindows, type Window } from '../engine/windows.js';
import { isJsonObject } from '../json.js';

/**
 * Windows planned per worker. One: every window costs a partial last page, and the tail is kept
 * short by splitting busy windows when workers fall idle (src/source/engine/split.ts) instead.
 */
const WINDOWS_PER_WORKER = 1;

export interface PlanContext {
  config: ResolvedConfig;
  client: HyrosClient;
  logger: Logger;
  states: StreamStates;
  statePath: string;
  accounts: ReadonlyArray<string | undefined>;
  /** The sync's end: end_date clamped to now, fixed once per run. */
  syncEndMs: number;
  /** How many windowed (stream, account) partitions share the worker pool. */
  windowedPartitions: number;
}

/**
 * Where one account of an incremental stream resumes: `savedMs` is the cursor of the incoming
 * state as saved (the lookback counts back from it, so a cursor in the future reads nothing),
 * `initialMs` the same clamped to the sync end (a state never points past it), `changedMs` the
 * saved `changed_at` (streams that catch later changes).
 */
export function resumePoint(context: PlanContext, stream: string, accountId: string | undefined): { savedMs?: number; initialMs?: number; changedMs?: number } {
  const streamState = context.states.get(stream);
  const accounts = streamState?.accounts;
  const scoped = accountId === undefined ? streamState : isJsonObject(accounts) ? accounts[accountId] : undefined;
  const savedMs = cursorFromState(isJsonObject(scoped) ? scoped : null, stream, context.statePath);
  if (savedMs === undefined) return {};
  const changedMs = cursorFromState(isJsonObject(scoped) ? scoped : null, stream, context.statePath, 'changed_at');
  return { savedMs, initialMs: Math.min(savedMs, context.syncEndMs), ...(changedMs === undefined ? {} : { changedMs }) };
}

/** Windows for a windowed partition: from start_date, or from the saved cursor minus the lookback. */
export function partitionWindows(context: PlanContext, startFloorMs: number, cursorMs: number | undefined, lookbackDays: number): Window[] {
  const { config, syncEndMs } = context;
  const startMs = cursorMs === undefined ? startFloorMs : Math.max(startFloorMs, cursorMs - lookbackDays * DAY_MS);
  // About a window per worker, at least two per partition; idle workers split the busy ones.
  // A single worker gains nothing from splitting: it reads windows of the largest size.
  const targetCount =
    config.max_concurrency === 1 ? 1 : Math.max(2, Math.ceil((WINDOWS_PER_WORKER * config.max_concurrency) / Math.max(1, context.windowedPartitions)));
  return planWindows(startMs, syncEndMs, { maxWindowMs: config.window_size_days * DAY_MS, minWindowMs: HOUR_MS, targetCount });
}
