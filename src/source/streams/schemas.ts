/**
 * Record schemas of the Hyros objects, faithful to the shapes Hyros documents:
 * optional fields nullable, nested objects open (`additionalProperties: true`), integers only where
 * Hyros sends integers. Every `format: date-time` field is normalised to ISO-8601 UTC.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { arrayOf, bool, int, num, obj, requiredStr, str, timestamp } from './schema-builders.js';

const idName = () => obj({ id: str(), name: str() });

const adSource = () => obj({ adSourceId: str(), adAccountId: str(), platform: str() });

/** Hyros' attribution object (`firstSource` / `lastSource`). */
const attributionSource = () =>
  obj({
    sourceLinkId: str(),
    name: str(),
    tag: str(),
    clickDate: timestamp(),
    organic: bool(),
    disregarded: bool(),
    adSource: adSource(),
    sourceLinkAd: obj({ name: str(), adSourceId: str() }),
    trafficSource: idName(),
    goal: idName(),
    category: idName(),
  });

const provider = () => obj({ id: str(), integration: obj({ id: str(), name: str(), type: str() }) });

/** The lead embedded in sales, calls, subscriptions and carts. */
const embeddedLead = () =>
  obj({
    id: str(),
    email: str(),
    creationDate: timestamp(),
    firstName: str(),
    lastName: str(),
    tags: arrayOf({ type: 'string' }),
    phoneNumbers: arrayOf({ type: 'string' }),
  });

const money = () => obj({ price: num(), discount: num(), hardCost: num(), refunded: num(), currency: str() });

const product = () =>
  obj({
    id: str(),
    name: str(),
    tag: str(),
    sku: str(),
    price: num(),
    customCost: num(),
    recurring: bool(),
    callProduct: bool(),
    category: str(),
  });

export const leadProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  email: str(),
  creationDate: timestamp(),
  lastUpdatedDate: timestamp(),
  firstName: str(),
  lastName: str(),
  tags: arrayOf({ type: 'string' }),
  ips: arrayOf({ type: 'string' }),
  phoneNumbers: arrayOf({ type: 'string' }),
  adOptimizationConsent: str(),
  currentStage: obj({ name: str(), date: timestamp() }),
  provider: provider(),
  firstSource: attributionSource(),
  lastSource: attributionSource(),
  originLead: obj({ id: str(), email: str(), creationDate: timestamp(), isOriginLead: bool() }),
};

export const saleProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  orderId: str(),
  creationDate: timestamp(),
  refundDate: timestamp(),
  qualified: bool(),
  score: num(),
  recurring: bool(),
  quantity: int(),
  lead: embeddedLead(),
  price: money(),
  usdPrice: money(),
  product: obj({ id: str(), name: str(), tag: str(), sku: str(), category: idName() }),
  firstSource: attributionSource(),
  lastSource: attributionSource(),
  provider: provider(),
};

export const callProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  tag: str(),
  name: str(),
  externalId: str(),
  qualified: bool(),
  score: num(),
  state: str(),
  creationDate: timestamp(),
  qualification: obj({ name: str(), oldName: str() }),
  lead: embeddedLead(),
  firstSource: attributionSource(),
  lastSource: attributionSource(),
};

export const subscriptionProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  subscriptionId: str(),
  status: str(),
  name: str(),
  tag: str(),
  planId: str(),
  price: num(),
  periodicity: str(),
  startDate: timestamp(),
  endDate: timestamp(),
  cancelAtDate: timestamp(),
  trialStartDate: timestamp(),
  trialEndDate: timestamp(),
  lead: embeddedLead(),
  firstSource: attributionSource(),
  lastSource: attributionSource(),
  category: idName(),
  provider: provider(),
};

export const cartProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  orderId: str(),
  creationDate: timestamp(),
  events: int(),
  lead: embeddedLead(),
  provider: provider(),
  products: arrayOf(product()),
  firstSource: attributionSource(),
  lastSource: attributionSource(),
};

/** A click of a lead (`GET /leads/clicks`); `leadId` is added by the connector when Hyros leaves it out. */
export const clickProperties: Record<string, JsonObject> = {
  id: requiredStr(),
  leadId: str(),
  date: timestamp(),
  trackedUrl: str(),
  page: str(),
  previousUrl: str(),
  adspendType: str(),
  sourceLinkName: str(),
  ip: str(),
  agent: str(),
  cartId: str(),
  // Open maps; the keys Hyros is known to fill are declared.
  deduplicationParams: obj({ fbp: str(), fbc: str() }),
  adSpendId: int(),
  parsedParameters: obj({ utm_source: str(), utm_medium: str(), utm_campaign: str(), utm_content: str(), utm_term: str(), fbclid: str(), gclid: str(), ttclid: str() }),
};

const sourceCore = {
  name: str(),
  tag: str(),
  sourceLinkId: str(),
  disregarded: bool(),
  organic: bool(),
  adSource: adSource(),
  trafficSource: idName(),
  goal: idName(),
  category: idName(),
  creationDate: timestamp(),
};

export const sourceProperties: Record<string, JsonObject> = { ...sourceCore, tag: requiredStr() };

export const adProperties: Record<string, JsonObject> = {
  id: str(),
  name: str(),
  // adSource.adSourceId is the primary key: never null.
  adSource: { type: 'object', additionalProperties: true, properties: { adSourceId: requiredStr(), adAccountId: str(), platform: str() } },
  source: obj(sourceCore),
  creationDate: timestamp(),
};

export const adAccountProperties: Record<string, JsonObject> = { id: requiredStr(), name: str(), type: str() };

export const productProperties: Record<string, JsonObject> = {
  ...product().properties,
  id: requiredStr(),
};

export const stageProperties: Record<string, JsonObject> = { name: requiredStr(), amount: int() };

export const tagProperties: Record<string, JsonObject> = { name: requiredStr(), amount: int() };
