/**
 * Attribution report streams, read by report day.
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
import { DAY_MS, type DayClock } from '../../../common/time/index.js';
import { paginate } from '../../../hyros/paginate.js';
import type { JsonObject } from '../../../protocol/messages.js';
import { planDayWindows } from '../../engine/day-windows.js';
import type { FetchContext, JsonPages, PageSource, PartitionPlan } from '../../engine/types.js';
import type { Window } from '../../engine/windows.js';
import type { ReportDays, StreamDeclaration } from '../../streams/declaration.js';
import { batchIds } from '../batch-ids.js';
import { resumePoint, type PlanContext } from '../plan.js';
import { accountClock, accountIds, accountKey, accountLabel, shared } from './account-data.js';
import { attributionRecord, type NumberProblem } from './report-record.js';

/** What an account's report days need: its day clock and id batches, or why they could not be had. */
type AccountReport = { kind: 'ready'; clock: DayClock; batches: string[][] } | { kind: 'failed'; error: unknown };

export async function planReportDays(
  declaration: StreamDeclaration,
  report: ReportDays,
  incremental: boolean,
  pageSize: number,
  context: PlanContext,
): Promise<{ partitions: PartitionPlan[]; pages: PageSource }> {
  const { config, logger } = context;
  const { name } = declaration;
  const source = report.ids;
  const accounts = new Map<string | undefined, AccountReport>();

  const partitions: PartitionPlan[] = await Promise.all(
    context.accounts.map(async (accountId): Promise<PartitionPlan> => {
      const { savedMs: saved, initialMs: cursor } = incremental ? resumePoint(context, name, accountId) : {};
      let clock: DayClock;
      let ids: string[];
      try {
        [clock, ids] = await Promise.all([accountClock(context, accountId), accountIds(context, accountId, source)]);
      } catch (error) {
        // Fails this stream (one window that rethrows), not the whole sync.
        accounts.set(accountId, { kind: 'failed', error });
        return { accountId, windows: [{ startMs: config.startMs, endMs: context.syncEndMs, inclusiveEnd: true }], initialCursorMs: cursor };
      }
      if (ids.length === 0) {
        logger.info(
          `${name}: ${accountLabel(accountId)} has no ${source.platform} ${source.path === 'ad-accounts' ? 'ad accounts (GET /ad-accounts)' : `${source.path} (adSource.adSourceId in GET /${source.path})`} for level ${report.level}; nothing to report, the stream reads no days.`,
        );
        return { accountId, windows: [], initialCursorMs: cursor };
      }
      accounts.set(accountId, { kind: 'ready', clock, batches: batchIds(ids, source.maxPerRequest) });
      const fromStart = clock.dayStartAtOrAfter(config.startMs);
      const first = saved === undefined ? fromStart : Math.max(fromStart, clock.dayStart(saved - report.lookbackDays * DAY_MS));
      return { accountId, windows: planDayWindows(first, context.syncEndMs, clock), initialCursorMs: cursor };
    }),
  );
  const problem: NumberProblem = (field, value) =>
    logger.warnOnce(`${name}.${field}`, `${name}: ${field} value ${JSON.stringify(value)} is not a number; written as null (reported once per field).`);
  return { partitions, pages: new ReportDayPages(declaration, report, pageSize, accounts, problem, context) };
}

class ReportDayPages implements PageSource {
  constructor(
    private readonly declaration: StreamDeclaration,
    private readonly report: ReportDays,
    private readonly pageSize: number,
    private readonly accounts: ReadonlyMap<string | undefined, AccountReport>,
    private readonly problem: NumberProblem,
    private readonly context: PlanContext,
  ) {}

  /** One local day: the report of every id batch, as records. */
  async *window(partition: PartitionPlan, window: Window, fetchContext: FetchContext): JsonPages {
    const { declaration, report, context } = this;
    const account = this.accounts.get(partition.accountId);
    if (account === undefined) throw new Error(`${declaration.name}: no report plan for ${accountLabel(partition.accountId)}`);
    if (account.kind === 'failed') throw account.error;
    const { clock } = account;
    const dayStart = window.startMs;
    const date = clock.date(dayStart);
    // Parameters in the reference's order: model, dates, level, fields, ids, then the options.
    const dayParams: Array<readonly [string, string]> = [
      ['attributionModel', report.model],
      ['startDate', clock.format(dayStart)],
      ['endDate', clock.format(clock.nextDayStart(dayStart) - 1000)],
      ['level', report.level],
      ['fields', report.fields.join(',')],
    ];
    const requestContext = { ...fetchContext, ...(partition.accountId === undefined ? {} : { accountId: partition.accountId }) };
    const locks = shared(context).locks;
    for (const batch of account.batches) {
      const release = await locks.acquire(batch.map((id) => `${accountKey(partition.accountId)}|${id}`), fetchContext.signal);
      const rows: Array<Record<string, unknown>> = [];
      try {
        const params = [...dayParams, ['ids', batch.join(',')] as const, ...report.options];
        for await (const page of paginate(context.client, declaration.path, params, this.pageSize, requestContext)) rows.push(...page.records);
      } finally {
        release();
      }
      const records: JsonObject[] = [];
      for (const row of rows) {
        const record = attributionRecord(row, report, date, dayStart, this.problem);
        if (record) records.push(record);
        else context.logger.warnOnce(`${declaration.name}.id`, `${declaration.name}: GET /${declaration.path} returned a row without an id; skipped (reported once).`);
      }
      if (records.length > 0) yield records;
    }
  }

  /** Reports have no change pass: a day's numbers are re-read within the report's lookback. */
  async *changes(): JsonPages {}
}
