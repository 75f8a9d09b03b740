/**
 * Validation of Hyros write bodies: Hyros' own 400 texts where the
 * reference has them. Every problem of a body is reported (in field order), and a valid body is
 * normalised into the few fields the sandbox stores; any other body field is ignored.
 */
import { parseRequestDate } from './time.js';

export type WriteObject = 'order' | 'lead' | 'call' | 'subscription' | 'cart' | 'refund';

export interface LeadFields {
  email?: string;
  phones: string[];
  firstName?: string;
  lastName?: string;
  ips: string[];
  stage?: string;
}

export interface ItemFields {
  name: string;
  price: number;
  quantity: number;
  sku?: string;
  tag?: string;
  categoryName?: string;
  costOfGoods?: number;
  itemDiscount?: number;
  isRebill: boolean;
}

export interface OrderWrite {
  object: 'order';
  lead: LeadFields;
  orderId?: string;
  /** epoch ms (second precision); absent = processing time */
  date?: number;
  currency?: string;
  items: ItemFields[];
  orderDiscount: number;
  hardCost?: number;
  cartId?: string;
}
export interface LeadWrite { object: 'lead'; lead: LeadFields; tags: string[]; tagsDate?: number; adOptimizationConsent?: string }
export interface CallWrite { object: 'call'; lead: LeadFields; name: string; externalId?: string; date?: number; state?: string; qualification?: string }
export interface SubscriptionWrite {
  object: 'subscription';
  lead: LeadFields;
  subscriptionId?: string;
  status: string;
  price: number;
  periodicity: string;
  startDate: number;
  endDate?: number;
  cancelAtDate?: number;
  trialStartDate?: number;
  trialEndDate?: number;
  name?: string;
  planId?: string;
}
export interface CartWrite { object: 'cart'; lead: LeadFields; cartId?: string; date?: number; currency?: string; items: ItemFields[] }
export interface RefundWrite { object: 'refund'; orderId: string; refundedAmount?: number }

export type WritePayload = OrderWrite | LeadWrite | CallWrite | SubscriptionWrite | CartWrite | RefundWrite;
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

type Body = Record<string, unknown>;

/** Hyros' answer to a body it cannot read */
export const BAD_REQUEST = 'There was a problem while processing the request';
const DATE_ERROR = 'Invalid date format. Please, read the API documentation';
const EMAIL_OR_PHONE = 'Make sure that at least an email or a phone number is added';
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const ORDER_ID_RE = /^[A-Za-z0-9_.:-]+$/;
export const CALL_STATES = ['QUALIFIED', 'UNQUALIFIED', 'CANCELLED', 'NO_SHOW'];
export const SUBSCRIPTION_STATUSES = ['ACTIVE', 'TRIALING', 'CANCELED', 'PAST_DUE', 'INCOMPLETE', 'INCOMPLETE_EXPIRED', 'UNPAID', 'COMPLETED', 'PAUSED'];
export const PERIODICITIES = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];

const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
/** a string field; numbers are read as their text (Jackson coerces them too) */
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;
/** a money/number field: a JSON number or a numeric string; null when present but not a number */
function num(v: unknown): number | null | undefined {
  if (!present(v)) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return null;
}
const strings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : [v]).map(str).filter((s): s is string => s !== undefined);

/** Collects the messages of one body in order. */
class Problems {
  readonly list: string[] = [];
  add(msg: string): void { if (!this.list.includes(msg)) this.list.push(msg); }
  date(v: unknown, offsetMin: number): number | undefined {
    if (!present(v)) return undefined;
    const ms = typeof v === 'string' ? parseRequestDate(v.trim(), offsetMin) : null;
    if (ms === null) { this.add(DATE_ERROR); return undefined; }
    return Math.floor(ms / 1000) * 1000;
  }
  money(v: unknown, msg: string, min = 0): number | undefined {
    const n = num(v);
    if (n === null || (n !== undefined && n < min)) { this.add(msg); return undefined; }
    return n;
  }
  result<T>(value: T): Validated<T> {
    return this.list.length ? { ok: false, errors: this.list } : { ok: true, value };
  }
}

/** email / phoneNumbers / names / ips of the lead a write creates or updates */
function leadFields(b: Body, p: Problems, need: 'email-or-phone' | 'email' | 'optional'): LeadFields {
  const email = str(b.email)?.trim();
  const phones = strings(b.phoneNumbers);
  if (need === 'email' && email === undefined) p.add('Missing required field: Email');
  if (need === 'email-or-phone' && email === undefined && phones.length === 0) p.add(EMAIL_OR_PHONE);
  if (email !== undefined && !EMAIL_RE.test(email)) p.add('The Email is not valid');
  const parent = str(b.parentEmail);
  if (parent !== undefined && !EMAIL_RE.test(parent)) p.add('The parentEmail is not valid');
  const out: LeadFields = { phones, ips: strings(b.leadIps) };
  if (email !== undefined) out.email = email.toLowerCase();
  for (const k of ['firstName', 'lastName', 'stage'] as const) { const v = str(b[k]); if (v !== undefined) out[k] = v; }
  return out;
}

function items(b: Body, p: Problems, minName: number): ItemFields[] {
  if (!('items' in b) || b.items === null) { p.add('Missing required field: Items'); return []; }
  if (!Array.isArray(b.items) || b.items.length === 0) { p.add('Items must be at least 1'); return []; }
  const out: ItemFields[] = [];
  b.items.forEach((raw: unknown, i) => {
    const x = i + 1;
    const it = (raw !== null && typeof raw === 'object' ? raw : {}) as Body;
    const name = str(it.name);
    if (name === undefined) p.add(`Missing required field Name for Item ${x}`);
    else if (name.trim().length < minName) p.add(`Name must be at least ${minName} characters long for Item ${x}`);
    let price: number | undefined;
    if (!present(it.price)) p.add(`Missing required field Price for Item ${x}`);
    else price = p.money(it.price, `Price not valid for Item ${x}`);
    const quantity = p.money(it.quantity, `Quantity not valid for Item ${x}`, 1) ?? 1;
    const costOfGoods = p.money(it.costOfGoods, `CostOfGoods not valid for Item ${x}`);
    p.money(it.taxes, `Taxes not valid for Item ${x}`);
    const itemDiscount = p.money(it.itemDiscount, `ItemDiscount not valid for Item ${x}`);
    if (present(it.tag) && str(it.tag) === undefined) p.add(`Tag not valid for Item ${x}`);
    if (name === undefined || price === undefined) return;
    const item: ItemFields = { name, price, quantity, isRebill: it.isRebill === true };
    const sku = str(it.sku), tag = str(it.tag), categoryName = str(it.categoryName);
    if (sku !== undefined) item.sku = sku;
    if (tag !== undefined) item.tag = tag;
    if (categoryName !== undefined) item.categoryName = categoryName;
    if (costOfGoods !== undefined) item.costOfGoods = costOfGoods;
    if (itemDiscount !== undefined) item.itemDiscount = itemDiscount;
    out.push(item);
  });
  return out;
}

function currency(b: Body, p: Problems): string | undefined {
  if (!present(b.currency)) return undefined;
  const c = str(b.currency);
  if (c === undefined || !/^[A-Za-z]{3}$/.test(c)) { p.add('Invalid currency'); return undefined; }
  return c.toUpperCase();
}

function order(b: Body, offsetMin: number): Validated<OrderWrite> {
  const p = new Problems();
  const lead = leadFields(b, p, 'email-or-phone');
  const date = p.date(b.date, offsetMin);
  const cur = currency(b, p);
  p.money(b.shippingCost, 'Invalid shipping cost format');
  p.money(b.taxes, 'Invalid taxes format');
  const orderDiscount = p.money(b.orderDiscount, 'Invalid order discount format') ?? 0;
  const hardCost = p.money(b.hardCost, 'Hard cost must not be negative');
  let orderId: string | undefined;
  if (present(b.orderId)) {
    orderId = str(b.orderId);
    if (orderId === undefined || !ORDER_ID_RE.test(orderId)) p.add('Invalid orderId');
  }
  const its = items(b, p, 3);
  const v: OrderWrite = { object: 'order', lead, items: its, orderDiscount };
  if (orderId !== undefined) v.orderId = orderId;
  if (date !== undefined) v.date = date;
  if (cur !== undefined) v.currency = cur;
  if (hardCost !== undefined) v.hardCost = hardCost;
  const cartId = str(b.cartId);
  if (cartId !== undefined) v.cartId = cartId;
  return p.result(v);
}

function lead(b: Body, offsetMin: number, now: number): Validated<LeadWrite> {
  const p = new Problems();
  const fields = leadFields(b, p, 'email-or-phone');
  const tagsDate = p.date(b.tagsDate, offsetMin);
  if (tagsDate !== undefined && tagsDate > now) p.add('tagsDate cannot be in the future');
  const consent = str(b.adOptimizationConsent);
  if (consent !== undefined && !['GRANTED', 'DENIED', 'UNSPECIFIED'].includes(consent)) p.add('adOptimizationConsent is not valid');
  const v: LeadWrite = { object: 'lead', lead: fields, tags: strings(b.tags) };
  if (tagsDate !== undefined) v.tagsDate = tagsDate;
  if (consent !== undefined) v.adOptimizationConsent = consent;
  return p.result(v);
}

function call(b: Body, offsetMin: number): Validated<CallWrite> {
  const p = new Problems();
  const name = str(b.name);
  if (name === undefined) p.add('Missing required field: Name');
  const fields = leadFields(b, p, 'email');
  const date = p.date(b.date, offsetMin);
  const state = str(b.state);
  if (present(b.state) && (state === undefined || !CALL_STATES.includes(state))) p.add('state is not valid');
  const v: CallWrite = { object: 'call', lead: fields, name: name ?? '' };
  const externalId = str(b.externalId), qualification = str(b.qualification);
  if (externalId !== undefined) v.externalId = externalId;
  if (date !== undefined) v.date = date;
  if (state !== undefined) v.state = state;
  if (qualification !== undefined) v.qualification = qualification;
  return p.result(v);
}

function subscription(b: Body, offsetMin: number): Validated<SubscriptionWrite> {
  const p = new Problems();
  const fields = leadFields(b, p, 'email-or-phone');
  const status = str(b.status);
  if (status === undefined || !SUBSCRIPTION_STATUSES.includes(status)) p.add('status is not valid');
  if (!present(b.startDate)) p.add('Missing required field Start Date');
  const startDate = p.date(b.startDate, offsetMin);
  const dates: Partial<Record<'endDate' | 'cancelAtDate' | 'trialStartDate' | 'trialEndDate', number>> = {};
  for (const k of ['endDate', 'cancelAtDate', 'trialStartDate', 'trialEndDate'] as const) {
    const d = p.date(b[k], offsetMin);
    if (d !== undefined) dates[k] = d;
  }
  const price = num(b.price);
  if (price === undefined || price === null || price < 0) p.add('Invalid price format');
  const periodicity = str(b.periodicity);
  if (periodicity === undefined || !PERIODICITIES.includes(periodicity)) p.add('periodicity is not valid');
  const v: SubscriptionWrite = {
    object: 'subscription', lead: fields, status: status ?? '', price: price ?? 0, periodicity: periodicity ?? '',
    startDate: startDate ?? 0, ...dates,
  };
  for (const k of ['subscriptionId', 'name', 'planId'] as const) { const s = str(b[k]); if (s !== undefined) v[k] = s; }
  return p.result(v);
}

function cart(b: Body, offsetMin: number): Validated<CartWrite> {
  const p = new Problems();
  const fields = leadFields(b, p, 'optional');
  const date = p.date(b.date, offsetMin);
  const cur = currency(b, p);
  const its = items(b, p, 1);
  const v: CartWrite = { object: 'cart', lead: fields, items: its };
  const cartId = str(b.cartId);
  if (cartId !== undefined) v.cartId = cartId;
  if (date !== undefined) v.date = date;
  if (cur !== undefined) v.currency = cur;
  return p.result(v);
}

/** Validate one POST body (a parsed JSON object) of `object`. */
export function validateCreate(object: Exclude<WriteObject, 'refund'>, b: Body, offsetMin: number, now: number): Validated<WritePayload> {
  switch (object) {
    case 'order': return order(b, offsetMin);
    case 'lead': return lead(b, offsetMin, now);
    case 'call': return call(b, offsetMin);
    case 'subscription': return subscription(b, offsetMin);
    case 'cart': return cart(b, offsetMin);
  }
}

/** `DELETE /orders/{id}?refundedAmount=`: absent = the whole order. */
export function validateRefund(orderId: string, amount: string | null): Validated<RefundWrite> {
  const p = new Problems();
  const v: RefundWrite = { object: 'refund', orderId };
  if (amount !== null) {
    const n = p.money(amount, 'Invalid refundedAmount');
    if (n !== undefined) v.refundedAmount = n;
  }
  return p.result(v);
}

/** the natural key the duplicate rule and `writes()` use */
export function naturalKey(body: unknown, object: WriteObject): string | undefined {
  const b = (body !== null && typeof body === 'object' ? body : {}) as Body;
  switch (object) {
    case 'order': case 'refund': return str(b.orderId);
    case 'call': return str(b.externalId);
    case 'subscription': return str(b.subscriptionId);
    case 'cart': return str(b.cartId);
    case 'lead': return str(b.email)?.trim().toLowerCase() ?? strings(b.phoneNumbers)[0];
  }
}
