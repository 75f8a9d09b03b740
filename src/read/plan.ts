/**
 * Turns the declarations (src/streams) + config + catalog + state into what the engine runs:
 * per stream and account, the date windows to read, the cursor to resume from, and how to fetch
 * one window's pages.
 */
import type { ResolvedConfig } from '../config.js';
import { DAY_MS } from '../dates.js';
import { HyrosApiError, type HyrosClient } from '../hyros/client.js';
import { paginate } from '../hyros/paginate.js';
import { cursorFromState, type ConfiguredStream, type StreamStates } from '../protocol/inputs.js';
import type { Logger } from '../protocol/logger.js';
import { RecordNormalizer } from '../engine/normalize.js';
import type { EngineStream, PartitionPlan } from '../engine/types.js';
import { HOUR_MS, planWindows, type Window } from '../engine/windows.js';
import { toIsoUtc } from '../dates.js';
import { streamTimestampPaths, type StreamDefinition } from '../streams/definitions.js';
import type { JsonObject } from '../protocol/messages.js';

const WINDOWS_PER_WORKER = 6;

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
 * `initialMs` the same clamped to the sync end (a state never points past it).
 */
export function resumePoint(context: PlanContext, stream: string, accountId: string | undefined): { savedMs?: number; initialMs?: number } {
  const streamState = context.states.get(stream);
  const scoped = accountId === undefined ? streamState : ((streamState?.accounts as JsonObject | undefined)?.[accountId] as JsonObject | undefined);
  const savedMs = cursorFromState(scoped ?? null, stream, context.statePath);
  return savedMs === undefined ? {} : { savedMs, initialMs: Math.min(savedMs, context.syncEndMs) };
}

/** Windows for a windowed partition: from start_date, or from the saved cursor minus the lookback. */
export function partitionWindows(context: PlanContext, startFloorMs: number, cursorMs: number | undefined, lookbackDays: number): Window[] {
  const { config, syncEndMs } = context;
  const startMs = cursorMs === undefined ? startFloorMs : Math.max(startFloorMs, cursorMs - lookbackDays * DAY_MS);
  // Enough windows that every worker stays busy until the end: a few windows per worker, so the
  // tail (the last windows still paging while other workers sit idle) stays short.
  // A single worker gains nothing from splitting: it reads windows of the largest size.
  const targetCount =
    config.max_concurrency === 1 ? 1 : Math.max(2, Math.ceil((WINDOWS_PER_WORKER * config.max_concurrency) / Math.max(1, context.windowedPartitions)));
  return planWindows(startMs, syncEndMs, { maxWindowMs: config.window_size_days * DAY_MS, minWindowMs: HOUR_MS, targetCount });
}

export function explainHyrosFailure(definition: Pick<StreamDefinition, 'name' | 'role' | 'since'>, error: unknown): string | undefined {
  if (!(error instanceof HyrosApiError)) return undefined;
  if (error.status === 403 && !/role/i.test(error.message)) return `This stream needs the "${definition.role}" role on the API key.`;
  if (error.status === 404) {
    return `The ${definition.name} endpoint needs Hyros API ${definition.since ?? 'a newer version'}; deselect the ${definition.name} stream if this account does not offer it.`;
  }
  return undefined;
}

export function buildListStream(definition: StreamDefinition, configured: ConfiguredStream, context: PlanContext): EngineStream {
  const { config, client, logger } = context;
  const windowed = definition.cursorSource !== undefined;
  const incremental = configured.syncMode === 'incremental';
  const partitions: PartitionPlan[] = context.accounts.map((accountId) => {
    if (!windowed) {
      return { accountId, windows: [{ startMs: config.startMs, endMs: context.syncEndMs, inclusiveEnd: true }], initialCursorMs: undefined };
    }
    const { savedMs, initialMs } = incremental ? resumePoint(context, definition.name, accountId) : {};
    return { accountId, windows: partitionWindows(context, config.startMs, savedMs, config.lookback_window_days), initialCursorMs: initialMs };
  });
  const normalizer = new RecordNormalizer(streamTimestampPaths(definition), definition.cursorSource, (path, value) =>
    logger.warnOnce(`${definition.name}.${path}`, `${definition.name}: ${path} value ${JSON.stringify(value)} is not a timestamp Hyros is known to send; kept as sent (reported once per field).`),
  );
  return {
    name: definition.name,
    syncMode: configured.syncMode,
    windowed,
    partitions,
    floorMs: config.startMs,
    hadState: incremental && context.states.get(definition.name) != null,
    async *fetchWindow(partition, window, fetchContext) {
      const params: Array<readonly [string, string]> = windowed
        ? [
            ['fromDate', toIsoUtc(window.startMs)],
            ['toDate', toIsoUtc(window.endMs)],
          ]
        : [];
      const requestContext = { ...fetchContext, accountId: partition.accountId };
      for await (const page of paginate(client, definition.path, params, config.page_size, requestContext)) yield page.records;
    },
    normalize: (record) => normalizer.normalize(record),
    explainFailure: (error) => explainHyrosFailure(definition, error),
  };
}
