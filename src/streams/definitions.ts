/**
 * Every Hyros stream as data: endpoint, primary key, the field `occurred_at` comes from (which
 * makes a stream incremental, read in date windows), and the record schema. One generic engine
 * (src/engine) reads them all; nothing here touches HTTP.
 */
import type { JsonObject } from '../protocol/messages.js';
import { recordSchema, timestampPaths } from './schema-builders.js';
import * as schemas from './schemas.js';

export interface StreamDefinition {
  name: string;
  /** Path relative to base_url, e.g. `leads` or `tags/count`. */
  path: string;
  primaryKey: string[][];
  /** Field whose time becomes `occurred_at`; set for incremental (date-windowed) streams. */
  cursorSource?: string;
  /** Record properties as Hyros sends them (occurred_at / account_id are added by the engine). */
  properties: Record<string, JsonObject>;
  /** The key role Hyros needs for this endpoint (named in 403 messages). */
  role: string;
  /** Hyros API version that introduced the endpoint, named when an older API answers 404. */
  since?: string;
}

export const STREAMS: readonly StreamDefinition[] = [
  { name: 'leads', path: 'leads', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.leadProperties, role: 'Get Leads' },
  { name: 'sales', path: 'sales', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.saleProperties, role: 'Get Sales' },
  { name: 'calls', path: 'calls', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.callProperties, role: 'Get Calls' },
  { name: 'subscriptions', path: 'subscriptions', primaryKey: [['id']], cursorSource: 'startDate', properties: schemas.subscriptionProperties, role: 'Get Subscriptions' },
  { name: 'carts', path: 'carts', primaryKey: [['id']], cursorSource: 'creationDate', properties: schemas.cartProperties, role: 'Get Carts', since: 'v1.39' },
  { name: 'sources', path: 'sources', primaryKey: [['tag']], properties: schemas.sourceProperties, role: 'Get Sources' },
  { name: 'ads', path: 'ads', primaryKey: [['adSource', 'adSourceId']], properties: schemas.adProperties, role: 'Get Ads' },
  { name: 'ad_accounts', path: 'ad-accounts', primaryKey: [['id']], properties: schemas.adAccountProperties, role: 'Get Ad Accounts', since: 'v1.39' },
  { name: 'products', path: 'products', primaryKey: [['id']], properties: schemas.productProperties, role: 'Get Products', since: 'v1.39' },
  { name: 'stages', path: 'stages', primaryKey: [['name']], properties: schemas.stageProperties, role: 'Get Stages' },
  { name: 'tags', path: 'tags/count', primaryKey: [['name']], properties: schemas.tagProperties, role: 'Get Tags' },
];

export const OCCURRED_AT_SCHEMA: JsonObject = { type: 'string', format: 'date-time' };
export const ACCOUNT_ID_SCHEMA: JsonObject = { type: 'string' };

/** The JSON schema a stream's records validate against (what `discover` shows). */
export function streamJsonSchema(definition: Pick<StreamDefinition, 'properties' | 'cursorSource'>, agency: boolean): JsonObject {
  const properties: Record<string, JsonObject> = { ...definition.properties };
  if (definition.cursorSource) properties.occurred_at = OCCURRED_AT_SCHEMA;
  if (agency) properties.account_id = ACCOUNT_ID_SCHEMA;
  return recordSchema(properties);
}

/** Dot paths of a stream's timestamp fields (declared once, by `format: date-time` in its schema). */
export function streamTimestampPaths(definition: Pick<StreamDefinition, 'properties'>): string[] {
  return timestampPaths({ properties: definition.properties });
}
