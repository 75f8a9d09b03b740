/**
 * The connector's configuration: one zod schema is the single source of truth. The `spec`
 * command's connectionSpecification is generated from it (src/spec.ts), and every config file is
 * validated against it with messages that name the field and say what is expected.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DATE_OR_DATETIME_PATTERN, parseIsoDate } from './dates.js';
import { configError, ConnectorError } from './errors.js';
import { ATTRIBUTION_LEVELS, ATTRIBUTION_METRICS, ATTRIBUTION_MODELS } from './streams/attribution-catalog.js';

export const DEFAULT_BASE_URL = 'https://api.hyros.com/v1/api/v1.0';

const DATE_HINT = 'expected YYYY-MM-DD or an ISO-8601 date-time such as 2026-01-31T00:00:00Z';

const configDate = z
  .string({ required_error: 'is required', invalid_type_error: DATE_HINT })
  .regex(new RegExp(DATE_OR_DATETIME_PATTERN), DATE_HINT)
  .refine((value) => parseIsoDate(value) !== undefined, { message: `is not a real calendar date/time; ${DATE_HINT}` });

const int = (min: number, max: number, what: string) =>
  z
    .number({ invalid_type_error: `expected ${what}` })
    .int(`expected a whole number (${what})`)
    .min(min, `expected ${what}`)
    .max(max, `expected ${what}`);

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
    api_key: z.string({ required_error: 'is required', invalid_type_error: 'expected a string' }).min(1, 'must not be empty'),
    start_date: configDate,
    end_date: configDate.optional(),
    lookback_window_days: int(0, 365, 'an integer from 0 to 365').default(3),
    page_size: int(1, 250, 'an integer from 1 to 250').default(250),
    requests_per_second: int(1, 1000, 'an integer from 1 to 1000').default(30),
    requests_per_minute: int(1, 60000, 'an integer from 1 to 60000').default(1000),
    base_url: z.string({ invalid_type_error: 'expected an http(s) URL' }).default(DEFAULT_BASE_URL),
    window_size_days: int(1, 365, 'an integer from 1 to 365').default(30),
    max_concurrency: int(1, 64, 'an integer from 1 to 64').default(8),
    request_timeout_seconds: int(1, 600, 'an integer from 1 to 600').default(60),
    max_retries: int(0, 20, 'an integer from 0 to 20').default(6),
    max_rate_limit_wait_seconds: int(0, 86400, 'an integer from 0 to 86400').default(900),
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

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

function formatIssue(issue: z.ZodIssue): string {
  const path = issue.path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return `${path}: is required`;
  return `${path || 'config'}: ${issue.message}`;
}

/** Validates a parsed config object; throws a config_error naming every bad field. */
export function resolveConfig(raw: unknown): ResolvedConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw configError('The config must be a JSON object with at least api_key and start_date.');
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(formatIssue);
    throw configError(`Invalid config: ${problems.join('; ')}.`);
  }
  const config = parsed.data;
  const startMs = parseIsoDate(config.start_date) as number;
  const endMs = config.end_date === undefined ? undefined : (parseIsoDate(config.end_date) as number);
  if (endMs !== undefined && endMs < startMs) {
    throw configError(`Invalid config: end_date: ${config.end_date} is before start_date ${config.start_date}; set an end_date on or after start_date, or leave it empty to sync up to now.`);
  }
  let baseUrl: URL;
  try {
    baseUrl = new URL(config.base_url);
  } catch {
    throw configError(`Invalid config: base_url: expected an http(s) URL such as ${DEFAULT_BASE_URL}, got ${JSON.stringify(config.base_url)}.`);
  }
  if (baseUrl.protocol !== 'https:' && baseUrl.protocol !== 'http:') {
    throw configError(`Invalid config: base_url: expected an http(s) URL such as ${DEFAULT_BASE_URL}, got ${JSON.stringify(config.base_url)}.`);
  }
  if (baseUrl.protocol === 'http:' && !isLoopbackHost(baseUrl.hostname)) {
    throw configError(`Invalid config: base_url: plain http:// is only allowed for a loopback host; use https://${baseUrl.host}${baseUrl.pathname} so the API key is not sent in clear text.`);
  }
  if (!baseUrl.pathname.endsWith('/')) baseUrl.pathname += '/';
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

/** Reads a JSON input file; every failure is a config_error naming the file and what to do. */
export async function readJsonFile(path: string, what: string, options: { allowEmpty?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    throw configError(`The ${what} file ${path} ${reason}; pass the path of a JSON file with --${what}.`);
  }
  if (text.trim() === '') {
    if (options.allowEmpty) return undefined;
    throw configError(`The ${what} file ${path} is empty; it must contain a JSON object.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ConnectorError(`The ${what} file ${path} is not valid JSON (${(error as Error).message}).`, 'config_error');
  }
}
