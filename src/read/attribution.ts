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
import type { AttributionReportConfig, ResolvedConfig } from '../config.js';
import type { SourceStream } from '../catalog.js';
import { DAY_MS, toIsoUtc } from '../dates.js';
import { DayClock, parseTimezone, planDayWindows } from '../engine/days.js';
import type { EngineStream, PartitionPlan } from '../engine/types.js';
import { HyrosApiError, type RequestContext } from '../hyros/client.js';
import { paginate } from '../hyros/paginate.js';
import type { ConfiguredStream } from '../protocol/inputs.js';
import type { AirbyteStream, JsonObject } from '../protocol/messages.js';
import { ATTRIBUTION_COUNT_METRICS, ATTRIBUTION_TEXT_FIELDS } from '../streams/attribution-catalog.js';
import { ACCOUNT_ID_SCHEMA, OCCURRED_AT_SCHEMA } from '../streams/definitions.js';
import { recordSchema } from '../streams/schema-builders.js';
import { fetchUserInfo, isAgency } from './accounts.js';
import { resumePoint, type PlanContext } from './plan.js';

export const MAX_IDS_PER_REQUEST = 50;
/** Budget for the URL-encoded `ids` value (keeps the whole URL well under 4 KB). */
export const MAX_IDS_PARAM_CHARS = 1800;

const TEXT_FIELDS = new Set<string>(ATTRIBUTION_TEXT_FIELDS);

export function attributionStreamName(report: Pick<AttributionReportConfig, 'name'>): string {
  return `attribution_${report.name}`;
}

/** The record schema of a report: its key columns plus one column per requested field. */
export function attributionJsonSchema(report: Pick<AttributionReportConfig, 'fields'>, agency: boolean): JsonObject {
  const properties: Record<string, JsonObject> = {
    date: { type: 'string', format: 'date' },
    level: { type: 'string' },
    id: { type: 'string' },
    occurred_at: OCCURRED_AT_SCHEMA,
  };
  for (const field of report.fields) {
    properties[field] = TEXT_FIELDS.has(field)
      ? { type: ['null', 'string'] }
      : { type: ['null', ATTRIBUTION_COUNT_METRICS.has(field) ? 'integer' : 'number'] };
  }
  if (agency) properties.account_id = ACCOUNT_ID_SCHEMA;
  return recordSchema(properties);
}

export function describeAttributionStream(report: AttributionReportConfig, agency: boolean): AirbyteStream {
  return {
    name: attributionStreamName(report),
    json_schema: attributionJsonSchema(report, agency),
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: ['occurred_at'],
    source_defined_primary_key: agency ? [['account_id'], ['date'], ['level'], ['id']] : [['date'], ['level'], ['id']],
    is_resumable: true,
  };
}

export function attributionStreams(config: ResolvedConfig): SourceStream[] {
  const agency = isAgency(config);
  return (config.attribution_reports ?? []).map((report) => ({
    airbyteStream: describeAttributionStream(report, agency),
    windowed: true,
    build: (configured, context) => buildAttributionStream(report, configured, context),
  }));
}

// ---------------------------------------------------------------------------------------------
// ids

/** Levels whose entities /sources lists as `adSource.adSourceId` (hyros-attribution.md §1.4). */
const SOURCE_LINK_LEVELS = new Set(['facebook_adset', 'google_campaign', 'tiktok_adgroup', 'snapchat_adsquad', 'linkedin_campaign']);

export interface IdSource {
  /** GET path the ids come from: ads (ad levels), sources (source-link levels), or ad accounts. */
  path: 'ads' | 'sources' | 'ad-accounts';
  /** Platform the ids must belong to (`adSource.platform`, or the ad account's `type`). */
  platform: string;
}

/**
 * Where a level's ids come from (hyros-attribution.md §1.4): ad ids from /ads, source-link ids from
 * /sources, and for the other levels (campaigns of Facebook, Google v2 ad groups, …), whose ids no
 * read endpoint lists, one ad account per request with `isAdAccountId=true`, which makes Hyros
 * report every entity of that account at the level.
 */
export function idSource(level: string): IdSource {
  const platform = (level.split('_')[0] ?? level).toUpperCase();
  if (/_ad$/.test(level)) return { path: 'ads', platform };
  return { path: SOURCE_LINK_LEVELS.has(level) ? 'sources' : 'ad-accounts', platform };
}

/** The ids on the platform in one page of /ads, /sources or /ad-accounts, in order. */
export function idsOnPlatform(records: ReadonlyArray<Record<string, unknown>>, source: IdSource): string[] {
  if (source.path !== 'ad-accounts') return adSourceIds(records, source.platform);
  return records
    .filter((account) => typeof account.type === 'string' && account.type.toUpperCase().startsWith(source.platform))
    .map((account) => String(account.id))
    .filter((id) => id !== '' && id !== 'undefined');
}

/** The `adSource.adSourceId` values of one page of /ads or /sources on the platform, in order. */
export function adSourceIds(records: ReadonlyArray<Record<string, unknown>>, platform: string): string[] {
  const ids: string[] = [];
  for (const record of records) {
    const adSource = record.adSource as { adSourceId?: unknown; platform?: unknown } | null | undefined;
    if (!adSource || typeof adSource !== 'object') continue;
    const id = adSource.adSourceId;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') continue;
    if (typeof adSource.platform !== 'string' || adSource.platform.toUpperCase() !== platform) continue;
    ids.push(String(id));
  }
  return ids;
}

/** Splits ids into request batches: at most `maxIds` each, and the URL-encoded CSV within `maxChars`. */
export function batchIds(ids: readonly string[], maxIds = MAX_IDS_PER_REQUEST, maxChars = MAX_IDS_PARAM_CHARS): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const id of ids) {
    const cost = encodeURIComponent(id).length + (batch.length > 0 ? 3 : 0); // "%2C" between ids
    if (batch.length > 0 && (batch.length >= maxIds || chars + cost > maxChars)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    chars += batch.length > 0 ? cost : encodeURIComponent(id).length;
    batch.push(id);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

// ---------------------------------------------------------------------------------------------
// records

export type NumberProblem = (field: string, value: unknown) => void;

function asNumber(value: unknown, field: string, problem: NumberProblem): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  problem(field, value);
  return null;
}

/**
 * One /attribution row as a record: `date` (account-local YYYY-MM-DD), `level`, `id`, every
 * requested field (numbers as numbers, missing ones null), `occurred_at` (the day's local midnight,
 * ISO UTC), and any extra keys Hyros sent (e.g. `campaign_id`) as they came.
 */
export function attributionRecord(
  row: Record<string, unknown>,
  report: Pick<AttributionReportConfig, 'level' | 'fields'>,
  date: string,
  dayStartMs: number,
  problem: NumberProblem = () => {},
): JsonObject | undefined {
  const id = row.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return undefined;
  const record: JsonObject = { date, level: report.level, id: String(id), occurred_at: toIsoUtc(dayStartMs) };
  for (const field of report.fields) {
    const value = row[field];
    record[field] = TEXT_FIELDS.has(field) ? (value === null || value === undefined ? null : String(value)) : asNumber(value, field, problem);
  }
  for (const [key, value] of Object.entries(row)) if (!(key in record)) record[key] = value as JsonObject[string];
  return record;
}

// ---------------------------------------------------------------------------------------------
// shared per run: account clocks, ids, id locks

/** Locks on (account, id) keys; a batch takes all its keys at once, so holders never wait on each other. */
export class IdLocks {
  private readonly held = new Set<string>();
  private waiters: Array<() => void> = [];

  async acquire(keys: readonly string[], signal?: AbortSignal): Promise<() => void> {
    while (keys.some((key) => this.held.has(key))) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal?.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    signal?.throwIfAborted();
    for (const key of keys) this.held.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) this.held.delete(key);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    };
  }

  get size(): number {
    return this.held.size;
  }
}

interface Shared {
  clocks: Map<string, Promise<DayClock>>;
  ids: Map<string, Promise<string[]>>;
  locks: IdLocks;
}

const sharedByRun = new WeakMap<PlanContext, Shared>();

function shared(context: PlanContext): Shared {
  let value = sharedByRun.get(context);
  if (!value) {
    value = { clocks: new Map(), ids: new Map(), locks: new IdLocks() };
    sharedByRun.set(context, value);
  }
  return value;
}

const accountKey = (accountId: string | undefined): string => accountId ?? '';
const accountLabel = (accountId: string | undefined): string => (accountId === undefined ? 'the account' : `account ${accountId}`);

/** The account's day clock (user-info timezone), fetched once per account per run. */
function accountClock(context: PlanContext, accountId: string | undefined): Promise<DayClock> {
  const cache = shared(context).clocks;
  const key = accountKey(accountId);
  let clock = cache.get(key);
  if (!clock) {
    const requestContext: RequestContext = accountId === undefined ? {} : { accountId };
    clock = fetchUserInfo(context.client, requestContext).then(({ timezone }) => {
      const offsetAt = parseTimezone(timezone);
      if (offsetAt) return new DayClock(offsetAt);
      context.logger.warn(
        `Attribution reports: user-info of ${accountLabel(accountId)} gives ${timezone === undefined ? 'no timezone' : `the timezone ${JSON.stringify(timezone)}, which is not an offset, UTC or a known IANA zone`}; using UTC days for its reports.`,
      );
      return new DayClock(() => 0);
    });
    cache.set(key, clock);
  }
  return clock;
}

/** The ids of a level's platform for one account, fetched once per account and kind per run. */
function accountIds(context: PlanContext, accountId: string | undefined, source: IdSource): Promise<string[]> {
  const cache = shared(context).ids;
  const key = `${accountKey(accountId)}|${source.path}|${source.platform}`;
  let ids = cache.get(key);
  if (!ids) {
    ids = (async () => {
      const found = new Set<string>();
      const requestContext: RequestContext = accountId === undefined ? {} : { accountId };
      for await (const page of paginate(context.client, source.path, [], context.config.page_size, requestContext)) {
        for (const id of idsOnPlatform(page.records, source)) found.add(id);
      }
      return [...found];
    })();
    cache.set(key, ids);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// the stream

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
      if (!(error instanceof HyrosApiError) || error.status !== 403) return undefined;
      if (/role|not one of your connected client accounts/i.test(error.message)) return undefined;
      const role = error.endpoint === undefined ? undefined : ROLE_BY_PATH[error.endpoint];
      return role ? `This report needs the "${role}" role on the API key.` : undefined;
    },
  };
}
