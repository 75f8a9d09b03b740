/**
 * What an attribution report stream looks like: its name, its record schema (key columns plus one
 * column per requested field), its catalog entry, and one /attribution row turned into a record.
 */
import type { AttributionReportConfig } from '../../config.js';
import { toIsoUtc } from '../../../common/time/index.js';
import type { AirbyteStream, JsonObject } from '../../../protocol/messages.js';
import { ATTRIBUTION_COUNT_METRICS, ATTRIBUTION_TEXT_FIELDS } from '../../streams/attribution-catalog.js';
import { ACCOUNT_ID_SCHEMA, OCCURRED_AT_SCHEMA } from '../../streams/definitions.js';
import { recordSchema } from '../../streams/schema-builders.js';

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
