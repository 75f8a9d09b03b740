/**
 * The connector's configuration: one zod schema is the single source of truth. The `spec`
 * command's connectionSpecification is generated from it (src/source/spec.ts), and every config file is
 * validated against it with messages that name the field and say what is expected.
 */
import { z } from 'zod';
import { connectionFields, int, parseBaseUrl, parseConfigObject, readJsonFile } from '../common/config.js';
import { ISO_DATE_OR_DATETIME_PATTERN, ISO_HINT, parseIsoInstant, TimeProblem } from '../common/time/index.js';
import { configError } from '../common/errors.js';
import { ATTRIBUTION_LEVELS, ATTRIBUTION_METRICS, ATTRIBUTION_MODELS } from './streams/attribution-catalog.js';

export { DEFAULT_BASE_URL, isLoopbackHost, readJsonFile } from '../common/config.js';

const DATE_HINT = `expected ${ISO_HINT}`;
const DATE_PATTERN = new RegExp(ISO_DATE_OR_DATETIME_PATTERN);

/**
 * Why a config date is refused: the component the time module names (with the value), or the
 * expected form when the text is no date-time at all. One message per field, whether the spec's
 * pattern or the parser caught it.
 */
function dateMessage(value: unknown): string {
  const parsed = typeof value === 'string' ? parseIsoInstant(value) : undefined;
  if (parsed instanceof TimeProblem && parsed.component !== 'format') {
    return `${JSON.stringify(value)} is not a real calendar date/time: ${parsed.reason}; ${DATE_HINT}`;
  }
  return DATE_HINT;
}

// The pattern check carries no message of its own: the error map words it from the parser.
const configDate = z
  .string({ errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_string' ? dateMessage(ctx.data) : DATE_HINT }) })
  .regex(DATE_PATTERN)
  .superRefine((value, ctx) => {
    // Past the pattern, only what a pattern cannot say: days per month, offsets past 18:00.
    if (DATE_PATTERN.test(value) && parseIsoInstant(value) instanceof TimeProblem) ctx.addIssue({ code: 'custom', message: dateMessage(value) });
  });

const attributionReport = z.object({
  name: z
    .string({ required_error: 'is required' })
    .regex(/^[a-z0-9_]{1,40}$/, 'expected 1-40 lower-case letters, digits or underscores (the stream is named attribution_<name>)'),
  level: z.enum(ATTRIBUTION_LEVELS, {
    errorMap: () => ({ message: `expected one of ${ATTRIBUTION_LEVELS.join(', ')}` }),
  }),
  attribution_model: z
    .enum(ATTRIBUTION_MODELS, { errorMap: () => ({ message: `expected one of ${ATTRIBUTION_MODELS.join(', ')}` }) })
    .default('last_click'),
  fields: z
    .array(
      z.enum(ATTRIBUTION_METRICS, {
        errorMap: (_issue, ctx) => ({
          message: `unknown metric ${JSON.stringify(ctx.data)}; use metric names from the Hyros attribution documentation (e.g. revenue, sales, cost, roas)`,
        }),
      }),
      { invalid_type_error: 'expected a list of metric names' },
    )
    .min(1, 'expected at least one metric name'),
  currency: z.enum(['usd', 'user_currency']).default('user_currency'),
  source_configuration: z
    .enum(['all_sources', 'only_organic', 'only_paid', 'prioritize_organic', 'prioritize_paid'])
    .optional(),
  day_of_attribution: z.boolean().default(false),
  scientific_days_range: int(1, 30, 'an integer from 1 to 30').default(30),
  window_attribution_days_range: int(0, 365, 'an integer from 0 to 365').default(0),
  ignore_recurring_sales: z.boolean().default(false),
  new_customer_configuration: z
    .enum(['all_customers', 'only_returning_customers', 'only_unique_customers'])
    .default('all_customers'),
  lookback_window_days: int(0, 90, 'an integer from 0 to 90').default(7),
});

export const configSchema = z
  .object({
    api_key: connectionFields.api_key,
    start_date: configDate,
    end_date: configDate.optional(),
    lookback_window_days: int(0, 365, 'an integer from 0 to 365').default(3),
    // Hyros records a refund on the original sale (refund windows run 14–60 days, money-back
    // guarantees up to 90): each incremental run re-checks the refunded sales of this many days.
    refund_lookback_days: int(0, 730, 'an integer from 0 to 730').default(90),
    // Subscriptions end or pause months after they start: the non-active ones started in this many
    // days are re-checked on each incremental run.
    subscription_lookback_days: int(0, 3650, 'an integer from 0 to 3650').default(365),
    page_size: int(1, 250, 'an integer from 1 to 250').default(250),
    requests_per_second: connectionFields.requests_per_second,
    requests_per_minute: connectionFields.requests_per_minute,
    base_url: connectionFields.base_url,
    window_size_days: int(1, 365, 'an integer from 1 to 365').default(30),
    max_concurrency: int(1, 64, 'an integer from 1 to 64').default(15),
    request_timeout_seconds: connectionFields.request_timeout_seconds,
    max_retries: connectionFields.max_retries,
    max_rate_limit_wait_seconds: connectionFields.max_rate_limit_wait_seconds,
    account_ids: z
      .array(z.string().min(1, 'must not be empty'), { invalid_type_error: 'expected a list of account ids' })
      .optional(),
    all_accessible_accounts: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
    attribution_reports: z.array(attributionReport, { invalid_type_error: 'expected a list of reports' }).optional(),
  })
  .passthrough();

export type Config = z.output<typeof configSchema>;
export type AttributionReportConfig = z.output<typeof attributionReport>;

/** A validated config plus the values derived from it once. */
export interface ResolvedConfig extends Config {
  startMs: number;
  endMs: number | undefined;
  baseUrl: URL;
}

/** Validates a parsed config object; throws a config_error naming every bad field. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  const config = parseConfigObject(configSchema, raw, 'api_key and start_date');
  const startMs = parseIsoInstant(config.start_date) as number;
  const endMs = config.end_date === undefined ? undefined : (parseIsoInstant(config.end_date) as number);
  if (endMs !== undefined && endMs < startMs) {
    throw configError(`Invalid config: end_date: ${config.end_date} is before start_date ${config.start_date}; set an end_date on or after start_date, or leave it empty to sync up to now.`);
  }
  const baseUrl = parseBaseUrl(config.base_url);
  if (config.account_ids !== undefined && config.all_accessible_accounts) {
    throw configError('Invalid config: account_ids: set either account_ids or all_accessible_accounts, not both.');
  }
  const names = new Set<string>();
  for (const report of config.attribution_reports ?? []) {
    if (names.has(report.name)) {
      throw configError(`Invalid config: attribution_reports: the name ${JSON.stringify(report.name)} is used twice; each report needs its own name.`);
    }
    names.add(report.name);
  }
  return { ...config, startMs, endMs, baseUrl };
}

/** Reads, parses and validates the --config file. */
export async function loadConfig(path: string): Promise<ResolvedConfig> {
  return resolveConfig(await readJsonFile(path, 'config'));
}
