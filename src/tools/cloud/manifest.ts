/**
 * The Cloud edition: a declarative (Connector Builder) manifest generated from the source's stream
 * declarations (source-adapter.ts), run on Airbyte Cloud by airbyte-cdk's declarative engine.
 * Shared pieces (requester, paginator, cursor, templates) live under `definitions` and streams
 * refer to them with `$ref`, as a Builder export does.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { manifestSpec } from './manifest-spec.js';
import { cloudStreams, type CloudStream } from './source-adapter.js';
import {
  configDate,
  configValue,
  IN_WINDOW_CONDITION,
  OCCURRED_AT_TEMPLATE,
  RENDERED_CONDITION,
  SYNC_END,
  UTC_FORMAT,
  UTC_TIMESTAMP_TEMPLATE,
} from './templates.js';
import type { YamlValue } from './yaml.js';

/** The airbyte-cdk release the manifest is written for and tested with (the Python test harness pins it). */
export const CDK_VERSION = '7.39.1';

const DEFAULT_BASE_URL = 'https://api.hyros.com/v1/api/v1.0';
const ref = (path: string): string => `#/definitions/${path}`;
const option = (where: 'header' | 'request_parameter', field: string): JsonObject => ({ type: 'RequestOption', inject_into: where, field_name: field });

function errorHandler(): JsonObject {
  const fail = (codes: number[], message: string): JsonObject => ({
    type: 'HttpResponseFilter',
    http_codes: codes,
    action: 'FAIL',
    failure_type: 'config_error',
    error_message: message,
  });
  return {
    type: 'DefaultErrorHandler',
    max_retries: configValue('max_retries', 6),
    backoff_strategies: [
      // Hyros sends Retry-After with every 429; a 5xx without it backs off exponentially.
      { type: 'WaitTimeFromHeader', header: 'Retry-After', max_waiting_time_in_seconds: configValue('max_rate_limit_wait_seconds', 900) },
      { type: 'ExponentialBackoffStrategy', factor: 2 },
    ],
    response_filters: [
      fail([401], 'Hyros rejected the API key (HTTP 401). Check api_key: Hyros → Settings → API.'),
      fail([403], 'The API key lacks the role for {{ request_url }} (HTTP 403), or a client account in account_ids is not connected to it. Add the role under Settings → API in Hyros, or deselect the stream.'),
      fail([404], 'Hyros answered 404 for {{ request_url }}: this account\'s Hyros API version does not offer the endpoint. Deselect the stream.'),
      // An expired or rebound page cursor: read the window again from its first page.
      { type: 'HttpResponseFilter', http_codes: [400], error_message_contains: 'Invalid pageId', action: 'RESET_PAGINATION' },
      { type: 'HttpResponseFilter', http_codes: [429], action: 'RATE_LIMITED' },
      { type: 'HttpResponseFilter', http_codes: [500, 502, 503, 504], action: 'RETRY' },
    ],
  };
}

function sharedDefinitions(): JsonObject {
  return {
    templates: { utc_timestamp: UTC_TIMESTAMP_TEMPLATE, occurred_at: OCCURRED_AT_TEMPLATE },
    requester: {
      type: 'HttpRequester',
      http_method: 'GET',
      authenticator: {
        type: 'ApiKeyAuthenticator',
        api_token: "{{ config['api_key'] }}",
        inject_into: option('header', 'API-Key'),
      },
      connect_timeout_in_seconds: 30,
      read_timeout_in_seconds: 60,
      error_handler: errorHandler(),
    },
    paginator: {
      type: 'DefaultPaginator',
      page_size_option: option('request_parameter', 'pageSize'),
      page_token_option: option('request_parameter', 'pageId'),
      pagination_strategy: {
        type: 'CursorPagination',
        page_size: configValue('page_size', 250),
        cursor_value: "{{ response.get('nextPageId') }}",
        // The last page has no nextPageId; an empty page ends the chain even if it carries one.
        stop_condition: "{{ not response.get('nextPageId') or not response.get('result') }}",
      },
    },
    incremental_sync: {
      type: 'DatetimeBasedCursor',
      cursor_field: 'occurred_at',
      datetime_format: UTC_FORMAT,
      cursor_datetime_formats: [UTC_FORMAT, '%Y-%m-%dT%H:%M:%S.%fZ'],
      start_datetime: { type: 'MinMaxDatetime', datetime: configDate('start_date'), datetime_format: UTC_FORMAT },
      end_datetime: { type: 'MinMaxDatetime', datetime: SYNC_END, datetime_format: UTC_FORMAT },
      // Windows [start, start + step − 1 s]; the last one ends at the sync end, inclusive.
      step: `P${configValue('window_size_days', 30)}D`,
      cursor_granularity: 'PT1S',
      // The saved cursor is the last record synced: the next sync starts lookback days before it,
      // or one second after it when there is no lookback (it was emitted already).
      lookback_window: "{%- set days = config.get('lookback_window_days', 3) | int -%}{{ ('P' ~ days ~ 'D') if days > 0 else '-PT1S' }}",
      start_time_option: option('request_parameter', 'fromDate'),
      end_time_option: option('request_parameter', 'toDate'),
    },
    account_partitions: {
      type: 'ListPartitionRouter',
      cursor_field: 'account_id',
      values: "{{ config['account_ids'] }}",
      request_option: option('header', 'Accessible-Account-Id'),
    },
  };
}

/** Dot paths of the `format: date-time` properties of a record schema, nested objects included. */
export function timestampPaths(schema: JsonObject, prefix: string[] = []): string[][] {
  const paths: string[][] = [];
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)) {
    if (property.format === 'date-time') paths.push([...prefix, name]);
    else if (property.properties) paths.push(...timestampPaths(property, [...prefix, name]));
  }
  return paths;
}

function addField(path: string[], value: string, parameters: JsonObject, condition?: string): JsonObject {
  return {
    type: 'AddFields',
    ...(condition === undefined ? {} : { condition }),
    ...(Object.keys(parameters).length === 0 ? {} : { $parameters: parameters }),
    fields: [{ type: 'AddedFieldDefinition', path, value, value_type: 'string' }],
  };
}

function transformations(stream: CloudStream): JsonObject[] {
  const steps: JsonObject[] = [];
  // `occurred_at` is computed below; every timestamp Hyros sends is rewritten in place.
  for (const path of timestampPaths(stream.jsonSchema)) {
    if (path.length === 1 && path[0] === 'occurred_at') continue;
    if (path.length > 2) throw new Error(`${stream.name}: the timestamp template reads fields at most one object deep, not ${path.join('.')}`);
    steps.push(addField(path, ref('templates/utc_timestamp'), { timestamp_path: path }, RENDERED_CONDITION));
  }
  if (stream.keyCopy) {
    // Written as a string, as the source does; `None` (nothing written) when the nested key is missing.
    const access = stream.keyCopy.from.reduce((expression, key) => `(${expression} or {}).get('${key}')`, 'record');
    steps.push(addField([stream.keyCopy.field], `{{ ${access} }}`, {}, RENDERED_CONDITION));
  }
  if (stream.incremental) steps.push(addField(['occurred_at'], ref('templates/occurred_at'), { cursor_source: stream.cursorSource as string }));
  return steps;
}

function declarativeStream(stream: CloudStream): JsonObject {
  return {
    type: 'DeclarativeStream',
    name: stream.name,
    primary_key: stream.primaryKey.map((key) => key.join('.')),
    retriever: {
      type: 'SimpleRetriever',
      requester: { $ref: ref('requester'), url: `{{ (config.get('base_url') or '${DEFAULT_BASE_URL}').rstrip('/') }}/${stream.path}` },
      paginator: { $ref: ref('paginator') },
      record_selector: {
        type: 'RecordSelector',
        extractor: { type: 'DpathExtractor', field_path: ['result'] },
        ...(stream.incremental ? { record_filter: { type: 'RecordFilter', condition: IN_WINDOW_CONDITION }, transform_before_filtering: true } : {}),
      },
    },
    ...(stream.incremental ? { incremental_sync: { $ref: ref('incremental_sync') } } : {}),
    transformations: transformations(stream),
    schema_loader: { type: 'InlineSchemaLoader', schema: { $ref: `#/schemas/${stream.name}` } },
  };
}

/** The same stream over the client accounts of `account_ids`: one partition per account, keyed by it. */
function agencyStream(stream: CloudStream): JsonObject {
  const extra = Object.fromEntries(Object.entries(stream.agencyJsonSchema.properties as JsonObject).filter(([name]) => !(name in (stream.jsonSchema.properties as JsonObject))));
  return {
    $ref: ref(`streams/${stream.name}`),
    primary_key: ['account_id', ...stream.primaryKey.map((key) => key.join('.'))],
    retriever: { $ref: ref(`streams/${stream.name}/retriever`), partition_router: { $ref: ref('account_partitions') } },
    // The stream's own steps (by reference), then the client account of the record's partition.
    transformations: [
      ...transformations(stream).map((_, index) => ref(`streams/${stream.name}/transformations/${index}`)),
      addField(['account_id'], "{{ stream_partition['account_id'] }}", {}),
    ],
    schema_loader: {
      type: 'InlineSchemaLoader',
      schema: { $ref: `#/schemas/${stream.name}`, properties: { $ref: `#/schemas/${stream.name}/properties`, ...extra } },
    },
  };
}

const DESCRIPTION =
  'Hyros (leads, sales, calls, subscriptions, carts and the dimension tables) for Airbyte Cloud, generated from the ' +
  'stream declarations of the full source-hyros connector. What this edition does not do is listed in its README.';

export function buildManifest(): { [key: string]: YamlValue } {
  const streams = cloudStreams();
  const own = Object.fromEntries(streams.map((stream) => [stream.name, declarativeStream(stream)]));
  const agency = Object.fromEntries(streams.map((stream) => [stream.name, agencyStream(stream)]));
  const manifest: JsonObject = {
    version: CDK_VERSION,
    type: 'DeclarativeSource',
    description: DESCRIPTION,
    check: { type: 'CheckStream', stream_names: ['stages'] },
    definitions: { ...sharedDefinitions(), streams: own, agency_streams: agency },
    streams: [
      {
        type: 'ConditionalStreams',
        condition: "{{ not config.get('account_ids') }}",
        streams: streams.map((stream) => ref(`streams/${stream.name}`)),
      },
      {
        type: 'ConditionalStreams',
        condition: "{{ (config.get('account_ids') or []) | length > 0 }}",
        streams: streams.map((stream) => ref(`agency_streams/${stream.name}`)),
      },
    ],
    schemas: Object.fromEntries(streams.map((stream) => [stream.name, stream.jsonSchema])),
    spec: manifestSpec(),
    concurrency_level: { type: 'ConcurrencyLevel', default_concurrency: configValue('max_concurrency', 15), max_concurrency: 64 },
    api_budget: {
      type: 'HTTPAPIBudget',
      // On a response saying no call is left (or a 429) the engine fills its bucket and waits for it to drain.
      ratelimit_remaining_header: 'X-RateLimit-Remaining',
      status_codes_for_ratelimit_hit: [429],
      policies: [
        {
          type: 'MovingWindowCallRatePolicy',
          rates: [
            { limit: configValue('requests_per_second', 30), interval: 'PT1S' },
            { limit: configValue('requests_per_minute', 1000), interval: 'PT1M' },
          ],
          matchers: [],
        },
      ],
    },
  };
  return manifest as { [key: string]: YamlValue };
}
