/**
 * Every Hyros stream as data: endpoint, primary key, the field `occurred_at` comes from (which
 * makes a stream incremental, read in date windows), and the record schema. One generic engine
 * (src/source/engine) reads them all; nothing here touches HTTP.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { recordSchema, timestampPaths } from './schema-builders.js';
import * as schemas from './schemas.js';

export interface StreamDefinition {
  name: string;
  /** Path relative to base_url, e.g. `leads` or `tags/count`. */
  path: string;
  primaryKey: string[][];
  /** Field whose time becomes `occurred_at`; set for incremental (date-windowed) streams. */
  cursorSource?: string;
  /**
   * A nested natural key copied to a top-level field of each record, which is then the primary key:
   * Airbyte's destinations and PyAirbyte refuse nested primary keys ("Nested primary keys are not
   * supported", PyAirbyte 0.71), so `ads` is keyed by `ad_source_id` = `adSource.adSourceId`.
   */
  keyCopy?: { field: string; from: readonly string[] };
  /** Record properties as Hyros sends them (occurred_at / account_id are added by the engine). */
  properties: Record<string, JsonObject>;
  /** The key role Hyros needs for this endpoint (named in 403 messages). */
  role: string;
  /** Hyros API version that introduced the endpoint, named when an older API answers 404. */
  since?: string;
  /** How an incremental run also catches later changes to records created before its cursor. */
  changes?: ChangeTracking;
  /**
   * A child stream: its records are fetched per record of this parent stream (read in the parent's
   * windows and change pass); the state follows the parent records covered.
   */
  parent?: string;
}

/**
 * The change pass of a stream (state key `changed_at`): one request chain per run over the
 * records created before the run's creation windows that changed since the last run.
 */
export type ChangeTracking =
  /** Hyros filters on the change time itself (`/leads` updatedFromDate/updatedToDate, v1.39+). */
  | { kind: 'updated-filter'; fromParam: string; toParam: string; changedAt: string; since: string }
  /**
   * Hyros filters on a state (refunded, not active) only: the records in that state created in the
   * last `rangeOption` days are read, and those whose change time (the first of `changedAt`
   * present; none known → always) is not older than the change cursor are emitted.
   */
  | {
      kind: 'state-filter';
      params: ReadonlyArray<readonly [string, string]>;
      changedAt: readonly string[];
      rangeOption: 'refund_lookback_days' | 'subscription_lookback_days';
      /**
       * The change time is when the change happened (a refund): one after the sync end is left to
       * the sync that covers it. Otherwise it may be scheduled ahead (a subscription's end) while the
       * record has already changed.
       */
      eventTime: boolean;
    };

/** The subscription states that are not ACTIVE/TRIALING (hyros-api.md §2.1). */
const ENDED_SUBSCRIPTION_STATES = ['CANCELED', 'PAST_DUE', 'INCOMPLETE', 'INCOMPLETE_EXPIRED', 'UNPAID', 'COMPLETED', 'PAUSED'];

export const STREAMS: readonly StreamDefinition[] = [
  {
    name: 'leads', path: 'leads', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.leadProperties, role: 'Get Leads',
    changes: { kind: 'updated-filter', fromParam: 'updatedFromDate', toParam: 'updatedToDate', changedAt: 'lastUpdatedDate', since: 'v1.39' },
  },
  {
    name: 'sales', path: 'sales', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.saleProperties, role: 'Get Sales',
    changes: { kind: 'state-filter', params: [['saleRefundedState', 'REFUNDED']], changedAt: ['refundDate'], rangeOption: 'refund_lookback_days', eventTime: true },
  },
  { name: 'calls', path: 'calls', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.callProperties, role: 'Get Calls' },
  {
    name: 'subscriptions', path: 'subscriptions', primaryKey: [['id']], cursorSource: 'startDate', properties: schemas.subscriptionProperties, role: 'Get Subscriptions',
    changes: { kind: 'state-filter', params: [['subscriptionStates', ENDED_SUBSCRIPTION_STATES.join(',')]], changedAt: ['cancelAtDate', 'endDate'], rangeOption: 'subscription_lookback_days', eventTime: false },
  },
  { name: 'carts', path: 'carts', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.cartProperties, role: 'Get Carts', since: 'v1.39' },
  // One record per click of the leads a run reads (new and changed): `occurred_at` is the click's date.
  { name: 'lead_clicks', path: 'leads/clicks', primaryKey: [['id']], cursorSource: 'date', properties: schemas.clickProperties, role: 'Get Lead Clicks', parent: 'leads' },
  { name: 'sources', path: 'sources', primaryKey: [['tag']], properties: schemas.sourceProperties, role: 'Get Sources' },
  { name: 'ads', path: 'ads', primaryKey: [['ad_source_id']], keyCopy: { field: 'ad_source_id', from: ['adSource', 'adSourceId'] }, properties: schemas.adProperties, role: 'Get Ads' },
  { name: 'ad_accounts', path: 'ad-accounts', primaryKey: [['id']], properties: schemas.adAccountProperties, role: 'Get Ad Accounts', since: 'v1.39' },
  { name: 'products', path: 'products', primaryKey: [['id']], properties: schemas.productProperties, role: 'Get Products', since: 'v1.39' },
  { name: 'stages', path: 'stages', primaryKey: [['name']], properties: schemas.stageProperties, role: 'Get Stages' },
  { name: 'tags', path: 'tags/count', primaryKey: [['name']], properties: schemas.tagProperties, role: 'Get Tags' },
];

export const OCCURRED_AT_SCHEMA: JsonObject = { type: 'string', format: 'date-time' };
export const ACCOUNT_ID_SCHEMA: JsonObject = { type: 'string' };

/** The JSON schema a stream's records validate against (what `discover` shows). */
export function streamJsonSchema(definition: Pick<StreamDefinition, 'properties' | 'cursorSource' | 'keyCopy'>, agency: boolean): JsonObject {
  const properties: Record<string, JsonObject> = { ...definition.properties };
  if (definition.keyCopy) properties[definition.keyCopy.field] = { type: 'string' };
  if (definition.cursorSource) properties.occurred_at = OCCURRED_AT_SCHEMA;
  if (agency) properties.account_id = ACCOUNT_ID_SCHEMA;
  return recordSchema(properties);
}

/** Dot paths of a stream's timestamp fields (declared once, by `format: date-time` in its schema). */
export function streamTimestampPaths(definition: Pick<StreamDefinition, 'properties'>): string[] {
  return timestampPaths({ properties: definition.properties });
}

/** Copies a stream's nested natural key to its top-level key field (see `keyCopy`), in place. */
export function copyKey(definition: Pick<StreamDefinition, 'keyCopy'>, record: JsonObject): void {
  const copy = definition.keyCopy;
  if (!copy) return;
  let value: unknown = record;
  for (const part of copy.from) value = value !== null && typeof value === 'object' ? (value as JsonObject)[part] : undefined;
  if (value !== undefined && value !== null) record[copy.field] = typeof value === 'string' ? value : String(value);
}
