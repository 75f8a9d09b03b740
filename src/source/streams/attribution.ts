/**
 * Attribution report streams (GET /attribution): one declaration
 * `attribution_<name>` per configured report, one record per (account-local day, id).
 */
import type { AttributionReportConfig } from '../config.js';
import type { JsonObject } from '../../protocol/messages.js';
import { ATTRIBUTION_COUNT_METRICS, ATTRIBUTION_TEXT_FIELDS } from './attribution-catalog.js';
import type { QueryParamList, ReportIds, StreamDeclaration } from './declaration.js';
import { OCCURRED_AT_SCHEMA } from './definitions.js';

export const ATTRIBUTION_TEXT = new Set<string>(ATTRIBUTION_TEXT_FIELDS);

/** Ids per request of a report (≤ 50, and a bounded URL; see read/batch-ids.ts). */
const IDS_PER_REQUEST = 50;
/** GET /attribution answers at most this many rows per page. */
const MAX_PAGE_SIZE = 250;

/** Levels whose entities /sources lists as `adSource.adSourceId`. */
const SOURCE_LINK_LEVELS = new Set(['facebook_adset', 'google_campaign', 'tiktok_adgroup', 'snapchat_adsquad', 'linkedin_campaign']);

export type IdSource = Pick<ReportIds, 'path' | 'platform'>;

/**
 * Where a level's ids come from: ad ids from /ads, source-link ids from
 * /sources, and for the other levels (campaigns of Facebook, Google v2 ad groups, …), whose ids no
 * read endpoint lists, one ad account per request with `isAdAccountId=true`, which makes Hyros
 * report every entity of that account at the level.
 */
export function idSource(level: string): IdSource {
  const platform = (level.split('_')[0] ?? level).toUpperCase();
  if (/_ad$/.test(level)) return { path: 'ads', platform };
  return { path: SOURCE_LINK_LEVELS.has(level) ? 'sources' : 'ad-accounts', platform };
}

/** The report's optional knobs, as query parameters (sent after `ids`). */
function reportOptions(report: AttributionReportConfig): QueryParamList {
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

/** The record properties of a report: its key columns plus one column per requested field. */
function reportProperties(fields: readonly string[]): Record<string, JsonObject> {
  const properties: Record<string, JsonObject> = {
    date: { type: 'string', format: 'date' },
    level: { type: 'string' },
    id: { type: 'string' },
    occurred_at: OCCURRED_AT_SCHEMA,
  };
  for (const field of fields) {
    properties[field] = ATTRIBUTION_TEXT.has(field) ? { type: ['null', 'string'] } : { type: ['null', ATTRIBUTION_COUNT_METRICS.has(field) ? 'integer' : 'number'] };
  }
  return properties;
}

export function attributionDeclaration(report: AttributionReportConfig): StreamDeclaration {
  const source = idSource(report.level);
  // With isAdAccountId=true a request takes exactly one ad account.
  const byAdAccount = source.path === 'ad-accounts';
  return {
    name: `attribution_${report.name}`,
    path: 'attribution',
    primaryKey: [['date'], ['level'], ['id']],
    properties: reportProperties(report.fields),
    role: 'Get Attribution',
    maxPageSize: MAX_PAGE_SIZE,
    partitioning: {
      kind: 'report-days',
      cursorSource: 'occurred_at',
      lookbackDays: report.lookback_window_days,
      ids: { ...source, maxPerRequest: byAdAccount ? 1 : IDS_PER_REQUEST },
      model: report.attribution_model,
      level: report.level,
      fields: report.fields,
      options: [...(byAdAccount ? [['isAdAccountId', 'true'] as const] : []), ...reportOptions(report)],
    },
  };
}
