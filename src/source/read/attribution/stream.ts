/**
 * Attribution report streams (hyros-attribution.md §1): one stream `attribution_<name>` per
 * configured report, one record per (account-local day, id).
 *
 * Plan per account: the timezone from GET /user-info gives the local days (one window each, from
 * start_date or the saved cursor minus the report's lookback), and the ids come from GET /ads (ad
 * levels), GET /sources (source-link levels) or GET /ad-accounts (the other levels, one account per
 * request with isAdAccountId=true), filtered to the level's platform. Both are fetched
 * once per account and shared by all reports of the run. Per window: the ids in batches (≤ 50 and a
 * bounded URL), one paginated GET /attribution per batch covering exactly that local day. Hyros
 * refuses ("Already processing a request for id") a request touching an id that another request is
 * still working on, so a batch holds a lock on its ids (per account) while its request is in flight.
 */
import type { AttributionReportConfig, ResolvedConfig } from '../../config.js';
import { DAY_MS, type DayClock } from '../../../common/time/index.js';
import { planDayWindows } from '../../engine/day-windows.js';
import type { EngineStream, PartitionPlan } from '../../engine/types.js';
import { failureOf } from '../../../hyros/errors.js';
import type { RequestContext } from '../../../hyros/request.js';
import { paginate } from '../../../hyros/paginate.js';
import type { ConfiguredStream } from '../../../protocol/inputs.js';
import type { JsonObject } from '../../../protocol/messages.js';
import { isAgency } from '../accounts.js';
import { batchIds } from '../batch-ids.js';
import { resumePoint, type PlanContext } from '../plan.js';
import type { SourceStream } from '../source-stream.js';
import { accountClock, accountIds, accountKey, accountLabel, shared } from './account-data.js';
import { attributionRecord, attributionStreamName, describeAttributionStream, type NumberProblem } from './describe.js';
import { idSource } from './ids.js';

export function attributionStreams(config: ResolvedConfig): SourceStream[] {
  const agency = isAgency(config);
  return (config.attribution_reports ?? []).map((report) => ({
    airbyteStream: describeAttributionStream(report, agency),
    windowed: true,
    build: (configured, context) => buildAttributionStream(report, configured, context),
  }));
}

interface AccountPlan {
  clock: DayClock;
  batches: string[][];
}

const ROLE_BY_PATH: Record<string, string> = {
  'GET /attribution': 'Get Attribution',
  'GET /ads': 'Get Ads',
  'GET /sources': 'Get Sources',
  'GET /ad-accounts': 'Get Ad Accounts',
  'GET /user-info': 'Get User Information',
};

/** The report's optional knobs, as query parameters (sent after `ids`). */
export function reportParams(report: AttributionReportConfig): Array<readonly [string, string]> {
  const params: Array<readonly [string, string]> = [
    ['currency', report.currency],
    ['dayOfAttribution', String(report.day_of_attribution)],
    ['scientificDaysRange', String(report.scientific_days_range)],
    ['windowAttributionDaysRange', String(report.window_attribution_days_range)],
    ['ignoreRecurringSales', String(report.ignore_recurring_sales)],
    ['newCustomerConfiguration', report.new_customer_configuration],
  ];
  if (report.source_configuration !== undefined) params.push(['sourceConfiguration', report.source_configuration]);
  return params;
}

async function buildAttributionStream(report: AttributionReportConfig, configured: ConfiguredStream, context: PlanContext): Promise<EngineStream> {
  const { config, client, logger } = context;
  const name = attributionStreamName(report);
  const incremental = configured.syncMode === 'incremental';
  const source = idSource(report.level);
  const byAdAccount = source.path === 'ad-accounts';
  const plans = new Map<string | undefined, AccountPlan>();
  const failures = new Map<string | undefined, unknown>();

  const partitions: PartitionPlan[] = await Promise.all(
    context.accounts.map(async (accountId): Promise<PartitionPlan> => {
      const { savedMs: saved, initialMs: cursor } = incremental ? resumePoint(context, name, accountId) : {};
      let clock: DayClock;
      let ids: string[];
      try {
        [clock, ids] = await Promise.all([accountClock(context, accountId), accountIds(context, accountId, source)]);
      } catch (error) {
        // Fails this stream (one window that rethrows), not the whole sync.
        failures.set(accountId, error);
        return { accountId, windows: [{ startMs: config.startMs, endMs: context.syncEndMs, inclusiveEnd: true }], initialCursorMs: cursor };
      }
      if (ids.length === 0) {
        logger.info(
          `${name}: ${accountLabel(accountId)} has no ${source.platform} ${source.path === 'ad-accounts' ? 'ad accounts (GET /ad-accounts)' : `${source.path} (adSource.adSourceId in GET /${source.path})`} for level ${report.level}; nothing to report, the stream reads no days.`,
        );
        return { accountId, windows: [], initialCursorMs: cursor };
      }
      // With isAdAccountId=true a request takes exactly one ad account.
      plans.set(accountId, { clock, batches: byAdAccount ? ids.map((id) => [id]) : batchIds(ids) });
      const fromStart = clock.dayStartAtOrAfter(config.startMs);
      const first = saved === undefined ? fromStart : Math.max(fromStart, clock.dayStart(saved - report.lookback_window_days * DAY_MS));
      return { accountId, windows: planDayWindows(first, context.syncEndMs, clock), initialCursorMs: cursor };
    }),
  );

  const locks = shared(context).locks;
  // Parameters in the reference's order: model, dates, level, fields, ids, then the options.
  const levelParams: Array<readonly [string, string]> = [
    ['level', report.level],
    ['fields', report.fields.join(',')],
  ];
  const optionParams: Array<readonly [string, string]> = [...(byAdAccount ? [['isAdAccountId', 'true'] as const] : []), ...reportParams(report)];
  const pageSize = Math.min(config.page_size, 250);
  const problem: NumberProblem = (field, value) =>
    logger.warnOnce(`${name}.${field}`, `${name}: ${field} value ${JSON.stringify(value)} is not a number; written as null (reported once per field).`);

  return {
    name,
    syncMode: configured.syncMode,
    windowed: true,
    partitions,
    floorMs: config.startMs,
    hadState: incremental && context.states.get(name) != null,
    async *fetchWindow(partition, window, fetchContext) {
      if (failures.has(partition.accountId)) throw failures.get(partition.accountId);
      const plan = plans.get(partition.accountId) as AccountPlan;
      const dayStart = window.startMs;
      const date = plan.clock.date(dayStart);
      const dayParams: Array<readonly [string, string]> = [
        ['attributionModel', report.attribution_model],
        ['startDate', plan.clock.format(dayStart)],
        ['endDate', plan.clock.format(plan.clock.nextDayStart(dayStart) - 1000)],
        ...levelParams,
      ];
      const requestContext: RequestContext = { ...fetchContext, ...(partition.accountId === undefined ? {} : { accountId: partition.accountId }) };
      for (const batch of plan.batches) {
        const release = await locks.acquire(batch.map((id) => `${accountKey(partition.accountId)}|${id}`), fetchContext.signal);
        const rows: Array<Record<string, unknown>> = [];
        try {
          const params = [...dayParams, ['ids', batch.join(',')] as const, ...optionParams];
          for await (const page of paginate(client, 'attribution', params, pageSize, requestContext)) rows.push(...page.records);
        } finally {
          release();
        }
        const records: JsonObject[] = [];
        for (const row of rows) {
          const record = attributionRecord(row, report, date, dayStart, problem);
          if (record) records.push(record);
          else logger.warnOnce(`${name}.id`, `${name}: GET /attribution returned a row without an id; skipped (reported once).`);
        }
        if (records.length > 0) yield records;
      }
    },
    normalize: (record) => Date.parse(record.occurred_at as string),
    explainFailure: (error) => {
      // A 403 that names no role: name the one of the endpoint that refused.
      const failure = failureOf(error);
      const role = failure?.kind === 'forbidden' ? ROLE_BY_PATH[failure.endpoint] : undefined;
      return role ? `This report needs the "${role}" role on the API key.` : undefined;
    },
  };
}
