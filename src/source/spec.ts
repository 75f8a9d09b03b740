/**
 * The source's spec: the titles, descriptions and order of its config fields over the zod schema
 * (src/source/config.ts), turned into Airbyte's connectionSpecification by src/protocol/spec.ts.
 */
import { configSchema, DEFAULT_BASE_URL } from './config.js';
import type { ConnectorSpecification, JsonObject } from '../protocol/messages.js';
import { connectionSpecification, type FieldUi } from '../protocol/spec.js';

export const DOCUMENTATION_URL = 'https://github.com/hyros-airbyte/airbyte-hyros/blob/main/docs/integrations/sources/hyros.md';

/** Top-level fields in the order the Airbyte UI shows them. */
const FIELD_UI: Record<string, FieldUi> = {
  api_key: {
    title: 'API Key',
    description: 'Your Hyros API key (Hyros → Settings → API). Sent as the API-Key header; it needs the "Get …" roles of the streams you sync.',
    secret: true,
  },
  start_date: {
    title: 'Start Date',
    description: 'Earliest occurred_at to replicate, inclusive. YYYY-MM-DD means 00:00:00 UTC of that day; a date-time needs Z or an offset.',
    examples: ['2025-01-01', '2025-01-01T00:00:00Z'],
  },
  end_date: {
    title: 'End Date',
    description: 'Latest occurred_at to replicate, inclusive. Leave empty to sync up to now (a later date is clamped to now).',
    examples: ['2025-12-31', '2025-12-31T23:59:59Z'],
  },
  lookback_window_days: {
    title: 'Lookback Window (days)',
    description: 'Each incremental sync re-reads this many days before the saved cursor, to pick up late writes, refunds and tag changes. Re-read records are emitted again: use a deduplicating destination mode.',
    examples: [3],
  },
  refund_lookback_days: {
    title: 'Refund Lookback (days)',
    description:
      'Hyros records a refund on the original sale, days or weeks later. Each incremental sync re-checks the refunded sales created in this many days and emits those refunded since the last sync (only the refunded sales\' pages are read). 0 turns the check off.',
    examples: [90],
  },
  subscription_lookback_days: {
    title: 'Subscription Status Lookback (days)',
    description:
      'Each incremental sync re-checks the subscriptions started in this many days that are no longer active or trialing (cancelled, past due, paused …) and emits those that changed since the last sync. 0 turns the check off.',
    examples: [365],
  },
  page_size: { title: 'Page Size', description: 'Records per request (Hyros pageSize, 1-250).', examples: [250] },
  requests_per_second: {
    title: 'Requests per Second',
    description: "Client-side pacing per API key. Hyros allows 30 per second; lower it when other tools share the key.",
    examples: [30],
  },
  requests_per_minute: {
    title: 'Requests per Minute',
    description: 'Client-side pacing per API key. Hyros allows 1000 per minute; lower it when other tools share the key.',
    examples: [1000],
  },
  base_url: {
    title: 'API Base URL',
    description: 'Root of the Hyros API. Change it only for a proxy or a test server; plain http:// is refused unless the host is loopback.',
    examples: [DEFAULT_BASE_URL],
  },
  window_size_days: {
    title: 'Largest Date Window (days)',
    description: 'Upper bound of one fromDate/toDate window. Smaller windows are used automatically so that enough windows run in parallel.',
    examples: [30],
  },
  max_concurrency: {
    title: 'Concurrent Requests',
    description: 'Date windows and streams fetched at the same time, all under the one rate limiter of the key. The default (15, half of the 30 requests a second Hyros allows) keeps the limit busy at round trips up to half a second; pages held in memory stay at two however many requests are on their way.',
    examples: [15],
  },
  request_timeout_seconds: {
    title: 'Request Timeout (seconds)',
    description: 'Connect, headers and body timeout of one request; a timed-out request is retried.',
    examples: [60],
  },
  max_retries: {
    title: 'Max Retries',
    description: 'Retries of one request on 5xx, timeouts and connection resets (exponential backoff with jitter).',
    examples: [6],
  },
  max_rate_limit_wait_seconds: {
    title: 'Max Rate-Limit Wait (seconds)',
    description: 'Total time one request may wait on 429 responses before the sync fails with a transient error.',
    examples: [900],
  },
  account_ids: {
    title: 'Client Account IDs (agency)',
    description: 'Agency keys only: sync these connected client accounts (accessibleAccounts[].accountId in user-info). Every record gets an account_id.',
    examples: [['acc-1', 'acc-2']],
  },
  all_accessible_accounts: {
    title: 'All Accessible Accounts (agency)',
    description: 'Agency keys only: sync every client account listed in user-info.accessibleAccounts.',
  },
  attribution_reports: {
    title: 'Attribution Reports',
    description: 'Each report becomes a stream attribution_<name> with one row per day and id (ad, ad set or campaign, depending on the level).',
  },
};

const REPORT_UI: Record<string, FieldUi> = {
  name: { title: 'Name', description: 'Stream suffix: the stream is attribution_<name>.', examples: ['facebook_adsets_daily'] },
  level: { title: 'Level', description: 'Hyros attribution level (which platform entity a row describes).' },
  attribution_model: { title: 'Attribution Model', description: 'last_click, first_click or scientific.' },
  fields: { title: 'Metrics', description: 'Metric names as documented by Hyros, e.g. revenue, sales, cost, roas.', examples: [['revenue', 'sales', 'cost']] },
  currency: { title: 'Currency', description: 'usd or user_currency (the account currency).' },
  source_configuration: { title: 'Source Configuration', description: 'Which sources count: all_sources, only_organic, only_paid, prioritize_organic, prioritize_paid.' },
  day_of_attribution: { title: 'Day of Attribution', description: 'When true the dates filter the clicks instead of the sales.' },
  scientific_days_range: { title: 'Scientific Days Range', description: 'Days range of the scientific model (1-30).' },
  window_attribution_days_range: { title: 'Window Attribution Days Range', description: 'Days range for discarding attribution (0-365).' },
  ignore_recurring_sales: { title: 'Ignore Recurring Sales', description: 'Leave recurring sales out.' },
  new_customer_configuration: { title: 'New Customer Configuration', description: 'all_customers, only_returning_customers or only_unique_customers.' },
  lookback_window_days: { title: 'Lookback (days)', description: 'Each incremental sync re-reads this many days: attributed revenue keeps arriving for days.' },
};

export function buildConnectionSpecification(): JsonObject {
  return connectionSpecification('Hyros Source Spec', configSchema, FIELD_UI, { attribution_reports: REPORT_UI });
}

export function buildSpec(): ConnectorSpecification {
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification: buildConnectionSpecification(),
  };
}
