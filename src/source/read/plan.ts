/**
 * Turns the declarations (src/source/streams) + config + catalog + state into what the engine runs:
 * per stream and account, the date windows to read, the cursor to resume from, and how to fetch
 * one window's pages.
 */
import type { ResolvedConfig } from '../config.js';
import { DAY_MS, toIsoUtc } from '../../common/time/index.js';
import type { HyrosClient } from '../../hyros/client.js';
import { failureOf } from '../../hyros/errors.js';
import type { RequestContext } from '../../hyros/request.js';
import { paginate } from '../../hyros/paginate.js';
import { cursorFromState, type ConfiguredStream, type StreamStates } from '../../protocol/inputs.js';
import type { Logger } from '../../protocol/logger.js';
import { RecordNormalizer } from '../engine/normalize.js';
import type { EngineStream, PartitionPlan } from '../engine/types.js';
import { HOUR_MS, inWindow, planWindows, type Window } from '../engine/windows.js';
import { parseHyrosTimestamp } from '../../hyros/timestamps.js';
import { copyKey, STREAMS, streamTimestampPaths, type StreamDefinition } from '../streams/definitions.js';
import type { JsonObject } from '../../protocol/messages.js';
import { changePass, type ChangeQuery } from './changes.js';
import { LeadClicksReader } from './lead-clicks.js';

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
  const scoped = accountId === undefined ? streamState : ((streamState?.accounts as JsonObject | undefined)?.[accountId] as JsonObject | undefined);
  const savedMs = cursorFromState(scoped ?? null, stream, context.statePath);
  if (savedMs === undefined) return {};
  const changedMs = cursorFromState(scoped ?? null, stream, context.statePath, 'changed_at');
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

export function explainHyrosFailure(definition: Pick<StreamDefinition, 'name' | 'role' | 'since'>, error: unknown): string | undefined {
  const kind = failureOf(error)?.kind;
  // A 403 that names no role: name the stream's.
  if (kind === 'forbidden') return `This stream needs the "${definition.role}" role on the API key.`;
  if (kind === 'no_endpoint') {
    return `The ${definition.name} endpoint needs Hyros API ${definition.since ?? 'a newer version'}; deselect the ${definition.name} stream if this account does not offer it.`;
  }
  return undefined;
}

export function buildListStream(definition: StreamDefinition, configured: ConfiguredStream, context: PlanContext): EngineStream {
  const { config, client, logger } = context;
  // A child stream (lead_clicks) reads its parent's endpoint, windows and change pass, and turns
  // each page of parent records into its own records.
  const reader = definition.parent === undefined ? definition : (STREAMS.find((s) => s.name === definition.parent) as StreamDefinition);
  const windowed = definition.cursorSource !== undefined;
  const incremental = configured.syncMode === 'incremental';
  const changeQueries = new Map<string | undefined, ChangeQuery>();
  const partitions: PartitionPlan[] = context.accounts.map((accountId) => {
    if (!windowed) {
      return { accountId, windows: [{ startMs: config.startMs, endMs: context.syncEndMs, inclusiveEnd: true }], initialCursorMs: undefined };
    }
    const resume = incremental ? resumePoint(context, definition.name, accountId) : {};
    const windows = partitionWindows(context, config.startMs, resume.savedMs, config.lookback_window_days);
    const plan: PartitionPlan = { accountId, windows, initialCursorMs: resume.initialMs };
    if (incremental && reader.changes) {
      const pass = changePass(reader.changes, { config, syncEndMs: context.syncEndMs, windows, cursorSource: reader.cursorSource as string, ...resume });
      plan.changes = pass.plan;
      if (pass.query) changeQueries.set(accountId, pass.query);
    }
    return plan;
  });
  const normalizer = new RecordNormalizer(streamTimestampPaths(definition), definition.cursorSource, (path, value) =>
    logger.warnOnce(`${definition.name}.${path}`, `${definition.name}: ${path} value ${JSON.stringify(value)} is not a timestamp Hyros is known to send; kept as sent (reported once per field).`),
  );
  const clicks = definition.parent === undefined ? undefined : new LeadClicksReader(client, config.page_size, logger);
  /** The stream's records of one page of the endpoint read. */
  async function* recordsOf(records: JsonObject[], requestContext: RequestContext): AsyncGenerator<JsonObject[]> {
    if (!clicks) {
      yield records;
      return;
    }
    const leadIds = records.map((lead) => lead.id).filter((id): id is string => typeof id === 'string' && id !== '');
    if (leadIds.length > 0) yield* clicks.clicksOf(leadIds, requestContext);
  }
  return {
    name: definition.name,
    syncMode: configured.syncMode,
    windowed,
    partitions,
    floorMs: config.startMs,
    hadState: incremental && context.states.get(definition.name) != null,
    filterToWindow: definition.parent === undefined,
    // Hyros pages these newest first by the filtered date: idle workers may split their windows.
    // (Not a child stream: its records are found through the parent's and keep their own time.)
    ...(windowed && definition.parent === undefined ? { splitPageSize: config.page_size } : {}),
    async *fetchWindow(partition, window, fetchContext) {
      const params: Array<readonly [string, string]> = windowed
        ? [
            ['fromDate', toIsoUtc(window.startMs)],
            ['toDate', toIsoUtc(window.endMs)],
          ]
        : [];
      const requestContext = { ...fetchContext, accountId: partition.accountId };
      for await (const page of paginate(client, reader.path, params, config.page_size, requestContext)) {
        // The parent's records of a child stream are filtered to the window here (the child's are not).
        yield* recordsOf(clicks ? page.records.filter((lead) => inParentWindow(reader, lead, window)) : page.records, requestContext);
      }
    },
    async *fetchChanges(partition, fetchContext, outcome) {
      const query = changeQueries.get(partition.accountId);
      if (!query) return;
      const requestContext = { ...fetchContext, accountId: partition.accountId };
      try {
        for await (const page of paginate(client, reader.path, query.params, config.page_size, requestContext)) {
          const kept: JsonObject[] = [];
          for (const record of page.records) {
            const verdict = query.check(record);
            if (verdict === 'filter-ignored') return unsupported(outcome, query, reader);
            if (verdict === 'keep') kept.push(record);
          }
          if (kept.length > 0) yield* recordsOf(kept, requestContext);
        }
      } catch (error) {
        if (failureOf(error)?.kind === 'unknown_parameter') return unsupported(outcome, query, reader);
        throw error;
      }
    },
    normalize: (record) => {
      copyKey(definition, record);
      return normalizer.normalize(record);
    },
    explainFailure: (error) => explainHyrosFailure(definition, error),
  };

  function unsupported(outcome: { unsupported: boolean }, query: ChangeQuery, of: StreamDefinition): void {
    outcome.unsupported = true;
    logger.warnOnce(`${of.name}.changes-unsupported`, `${definition.name}: ${query.unsupportedMessage} Changes to older ${of.name} are caught only within lookback_window_days (${config.lookback_window_days} days) until the API supports it.`);
  }
}

/** Whether a parent record read for a child stream belongs to the window (by the parent's own cursor). */
function inParentWindow(parent: StreamDefinition, record: JsonObject, window: Window): boolean {
  const ms = parseHyrosTimestamp(record[parent.cursorSource as string]);
  return ms === undefined || inWindow(window, ms);
}
