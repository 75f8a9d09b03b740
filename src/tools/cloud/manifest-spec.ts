/**
 * The Cloud manifest's spec: the source's own config fields (titles, patterns, limits and defaults
 * come from the source's spec, so the two editions cannot drift), minus the settings the
 * declarative engine cannot honour, with the descriptions reworded where the engine behaves
 * differently.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { sourceSpec } from './source-adapter.js';

/** The source's settings the Cloud edition offers, in the order its form shows them. */
export const CLOUD_SETTINGS = [
  'api_key',
  'start_date',
  'end_date',
  'lookback_window_days',
  'page_size',
  'requests_per_second',
  'requests_per_minute',
  'window_size_days',
  'max_concurrency',
  'max_retries',
  'max_rate_limit_wait_seconds',
  'account_ids',
  'base_url',
] as const;

/** Where the Cloud edition's behaviour differs from the description the source gives. */
const DESCRIPTIONS: Partial<Record<(typeof CLOUD_SETTINGS)[number], string>> = {
  lookback_window_days:
    'Each incremental sync re-reads this many days before the saved cursor (the last record synced), to pick up late writes. Re-read records are emitted again: use a deduplicating destination mode.',
  window_size_days: 'Size of one fromDate/toDate window; each stream reads its range in windows of this size.',
  max_concurrency: 'Date windows and streams fetched at the same time, all under the one rate limit of the key.',
  max_retries: 'Retries of one request on 5xx, 429 and connection errors before the stream fails.',
  max_rate_limit_wait_seconds: 'Longest Retry-After a 429 may ask for; a longer one fails the stream instead of waiting.',
  account_ids:
    'Agency keys only: sync these connected client accounts (accessibleAccounts[].accountId in user-info) instead of the key\'s own account. Every record gets an account_id.',
  base_url:
    'Root of the Hyros API. Change it only for a proxy or a test server; it must be https://, or http:// on a loopback host.',
};

/** https anywhere, plain http only on a loopback host (the API key is never sent in clear text). */
export const BASE_URL_PATTERN = String.raw`^(https://[^\s/?#]+|http://(localhost|127(\.[0-9]{1,3}){3}|\[::1\])(:[0-9]{1,5})?)(/\S*)?$`;

export function manifestSpec(): JsonObject {
  const source = sourceSpec();
  const properties: Record<string, JsonObject> = {};
  CLOUD_SETTINGS.forEach((name, order) => {
    const property = source.properties[name];
    if (!property) throw new Error(`the source's spec has no ${name}`);
    const description = DESCRIPTIONS[name];
    properties[name] = {
      ...structuredClone(property),
      ...(description === undefined ? {} : { description }),
      ...(name === 'base_url' ? { pattern: BASE_URL_PATTERN } : {}),
      order,
    };
  });
  return {
    type: 'Spec',
    documentation_url: source.documentationUrl,
    connection_specification: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: source.title,
      type: 'object',
      required: ['api_key', 'start_date'],
      additionalProperties: true,
      properties,
    },
  };
}

/** The source's settings the Cloud edition leaves out (the docs list each with its consequence). */
export function omittedSettings(): string[] {
  const offered = new Set<string>(CLOUD_SETTINGS);
  return Object.keys(sourceSpec().properties).filter((name) => !offered.has(name));
}
