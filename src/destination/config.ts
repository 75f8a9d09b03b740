/**
 * destination-hyros' configuration: one zod schema, the single source
 * of the destination's spec and of every config message. The connection fields are the source's own.
 */
import { z } from 'zod';
import { connectionFields, int, parseBaseUrl, parseConfigObject, readJsonFile, type ConnectionSettings } from '../common/config.js';
import { DayClock, readTimezone, TimeProblem } from '../common/time/index.js';
import { configError } from '../common/errors.js';
import { OBJECT_NAMES, type ObjectName } from './objects.js';

const streamMapping = z.object({
  stream: z.string({ required_error: 'is required' }).min(1, 'must not be empty'),
  object: z.enum(OBJECT_NAMES as [ObjectName, ...ObjectName[]], {
    errorMap: () => ({ message: `expected one of ${OBJECT_NAMES.join(', ')}` }),
  }),
  fields: z
    .record(z.string().min(1, 'must not be empty'), { invalid_type_error: 'expected an object of Hyros field name → record field name' })
    .optional(),
});

export const destinationConfigSchema = z
  .object({
    api_key: connectionFields.api_key,
    base_url: connectionFields.base_url,
    account_id: z.string({ invalid_type_error: 'expected a client account id' }).min(1, 'must not be empty').optional(),
    requests_per_second: connectionFields.requests_per_second,
    requests_per_minute: connectionFields.requests_per_minute,
    max_concurrency: int(1, 64, 'an integer from 1 to 64').default(16),
    timezone: z.string({ invalid_type_error: 'expected an IANA time zone or an offset such as -05:00' }).default('UTC'),
    streams: z.array(streamMapping, { invalid_type_error: 'expected a list of {stream, object, fields?}' }).optional(),
    max_rejected_percent: z
      .number({ invalid_type_error: 'expected a number from 0 to 100' })
      .min(0, 'expected a number from 0 to 100')
      .max(100, 'expected a number from 0 to 100')
      .default(10),
    rejected_records_path: z.string({ invalid_type_error: 'expected a file path' }).min(1, 'must not be empty').optional(),
    write_confirmation: z
      .enum(['accepted', 'processed'], { errorMap: () => ({ message: 'expected accepted or processed' }) })
      .default('accepted'),
    ambiguous_retry_after_seconds: int(0, 86400, 'an integer from 0 to 86400').default(60),
    dry_run: z.boolean({ invalid_type_error: 'expected true or false' }).default(false),
    request_timeout_seconds: connectionFields.request_timeout_seconds,
    max_retries: connectionFields.max_retries,
    max_rate_limit_wait_seconds: connectionFields.max_rate_limit_wait_seconds,
  })
  .passthrough();

export type DestinationConfig = z.output<typeof destinationConfigSchema>;

export interface ResolvedDestinationConfig extends DestinationConfig, ConnectionSettings {
  baseUrl: URL;
  /** Reads date-times without an offset in the configured timezone. */
  clock: DayClock;
}

export function resolveDestinationConfig(raw: unknown): ResolvedDestinationConfig {
  const config = parseConfigObject(destinationConfigSchema, raw, 'api_key');
  const baseUrl = parseBaseUrl(config.base_url);
  const offsetAt = readTimezone(config.timezone);
  if (offsetAt instanceof TimeProblem) {
    const why = offsetAt.component === 'offset' ? `: ${offsetAt.reason}` : '';
    throw configError(`Invalid config: timezone: expected an IANA time zone such as America/New_York or an offset such as -05:00, got ${JSON.stringify(config.timezone)}${why}.`);
  }
  const seen = new Set<string>();
  for (const mapping of config.streams ?? []) {
    if (seen.has(mapping.stream)) throw configError(`Invalid config: streams: the stream ${JSON.stringify(mapping.stream)} is mapped twice; keep one entry per stream.`);
    seen.add(mapping.stream);
  }
  return { ...config, baseUrl, clock: new DayClock(offsetAt) };
}

export async function loadDestinationConfig(path: string): Promise<ResolvedDestinationConfig> {
  return resolveDestinationConfig(await readJsonFile(path, 'config'));
}
