/**
 * The fixed Hyros streams, declared as data (see StreamDeclaration): one generic engine
 * (src/source/engine) reads them all; nothing here touches HTTP.
 */
import type { JsonObject } from '../../protocol/messages.js';
import type { StreamDeclaration, WindowedStreamDeclaration } from './declaration.js';
import { cursorSourceOf } from './declaration.js';
import { recordSchema } from './schema-builders.js';
import * as schemas from './schemas.js';

/** The subscription states that are not ACTIVE/TRIALING. */
const ENDED_SUBSCRIPTION_STATES = ['CANCELED', 'PAST_DUE', 'INCOMPLETE', 'INCOMPLETE_EXPIRED', 'UNPAID', 'COMPLETED', 'PAUSED'];

const LEADS: WindowedStreamDeclaration = {
  name: 'leads', path: 'leads', primaryKey: [['id']], properties: schemas.leadProperties, role: 'Get Leads',
  partitioning: {
    kind: 'date-windows', cursorSource: 'creationDate',
    changes: { kind: 'updated-filter', fromParam: 'updatedFromDate', toParam: 'updatedToDate', changedAt: 'lastUpdatedDate', since: 'v1.39' },
  },
};

export const STREAMS: readonly StreamDeclaration[] = [
  LEADS,
  {
    name: 'sales', path: 'sales', primaryKey: [['id']], properties: schemas.saleProperties, role: 'Get Sales',
    partitioning: {
      kind: 'date-windows', cursorSource: 'creationDate',
      changes: { kind: 'state-filter', params: [['saleRefundedState', 'REFUNDED']], changedAt: ['refundDate'], rangeOption: 'refund_lookback_days', eventTime: true },
    },
  },
  { name: 'calls', path: 'calls', primaryKey: [['id']], properties: schemas.callProperties, role: 'Get Calls', partitioning: { kind: 'date-windows', cursorSource: 'creationDate' } },
  {
    name: 'subscriptions', path: 'subscriptions', primaryKey: [['id']], properties: schemas.subscriptionProperties, role: 'Get Subscriptions',
    partitioning: {
      kind: 'date-windows', cursorSource: 'startDate',
      changes: { kind: 'state-filter', params: [['subscriptionStates', ENDED_SUBSCRIPTION_STATES.join(',')]], changedAt: ['cancelAtDate', 'endDate'], rangeOption: 'subscription_lookback_days', eventTime: false },
    },
  },
  { name: 'carts', path: 'carts', primaryKey: [['id']], properties: schemas.cartProperties, role: 'Get Carts', since: 'v1.39', partitioning: { kind: 'date-windows', cursorSource: 'creationDate' } },
  // One record per click of the leads a run reads (new and changed): `occurred_at` is the click's date.
  // API v1.41 takes up to 50 lead ids per request and names each click's lead; older APIs one `leadId`.
  // Lead ids are 64 hex characters: 50 of them, comma-joined and encoded, stay under 3.4 KB of URL.
  {
    name: 'lead_clicks', path: 'leads/clicks', primaryKey: [['id']], properties: schemas.clickProperties, role: 'Get Lead Clicks',
    partitioning: {
      kind: 'parent-records', parent: LEADS, cursorSource: 'date',
      ids: { parentKey: 'id', batchParam: 'leadIds', maxPerRequest: 50, maxChars: 3400, batchSince: 'v1.41', singleParam: 'leadId', childKey: 'leadId', parentNoun: 'lead', childNoun: 'click' },
    },
  },
  { name: 'sources', path: 'sources', primaryKey: [['tag']], properties: schemas.sourceProperties, role: 'Get Sources', partitioning: { kind: 'whole-list' } },
  {
    name: 'ads', path: 'ads', primaryKey: [['ad_source_id']], keyCopy: { field: 'ad_source_id', from: ['adSource', 'adSourceId'] }, properties: schemas.adProperties, role: 'Get Ads',
    partitioning: { kind: 'whole-list' },
  },
  { name: 'ad_accounts', path: 'ad-accounts', primaryKey: [['id']], properties: schemas.adAccountProperties, role: 'Get Ad Accounts', since: 'v1.39', partitioning: { kind: 'whole-list' } },
  { name: 'products', path: 'products', primaryKey: [['id']], properties: schemas.productProperties, role: 'Get Products', since: 'v1.39', partitioning: { kind: 'whole-list' } },
  { name: 'stages', path: 'stages', primaryKey: [['name']], properties: schemas.stageProperties, role: 'Get Stages', partitioning: { kind: 'whole-list' } },
  { name: 'tags', path: 'tags/count', primaryKey: [['name']], properties: schemas.tagProperties, role: 'Get Tags', partitioning: { kind: 'whole-list' } },
];

export const OCCURRED_AT_SCHEMA: JsonObject = { type: 'string', format: 'date-time' };
const ACCOUNT_ID_SCHEMA: JsonObject = { type: 'string' };

/** The JSON schema a stream's records validate against (what `discover` shows). */
export function streamJsonSchema(declaration: Pick<StreamDeclaration, 'properties' | 'partitioning' | 'keyCopy'>, agency: boolean): JsonObject {
  const properties: Record<string, JsonObject> = { ...declaration.properties };
  if (declaration.keyCopy) properties[declaration.keyCopy.field] = { type: 'string' };
  if (cursorSourceOf(declaration) !== undefined) properties.occurred_at = OCCURRED_AT_SCHEMA;
  if (agency) properties.account_id = ACCOUNT_ID_SCHEMA;
  return recordSchema(properties);
}
