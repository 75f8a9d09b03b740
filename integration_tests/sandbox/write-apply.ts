/**
 * Applies processed writes to one account's dataset, so the read endpoints serve them in the
 * dataset's own shapes (dataset.ts): an order becomes one sale per item, leads upsert by email (else
 * phone), calls by `externalId`, subscriptions by `subscriptionId`, carts by `cartId`.
 *
 * "Entities" are the distinct orders/calls/subscriptions/carts behind one natural key. A write that
 * arrived while an earlier write of the same key was still PENDING creates a second entity (Hyros'
 * duplicate); otherwise the key's latest entity is updated.
 */
import {
  embeddedLead, insertNewestFirst, removeRow, type AccountData, type Json, type Row, type StreamName,
} from './dataset.js';
import { Rng } from './prng.js';
import { isoUtc, isoWithOffset, javaDate } from './time.js';
import type {
  CallWrite, CartWrite, ItemFields, LeadFields, LeadWrite, OrderWrite, RefundWrite, SubscriptionWrite, WritePayload,
} from './write-validation.js';

export type EntityObject = 'order' | 'call' | 'subscription' | 'cart';

interface Entity {
  rows: Row[];
  /** orders: the absolute refunded amount and when it was applied */
  refund?: { amount: number; at: number };
}

const STREAM_OF: Record<EntityObject, StreamName> = { order: 'sales', call: 'calls', subscription: 'subscriptions', cart: 'carts' };
/** EUR is the only foreign currency the dataset converts (dataset.ts: usdPrice = ×1.08) */
const USD_RATE: Record<string, number> = { USD: 1, EUR: 1.08 };
const round2 = (v: number): number => Math.round(v * 100) / 100;
const union = (a: unknown, b: string[]): string[] => [...new Set([...(Array.isArray(a) ? (a as string[]) : []), ...b])];
/** zone abbreviation of a Java date string (`Mon Feb 02 22:31:56 UTC 2026` → `UTC`) */
const zoneOf = (java: unknown): string => (typeof java === 'string' ? java.split(' ')[4] ?? 'UTC' : 'UTC');

export class AccountLedger {
  private readonly rng: Rng;
  private readonly provider: Json;
  private leadsByEmail?: Map<string, Row>;
  private leadsByPhone?: Map<string, Row>;
  private entities?: Record<EntityObject, Map<string, Entity[]>>;
  /** natural keys that writes touched (dataset-only keys are never reported as duplicates) */
  private readonly written: Record<EntityObject, Set<string>> = { order: new Set(), call: new Set(), subscription: new Set(), cart: new Set() };

  constructor(private readonly data: AccountData, seed: number, accountId: string, private readonly offsetMin: number) {
    this.rng = Rng.derive(seed, accountId, 'writes');
    this.provider = { id: this.rng.hex(24), integration: { id: this.rng.hex(24), name: 'Api integration', type: 'API' } };
  }

  /** the id Hyros assigns to a cart sent without `cartId` */
  newCartId(): string {
    return `cart-${this.rng.hex(16)}`;
  }

  /** Whether a processed order with this id exists (refunds need one). */
  hasOrder(orderId: string): boolean {
    return (this.index().order.get(orderId)?.length ?? 0) > 0;
  }

  /** Keys that ended up as more than one distinct entity. */
  duplicates(): Array<{ object: EntityObject; key: string; count: number }> {
    const out: Array<{ object: EntityObject; key: string; count: number }> = [];
    if (!this.entities) return out;
    for (const object of Object.keys(this.written) as EntityObject[]) {
      for (const key of this.written[object]) {
        const count = this.entities[object].get(key)?.length ?? 0;
        if (count > 1) out.push({ object, key, count });
      }
    }
    return out;
  }

  /** The rows (served records) of every entity of one key, oldest entity first. */
  entityRecords(object: EntityObject, key: string): Json[][] {
    return (this.index()[object].get(key) ?? []).map((e) => e.rows.map((r) => r.rec));
  }

  /** Apply one processed write; `separate` = it must not update an existing entity of its key. */
  apply(w: WritePayload, separate: boolean, now: number): void {
    const nowSec = Math.floor(now / 1000) * 1000;
    switch (w.object) {
      case 'order': return this.order(w, separate, nowSec);
      case 'lead': return this.lead(w, nowSec);
      case 'call': return this.call(w, separate, nowSec);
      case 'subscription': return this.subscription(w, separate, nowSec);
      case 'cart': return this.cart(w, separate, nowSec);
      case 'refund': return this.refund(w, nowSec);
    }
  }

  // ---------- indexes (built on the first write of the account) ----------
  private leadIndex(): { byEmail: Map<string, Row>; byPhone: Map<string, Row> } {
    if (!this.leadsByEmail || !this.leadsByPhone) {
      this.leadsByEmail = new Map();
      this.leadsByPhone = new Map();
      for (const r of this.data.rows.leads) this.indexLead(r);
    }
    return { byEmail: this.leadsByEmail, byPhone: this.leadsByPhone as Map<string, Row> };
  }
  private indexLead(r: Row): void {
    if (r.email) this.leadsByEmail?.set(r.email, r);
    for (const ph of (r.rec.phoneNumbers as string[] | undefined) ?? []) if (!this.leadsByPhone?.has(ph)) this.leadsByPhone?.set(ph, r);
  }

  private index(): Record<EntityObject, Map<string, Entity[]>> {
    if (this.entities) return this.entities;
    const idx: Record<EntityObject, Map<string, Entity[]>> = { order: new Map(), call: new Map(), subscription: new Map(), cart: new Map() };
    const group = (object: EntityObject, field: string): void => {
      for (const r of this.data.rows[STREAM_OF[object]]) {
        const key = r.rec[field];
        if (typeof key !== 'string' || key === '') continue;
        const list = idx[object].get(key) ?? [];
        if (object === 'order' && list.length) (list[0] as Entity).rows.push(r);
        else list.push({ rows: [r] });
        idx[object].set(key, list);
      }
    };
    group('order', 'orderId');
    group('call', 'externalId');
    group('subscription', 'subscriptionId');
    // dataset carts carry no external cart id
    this.entities = idx;
    return idx;
  }

  /** The entity a write of `key` fills: a fresh one, or the key's latest one with its rows removed. */
  private target(object: EntityObject, key: string | undefined, separate: boolean): Entity {
    const list = key === undefined ? undefined : this.index()[object].get(key);
    if (key !== undefined) this.written[object].add(key);
    const last = list?.[list.length - 1];
    if (last && !separate) {
      for (const r of last.rows) removeRow(this.data.rows[STREAM_OF[object]], r);
      return last;
    }
    const e: Entity = { rows: [] };
    if (key !== undefined) this.index()[object].set(key, [...(list ?? []), e]);
    return e;
  }
  private put(object: EntityObject, e: Entity, rows: Row[]): void {
    e.rows = rows;
    for (const r of rows) insertNewestFirst(this.data.rows[STREAM_OF[object]], r);
  }

  // ---------- leads ----------
  private touch(r: Row, now: number): void {
    r.updated = Math.max(r.t, now);
    r.rec.lastUpdatedDate = isoWithOffset(r.updated, this.offsetMin);
  }

  /** Find the lead by email, else phone; create it (created at `t`) when new, merge the given fields. */
  private upsertLead(l: LeadFields, t: number, now: number): Row | undefined {
    if (l.email === undefined && l.phones.length === 0) return undefined;
    const { byEmail, byPhone } = this.leadIndex();
    let r = l.email !== undefined ? byEmail.get(l.email) : undefined;
    if (!r && l.email === undefined) r = l.phones.map((ph) => byPhone.get(ph)).find((x) => x !== undefined);
    if (!r) {
      const email = l.email ?? `${(l.phones[0] as string).replace(/\D/g, '')}@hyrosapi.com`;
      const rec: Json = {
        id: this.rng.hex(64), email, creationDate: isoWithOffset(t, this.offsetMin), lastUpdatedDate: '',
        firstName: l.firstName ?? null, lastName: l.lastName ?? null,
      };
      r = { id: rec.id as string, t, updated: t, email, rec };
      if (l.ips.length) rec.ips = l.ips;
      if (l.phones.length) rec.phoneNumbers = l.phones;
      rec.adOptimizationConsent = 'UNSPECIFIED';
      if (l.stage !== undefined) rec.currentStage = { name: l.stage, date: isoWithOffset(Math.max(t, now), this.offsetMin) };
      this.touch(r, now);
      insertNewestFirst(this.data.rows.leads, r);
      this.indexLead(r);
      return r;
    }
    const rec = r.rec;
    const before = JSON.stringify(rec);
    if (l.firstName !== undefined) rec.firstName = l.firstName;
    if (l.lastName !== undefined) rec.lastName = l.lastName;
    if (l.ips.length) rec.ips = union(rec.ips, l.ips);
    if (l.phones.length) rec.phoneNumbers = union(rec.phoneNumbers, l.phones);
    if (l.stage !== undefined) rec.currentStage = { name: l.stage, date: isoWithOffset(now, this.offsetMin) };
    this.indexLead(r);
    if (JSON.stringify(rec) !== before) this.touch(r, now);
    return r;
  }

  private lead(w: LeadWrite, now: number): void {
    const r = this.upsertLead(w.lead, w.tagsDate ?? now, now) as Row;
    if (w.tags.length) r.rec.tags = union(r.rec.tags, w.tags);
    if (w.adOptimizationConsent !== undefined) r.rec.adOptimizationConsent = w.adOptimizationConsent;
    this.touch(r, now);
  }

  // ---------- orders and refunds ----------
  private product(item: ItemFields): Json {
    return {
      id: Rng.derive('product', item.tag ?? item.name).hex(24), name: item.name, tag: item.tag ?? null, sku: item.sku ?? null,
      category: { id: item.categoryName === undefined ? null : Rng.derive('category', item.categoryName).hex(12), name: item.categoryName ?? null },
    };
  }

  private order(w: OrderWrite, separate: boolean, now: number): void {
    const t = w.date ?? now;
    const lead = this.upsertLead(w.lead, t, now);
    const orderId = w.orderId ?? this.rng.hex(32);
    const e = this.target('order', orderId, separate);
    const n = w.items.length;
    const currency = w.currency ?? 'USD';
    const rate = USD_RATE[currency];
    const rows = w.items.map((item): Row => {
      const id = `sle-${this.rng.hex(64)}`;
      const discount = round2((item.itemDiscount ?? 0) + w.orderDiscount / n);
      const hardCost = item.costOfGoods === undefined && w.hardCost === undefined
        ? null : round2((item.costOfGoods ?? 0) * item.quantity + (w.hardCost ?? 0) / n);
      const rec: Json = {
        id, orderId, creationDate: javaDate(t, 'UTC'),
        qualified: true, score: 1, recurring: item.isRebill, quantity: item.quantity,
      };
      if (lead) rec.lead = embeddedLead(lead, 'UTC');
      rec.price = { price: item.price, discount, hardCost, refunded: 0, currency };
      if (rate !== undefined) {
        const r2 = (v: number): number => round2(v * rate);
        rec.usdPrice = { price: r2(item.price), discount: r2(discount), hardCost: hardCost === null ? null : r2(hardCost), refunded: 0 };
      }
      rec.product = this.product(item);
      rec.provider = this.provider;
      return { id, t, email: lead?.email, leadId: lead?.id, rec };
    });
    this.put('order', e, rows);
    if (e.refund) this.applyRefund(e, e.refund.amount, e.refund.at);
    if (w.cartId !== undefined) this.markPurchased(w.cartId, orderId);
  }

  private refund(w: RefundWrite, now: number): void {
    const list = this.index().order.get(w.orderId);
    const e = list?.[list.length - 1];
    if (!e) throw new Error(`Order not found: ${w.orderId}`);
    const total = e.rows.reduce((s, r) => s + lineTotal(r), 0);
    this.applyRefund(e, w.refundedAmount ?? total, now);
  }

  /** Spread an absolute refunded amount over the order's sales in order, each up to its line total. */
  private applyRefund(e: Entity, amount: number, at: number): void {
    e.refund = { amount, at };
    let left = amount;
    for (const r of e.rows) {
      const refunded = round2(Math.min(left, lineTotal(r)));
      left = round2(left - refunded);
      const price = r.rec.price as Json;
      const zone = zoneOf(r.rec.creationDate);
      const refundDate = refunded > 0 ? javaDate(Math.max(r.t, at), zone) : undefined;
      const out: Json = {};
      for (const [k, v] of Object.entries(r.rec)) {
        if (k === 'refundDate') continue;
        out[k] = v;
        if (k === 'creationDate' && refundDate !== undefined) out.refundDate = refundDate;
      }
      out.price = { ...price, refunded };
      const usd = r.rec.usdPrice as Json | undefined;
      if (usd) {
        const rate = USD_RATE[String(price.currency)] ?? 1;
        out.usdPrice = { ...usd, refunded: round2(refunded * rate) };
      }
      r.rec = out;
    }
  }

  // ---------- calls, subscriptions, carts ----------
  private call(w: CallWrite, separate: boolean, now: number): void {
    const e = this.target('call', w.externalId, separate);
    const old = e.rows[0];
    const t = w.date ?? old?.t ?? now;
    const lead = this.upsertLead(w.lead, t, now);
    const state = w.state ?? (old?.rec.state as string | undefined) ?? 'QUALIFIED';
    const oldQual = old?.rec.qualification as Json | null | undefined;
    const id = old?.id ?? `cll-${this.rng.hex(64)}`;
    const rec: Json = {
      id, tag: old?.rec.tag ?? null, name: w.name, externalId: w.externalId ?? null,
      qualified: state === 'QUALIFIED', score: state === 'QUALIFIED' ? 1 : 0, state,
      creationDate: javaDate(t, 'UTC'),
      qualification: w.qualification === undefined ? (oldQual ?? null) : { name: w.qualification, oldName: oldQual?.name ?? null },
    };
    if (lead) rec.lead = embeddedLead(lead, 'UTC');
    this.put('call', e, [{ id, t, email: lead?.email, leadId: lead?.id, rec }]);
  }

  private subscription(w: SubscriptionWrite, separate: boolean, now: number): void {
    const e = this.target('subscription', w.subscriptionId, separate);
    const old = e.rows[0];
    const t = w.startDate;
    const lead = this.upsertLead(w.lead, t, now);
    const id = old?.id ?? `sub_${this.rng.alnum(24)}`;
    const java = (ms: number | undefined): string | null => (ms === undefined ? null : javaDate(ms, 'UTC'));
    const rec: Json = {
      id, subscriptionId: w.subscriptionId ?? this.rng.digits(10), status: w.status, name: w.name ?? null, tag: null,
      planId: w.planId ?? null, price: w.price, periodicity: w.periodicity,
      startDate: javaDate(t, 'UTC'), endDate: java(w.endDate), cancelAtDate: java(w.cancelAtDate),
      trialStartDate: java(w.trialStartDate), trialEndDate: java(w.trialEndDate),
    };
    if (lead) rec.lead = embeddedLead(lead, 'UTC');
    rec.provider = this.provider;
    this.put('subscription', e, [{ id, t, email: lead?.email, leadId: lead?.id, rec }]);
  }

  private cart(w: CartWrite, separate: boolean, now: number): void {
    const e = this.target('cart', w.cartId, separate);
    const old = e.rows[0];
    const t = w.date ?? old?.t ?? now;
    const lead = this.upsertLead(w.lead, t, now);
    const id = old?.id ?? `crt-${this.rng.hex(64)}`;
    const rec: Json = { id };
    if (old?.rec.orderId !== undefined) rec.orderId = old.rec.orderId;
    rec.creationDate = isoUtc(t);
    rec.events = ((old?.rec.events as number | undefined) ?? 0) + 1;
    if (lead) rec.lead = embeddedLead(lead, 'UTC');
    rec.provider = this.provider;
    rec.products = w.items.map((item) => ({
      ...this.product(item), price: item.price, customCost: item.costOfGoods ?? null, recurring: item.isRebill, callProduct: false,
      category: item.categoryName ?? null,
    }));
    this.put('cart', e, [{ id, t, email: lead?.email, leadId: lead?.id, purchased: old?.purchased ?? false, rec }]);
  }

  /** an order naming a known cartId marks that cart purchased (GET /carts shows its `orderId`) */
  private markPurchased(cartId: string, orderId: string): void {
    const list = this.index().cart.get(cartId);
    const r = list?.[list.length - 1]?.rows[0];
    if (!r) return;
    const { id, ...rest } = r.rec;
    delete rest.orderId;
    r.rec = { id, orderId, ...rest };
    r.purchased = true;
  }
}

/** a sale's gross amount: unit price × quantity */
function lineTotal(r: Row): number {
  const price = Number((r.rec.price as Json | undefined)?.price ?? 0);
  const qty = Number(r.rec.quantity ?? 1);
  return round2(price * qty);
}
