/**
 * destination-hyros' spec from its zod config schema, with the same Airbyte post-processing as the
 * source's (src/protocol/spec.ts): titles, order, secrets, no $ref/anyOf. Served from spec/destination-spec.json.
 */
import { DEFAULT_BASE_URL } from '../common/config.js';
import type { ConnectorSpecification } from '../protocol/messages.js';
import { connectionSpecification, type FieldUi } from '../protocol/spec.js';
import { SUPPORTED_SYNC_MODES } from './catalog.js';
import { destinationConfigSchema } from './config.js';
import { OBJECT_NAMES } from './objects.js';

export const DESTINATION_DOCUMENTATION_URL = 'https://github.com/hyros-airbyte/airbyte-hyros/blob/main/docs/integrations/destinations/hyros.md';

const FIELD_UI: Record<string, FieldUi> = {
  api_key: {
    title: 'API Key',
    description: 'Your Hyros API key (Hyros → Settings → API) with the "Create …" roles of the objects you write (Delete Orders for refunds).',
    secret: true,
  },
  base_url: { title: 'API Base URL', description: 'Root of the Hyros API. Change it only for a proxy or a test server; plain http:// is refused unless the host is loopback.', examples: [DEFAULT_BASE_URL] },
  account_id: { title: 'Client Account ID (agency)', description: 'Agency keys only: write into this connected client account (Accessible-Account-Id).', examples: ['acc-123'] },
  requests_per_second: { title: 'Requests per Second', description: 'Client-side pacing per API key, 1-1000. Hyros allows 30 per second; lower it when other tools share the key.', examples: [30] },
  requests_per_minute: { title: 'Requests per Minute', description: 'Client-side pacing per API key, 1-60000. Hyros allows 1000 per minute; lower it when other tools share the key.', examples: [1000] },
  max_concurrency: { title: 'Concurrent Requests', description: 'Writes in flight at once (1-64), all under the one rate limiter of the key.', examples: [16] },
  timezone: { title: 'Timezone of Naive Dates', description: 'How date-times without an offset (and bare dates) in records are read: an IANA zone or an offset such as -05:00. Hyros always gets an explicit offset.', examples: ['UTC', 'America/New_York', '-05:00'] },
  streams: { title: 'Stream → Object Mapping', description: `Which Hyros object (${OBJECT_NAMES.join(', ')}) each stream feeds, and optional renames (Hyros field → record field). Streams named orders, sales, leads, calls, refunds, subscriptions or carts need no entry.` },
  max_rejected_percent: { title: 'Max Rejected Percent', description: 'The sync fails (after echoing every state) when more than this share (0-100) of its records was rejected by Hyros or invalid.', examples: [10] },
  rejected_records_path: { title: 'Rejected Records File', description: 'Also append every rejected or invalid record, with its reasons, as a JSON line to this file (in an existing folder). A dry run writes its invalid records beside it instead, to <name>.dry-run<ext>, replaced on every dry run.', examples: ['/local/hyros-rejected.jsonl'] },
  write_confirmation: { title: 'Write Confirmation', description: 'accepted: a record counts as written when Hyros answers 200 OK. processed: when GET /requests/{id} reports PROCESSED (API v1.41+, "Get Request Status" role); a FAILED request is a rejected record.' },
  ambiguous_retry_after_seconds: { title: 'Resend Delay for Lost Answers (seconds)', description: 'A write whose answer was lost (timeout, reset) may have reached Hyros; it is sent again only after this delay (0-86400), when a resend updates instead of duplicating. The same delay separates two writes of one order or call.', examples: [60] },
  dry_run: { title: 'Dry Run', description: 'Validate and map every record and log the first payloads, but send nothing to Hyros and echo no state.' },
  request_timeout_seconds: { title: 'Request Timeout (seconds)', description: 'Connect, headers and body timeout of one request (1-600).', examples: [60] },
  max_retries: { title: 'Max Retries', description: 'Retries of one request on 5xx and connection failures, and resends of a write whose answer was lost (0-20).', examples: [6] },
  max_rate_limit_wait_seconds: { title: 'Max Rate-Limit Wait (seconds)', description: 'Total time one request may wait on 429 responses before the sync fails (0-86400).', examples: [900] },
};

const MAPPING_UI: Record<string, FieldUi> = {
  stream: { title: 'Stream', description: 'The incoming stream name.' },
  object: { title: 'Hyros Object', description: `One of ${OBJECT_NAMES.join(', ')}.` },
  fields: { title: 'Field Renames', description: 'Hyros field name → the record field holding it, e.g. {"email": "customer_email"}.' },
};

export function buildDestinationSpec(): ConnectorSpecification {
  return {
    documentationUrl: DESTINATION_DOCUMENTATION_URL,
    connectionSpecification: connectionSpecification('Hyros Destination Spec', destinationConfigSchema, FIELD_UI, { streams: MAPPING_UI }),
    supportsIncremental: true,
    supported_destination_sync_modes: [...SUPPORTED_SYNC_MODES],
  };
}
