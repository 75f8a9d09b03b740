/** One /attribution row turned into a record of its report stream. */
import { toIsoUtc } from '../../../common/time/index.js';
import type { JsonObject } from '../../../protocol/messages.js';
import { ATTRIBUTION_TEXT } from '../../streams/attribution.js';
import type { ReportDays } from '../../streams/declaration.js';

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
  report: Pick<ReportDays, 'level' | 'fields'>,
  date: string,
  dayStartMs: number,
  problem: NumberProblem = () => {},
): JsonObject | undefined {
  const id = row.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return undefined;
  const record: JsonObject = { date, level: report.level, id: String(id), occurred_at: toIsoUtc(dayStartMs) };
  for (const field of report.fields) {
    const value = row[field];
    record[field] = ATTRIBUTION_TEXT.has(field) ? (value === null || value === undefined ? null : String(value)) : asNumber(value, field, problem);
  }
  for (const [key, value] of Object.entries(row)) if (!(key in record)) record[key] = value;
  return record;
}
