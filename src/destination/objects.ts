/**
 * The Hyros objects the destination writes, declared as data: endpoint, role, natural key, and a
 * field table (Hyros name, kind, aliases, required rules). Mapping, validation and the
 * DESTINATION_CATALOG's json_schema are all derived from these tables.
 */

export type FieldKind = 'text' | 'email' | 'number' | 'boolean' | 'date' | 'texts' | 'enum';

export interface FieldDef {
  /** Hyros' field name, as sent. */
  name: string;
  kind: FieldKind;
  /** Record field names also read for it, in order, after the Hyros name itself. */
  aliases?: readonly string[];
  /** `enum` only. */
  values?: readonly string[];
  /** Required on its own (invalid when absent). */
  required?: boolean;
  /** Item fields: also read from the record itself when it has no `items` (a flat one-item row). */
  flat?: boolean;
  /** `text` only: the shortest accepted value. */
  minLength?: number;
  /** `text` only: the characters Hyros accepts. */
  pattern?: RegExp;
  description: string;
}

export type ObjectName = 'order' | 'lead' | 'call' | 'refund' | 'subscription' | 'cart';

export interface ObjectDef {
  name: ObjectName;
  /** What the object is, for the catalog and logs. */
  title: string;
  method: 'POST' | 'DELETE';
  /** Path below base_url (a refund's order id is appended). */
  path: string;
  /** The Hyros role the key needs (as Hyros spells it). */
  role: string;
  /** Stream names that feed this object when nothing else says which. */
  streamNames: readonly string[];
  fields: readonly FieldDef[];
  /** Line items (orders, carts): their field table; at least one item is required. */
  items?: readonly FieldDef[];
  /** Groups of which at least one field must be present (e.g. email or phoneNumbers). */
  oneOf?: ReadonlyArray<readonly string[]>;
  /** The fields that identify the object in Hyros, most specific first (matching_keys). */
  keyFields: readonly string[];
  /** Objects whose writes for one key must be ordered with ours (a refund after its order). */
  keySpace: string;
}

/** Hyros: "Only letters, numbers, underscores, hyphens, periods, and colons. No spaces." */
export const ORDER_ID_PATTERN = /^[A-Za-z0-9_.:-]+$/;

const EMAIL: FieldDef = { name: 'email', kind: 'email', description: "The customer's email (identity resolution and attribution)." };
const PHONES: FieldDef = {
  name: 'phoneNumbers',
  kind: 'texts',
  aliases: ['phone_numbers', 'phone', 'phone_number'],
  description: 'Phone number(s); one text or a list. Needed when there is no email.',
};
const LEAD_FIELDS: readonly FieldDef[] = [
  { name: 'firstName', kind: 'text', aliases: ['first_name'], description: 'First name.' },
  { name: 'lastName', kind: 'text', aliases: ['last_name'], description: 'Last name.' },
  { name: 'leadIps', kind: 'texts', aliases: ['lead_ips', 'ip', 'ips'], description: 'IP addresses of the customer, used for ad attribution.' },
  { name: 'stage', kind: 'text', description: "Stage applied to the customer's lead." },
];
const PARENT_EMAIL: FieldDef = { name: 'parentEmail', kind: 'email', aliases: ['parent_email'], description: 'Origin lead: the sale is attributed to it.' };

const ITEM_FIELDS: readonly FieldDef[] = [
  { name: 'name', kind: 'text', minLength: 3, required: true, flat: true, aliases: ['product', 'item_name', 'product_name'], description: 'Item (product) name, at least 3 characters.' },
  { name: 'price', kind: 'number', required: true, flat: true, aliases: ['amount'], description: 'Unit price, cost of goods included (a number or a numeric string).' },
  { name: 'quantity', kind: 'number', flat: true, description: 'Units (default 1).' },
  { name: 'sku', kind: 'text', flat: true, description: 'SKU.' },
  { name: 'externalId', kind: 'text', flat: true, aliases: ['external_id', 'item_external_id'], description: 'The item id in your system.' },
  { name: 'costOfGoods', kind: 'number', flat: true, aliases: ['cost_of_goods'], description: 'Cost of goods per unit (included in price).' },
  { name: 'taxes', kind: 'number', aliases: ['item_taxes'], description: 'Taxes per unit.' },
  { name: 'itemDiscount', kind: 'number', flat: true, aliases: ['item_discount'], description: 'Discount on this line.' },
  { name: 'packages', kind: 'texts', flat: true, description: 'Packages (recurring-sales attribution).' },
  { name: 'isRebill', kind: 'boolean', flat: true, aliases: ['is_rebill'], description: 'Marks the sale as recurring.' },
  { name: 'tag', kind: 'text', flat: true, description: 'Product tag ($…).' },
  { name: 'categoryName', kind: 'text', flat: true, aliases: ['category_name', 'category'], description: 'Product category.' },
];
const CART_ITEM_FIELDS: readonly FieldDef[] = ITEM_FIELDS.filter((f) => ['name', 'price', 'quantity', 'sku', 'externalId', 'isRebill'].includes(f.name));

export const SUBSCRIPTION_STATUSES = ['ACTIVE', 'TRIALING', 'CANCELED', 'PAST_DUE', 'INCOMPLETE', 'INCOMPLETE_EXPIRED', 'UNPAID', 'COMPLETED', 'PAUSED'] as const;
export const PERIODICITIES = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export const CALL_STATES = ['QUALIFIED', 'UNQUALIFIED', 'CANCELLED', 'NO_SHOW'] as const;

export const OBJECTS: Readonly<Record<ObjectName, ObjectDef>> = {
  order: {
    name: 'order',
    title: 'Order: one sale per line item (POST /orders)',
    method: 'POST',
    path: 'orders',
    role: 'Create Orders',
    streamNames: ['orders', 'sales'],
    oneOf: [['email', 'phoneNumbers']],
    keyFields: ['orderId'],
    keySpace: 'order',
    fields: [
      { name: 'orderId', kind: 'text', pattern: ORDER_ID_PATTERN, required: true, aliases: ['order_id', 'sale_id'], description: 'Your order id: letters, digits, _ . : - (no spaces). The key that makes replays safe.' },
      { name: 'date', kind: 'date', required: true, aliases: ['occurred_at'], description: 'When the sale happened (ISO-8601; without an offset it is read in the configured timezone).' },
      EMAIL,
      PHONES,
      PARENT_EMAIL,
      ...LEAD_FIELDS,
      { name: 'currency', kind: 'text', description: 'Currency code such as USD or EUR (default: the account currency).' },
      { name: 'shippingCost', kind: 'number', aliases: ['shipping_cost'], description: 'Shipping cost, spread over the items.' },
      { name: 'taxes', kind: 'number', aliases: ['order_taxes'], description: 'Order taxes, spread over the items.' },
      { name: 'orderDiscount', kind: 'number', aliases: ['order_discount'], description: 'Order discount, spread over the items.' },
      { name: 'hardCost', kind: 'number', aliases: ['hard_cost'], description: 'Processor fees (API v1.41+); lowers profit, not revenue.' },
      { name: 'priceFormat', kind: 'enum', values: ['DECIMAL', 'INTEGER'], aliases: ['price_format'], description: 'DECIMAL (default) or INTEGER (prices in cents).' },
      { name: 'externalSubscriptionId', kind: 'text', aliases: ['external_subscription_id'], description: 'The subscription this order belongs to.' },
      { name: 'cartId', kind: 'text', aliases: ['cart_id'], description: 'The cart this order completes.' },
    ],
    items: ITEM_FIELDS,
  },
  lead: {
    name: 'lead',
    title: 'Lead: created or updated by email, else phone (POST /leads)',
    method: 'POST',
    path: 'leads',
    role: 'Create Leads',
    streamNames: ['leads'],
    oneOf: [['email', 'phoneNumbers']],
    keyFields: ['email', 'phoneNumbers'],
    keySpace: 'lead',
    fields: [
      EMAIL,
      PHONES,
      ...LEAD_FIELDS,
      { name: 'tags', kind: 'texts', description: 'Tags to add (never removed by a write); a product tag ($…) creates a sale.' },
      { name: 'tagsDate', kind: 'date', aliases: ['occurred_at'], description: 'When the tags were applied (not in the future); backdates sales and sources they create.' },
      { name: 'adOptimizationConsent', kind: 'enum', values: ['GRANTED', 'DENIED', 'UNSPECIFIED'], aliases: ['ad_optimization_consent'], description: 'GRANTED, DENIED or UNSPECIFIED.' },
    ],
  },
  call: {
    name: 'call',
    title: 'Call: created or updated by externalId (POST /calls)',
    method: 'POST',
    path: 'calls',
    role: 'Create Calls',
    streamNames: ['calls'],
    keyFields: ['externalId'],
    keySpace: 'call',
    fields: [
      { name: 'externalId', kind: 'text', required: true, aliases: ['external_id', 'call_id'], description: 'Your call id; the same id updates the call.' },
      { name: 'name', kind: 'text', required: true, aliases: ['call_name'], description: 'Call name.' },
      { ...EMAIL, required: true },
      { name: 'date', kind: 'date', required: true, aliases: ['occurred_at'], description: 'When the call happened.' },
      PHONES,
      ...LEAD_FIELDS,
      { name: 'qualification', kind: 'text', description: 'Custom qualification name.' },
      { name: 'state', kind: 'enum', values: CALL_STATES, description: 'QUALIFIED, UNQUALIFIED, CANCELLED or NO_SHOW (default: qualified).' },
    ],
  },
  refund: {
    name: 'refund',
    title: "Refund: the order's total refunded amount (DELETE /orders/{orderId})",
    method: 'DELETE',
    path: 'orders',
    role: 'Delete Orders',
    streamNames: ['refunds'],
    keyFields: ['orderId'],
    keySpace: 'order',
    fields: [
      { name: 'orderId', kind: 'text', pattern: ORDER_ID_PATTERN, required: true, aliases: ['order_id', 'sale_id'], description: 'The order to refund.' },
      { name: 'refundedAmount', kind: 'number', aliases: ['refunded_amount', 'amount'], description: "The order's total refunded so far (absent: the whole order)." },
    ],
  },
  subscription: {
    name: 'subscription',
    title: 'Subscription (POST /subscriptions)',
    method: 'POST',
    path: 'subscriptions',
    role: 'Create Subscriptions',
    streamNames: ['subscriptions'],
    oneOf: [['email', 'phoneNumbers']],
    keyFields: ['subscriptionId'],
    keySpace: 'subscription',
    fields: [
      { name: 'subscriptionId', kind: 'text', required: true, aliases: ['subscription_id'], description: 'Your subscription id.' },
      { name: 'status', kind: 'enum', required: true, values: SUBSCRIPTION_STATUSES, description: SUBSCRIPTION_STATUSES.join(', ') + '.' },
      { name: 'startDate', kind: 'date', required: true, aliases: ['start_date', 'occurred_at'], description: 'When the subscription started.' },
      { name: 'price', kind: 'number', required: true, aliases: ['amount'], description: 'Price per period.' },
      { name: 'periodicity', kind: 'enum', required: true, values: PERIODICITIES, description: PERIODICITIES.join(', ') + '.' },
      EMAIL,
      PHONES,
      PARENT_EMAIL,
      ...LEAD_FIELDS,
      { name: 'name', kind: 'text', aliases: ['subscription_name'], description: 'Subscription name.' },
      { name: 'endDate', kind: 'date', aliases: ['end_date'], description: 'End date.' },
      { name: 'cancelAtDate', kind: 'date', aliases: ['cancel_at_date'], description: 'Scheduled cancellation.' },
      { name: 'trialStartDate', kind: 'date', aliases: ['trial_start_date'], description: 'Trial start.' },
      { name: 'trialEndDate', kind: 'date', aliases: ['trial_end_date'], description: 'Trial end.' },
      { name: 'planId', kind: 'text', aliases: ['plan_id'], description: 'Plan id.' },
    ],
  },
  cart: {
    name: 'cart',
    title: 'Cart (POST /carts)',
    method: 'POST',
    path: 'carts',
    role: 'Create Carts',
    streamNames: ['carts'],
    keyFields: ['cartId'],
    keySpace: 'cart',
    fields: [
      { name: 'cartId', kind: 'text', required: true, aliases: ['cart_id'], description: 'Your cart id.' },
      { name: 'date', kind: 'date', aliases: ['occurred_at'], description: 'When the cart was created.' },
      EMAIL,
      PHONES,
      { name: 'firstName', kind: 'text', aliases: ['first_name'], description: 'First name.' },
      { name: 'lastName', kind: 'text', aliases: ['last_name'], description: 'Last name.' },
      { name: 'leadIps', kind: 'texts', aliases: ['lead_ips', 'ip', 'ips'], description: 'IP addresses of the customer.' },
      { name: 'currency', kind: 'text', description: 'Currency code.' },
      { name: 'priceFormat', kind: 'enum', values: ['DECIMAL', 'INTEGER'], aliases: ['price_format'], description: 'DECIMAL (default) or INTEGER.' },
    ],
    items: CART_ITEM_FIELDS,
  },
};

export const OBJECT_NAMES = Object.keys(OBJECTS) as ObjectName[];

/** The object a stream name stands for by default (`orders`, `sales` → order, …). */
export function objectForStreamName(stream: string): ObjectName | undefined {
  return OBJECT_NAMES.find((name) => OBJECTS[name].streamNames.includes(stream));
}
