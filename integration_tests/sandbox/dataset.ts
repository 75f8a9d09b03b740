/**
 * Deterministic dataset of one Hyros account, in the shapes Hyros documents. A pure function of
 * (seed, accountId, counts, dataStart, dataEnd, volume); the account timezone only changes how ISO
 * timestamps are rendered (and, with the `launches` volume, which days are weekends).
 */
import { lastClickAfter, leadClicks } from './clicks.js';
import { Rng } from './prng.js';
import { dayProfile, spreadTimes as spreadTimesOf, type Volume } from './volume.js';
import { isoUtc, isoWithOffset, javaDate } from './time.js';

export type StreamName =
  | 'leads' | 'sales' | 'calls' | 'subscriptions' | 'carts'
  | 'sources' | 'ads' | 'ad_accounts' | 'products' | 'stages' | 'tags';

export const STREAMS: readonly StreamName[] = [
  'leads', 'sales', 'calls', 'subscriptions', 'carts',
  'sources', 'ads', 'ad_accounts', 'products', 'stages', 'tags',
];

/** The served collections: the streams above plus the clicks of the leads (1–4 per lead). */
export type RowStream = StreamName | 'lead_clicks';

export const DEFAULT_COUNTS: Readonly<Record<StreamName, number>> = {
  leads: 120, sales: 150, calls: 40, subscriptions: 30, carts: 40,
  sources: 12, ads: 20, ad_accounts: 3, products: 8, stages: 5, tags: 10,
};

export type Json = Record<string, unknown>;

/** A served record plus the keys the server filters and sorts on. */
export interface Row {
  id: string;
  /** creation time (epoch ms) for the date-filtered streams; 0 for dimension streams */
  t: number;
  /** leads: lastUpdatedDate (epoch ms) */
  updated?: number;
  email?: string;
  leadId?: string;
  purchased?: boolean;
  rec: Json;
  /**
   * Earlier versions of a record that changed after its creation (a lead's later stage, a refund, a
   * cancellation), oldest first: `rec` (and `updated`) as served before `until`. The sandbox's
   * `asOf` clock serves the version of that moment.
   */
  history?: Array<{ until: number; rec: Json; updated?: number }>;
}

export interface AccountProfile {
  accountId: string;
  email: string;
  firstName: string;
  lastName: string;
  companyName: string;
}

export interface AccountData {
  profile: AccountProfile;
  rows: Record<RowStream, Row[]>;
}

export interface DatasetConfig {
  seed: number;
  counts: Record<StreamName, number>;
  dataStart: number;
  dataEnd: number;
  /** account timezone, minutes east of UTC */
  offsetMin: number;
  /** how creation times spread over the range (volume.ts); default even */
  volume?: Volume;
}

const DAY = 86_400_000;
const FIRST = ['John', 'Maria', 'Wei', 'Aisha', 'Carlos', 'Emma', 'Liam', 'Sofia', 'Noah', 'Olivia', 'Mateo', 'Yuki', 'Zoe', 'Ivan', 'Lucia'];
const LAST = ['Doe', 'Garcia', 'Chen', 'Khan', 'Silva', 'Smith', 'Brown', 'Rossi', 'Novak', 'Tanaka', 'Lopez', 'Muller', 'Kim', 'Petrov', 'Diaz'];
const COMPANIES = ['Acme Media', 'Blue Ocean Co', 'Northwind Labs', 'Globex Digital', 'Initech Growth'];
const PLATFORMS = ['FACEBOOK', 'GOOGLE', 'TIKTOK'] as const;
const SOURCE_KIND: Record<string, string> = { FACEBOOK: 'adset', GOOGLE: 'campaign', TIKTOK: 'adgroup' };
const OTHER_ZONES = ['EST', 'EDT', 'PST', 'CET', 'BRT', 'ART', 'GMT'];
const INTEGRATIONS = ['STRIPE', 'SHOPIFY', 'HUBSPOT', 'WOOCOMMERCE'];
const STAGE_NAMES = ['lead', 'mql', 'sql', 'opportunity', 'customer', 'churned', 'nurture', 'demo', 'trial', 'vip'];
const PRODUCT_CATEGORIES = ['courses', 'coaching', 'software', 'merch'];

/**
 * Boundary cases for window tests: [0] and [1] share the same second, [2] sits at 00:00:00 UTC,
 * [3] at 00:00:00 account-local time, [4] at the last second of the data range.
 */
function applyBoundaries(times: number[], start: number, end: number, offsetMin: number): void {
  const mid = start + (end - start) / 2;
  const utcMidnight = (from: number): number => Math.ceil(from / DAY) * DAY;
  if (times.length >= 2) times[1] = times[0] as number;
  if (times.length >= 3) {
    let m = utcMidnight(mid);
    if (m >= end) m = utcMidnight(start);
    if (m < end) times[2] = m;
  }
  if (times.length >= 4) {
    const off = offsetMin * 60_000;
    let m = utcMidnight(mid + DAY + off) - off;
    if (m >= end) m = utcMidnight(start + off) - off;
    if (m >= start && m < end) times[3] = m;
  }
  if (times.length >= 5 && end - 1000 >= start) times[4] = Math.floor((end - 1000) / 1000) * 1000;
}

/** newest first, ties broken by id descending */
export const compareNewestFirst = (a: Row, b: Row): number => (b.t - a.t) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function sortNewestFirst(rows: Row[]): void {
  rows.sort(compareNewestFirst);
}

/** Insert one row where `compareNewestFirst` puts it (the server cuts date ranges by binary search). */
export function insertNewestFirst(rows: Row[], row: Row): void {
  let lo = 0, hi = rows.length;
  while (lo < hi) { const m = (lo + hi) >>> 1; if (compareNewestFirst(rows[m] as Row, row) <= 0) lo = m + 1; else hi = m; }
  rows.splice(lo, 0, row);
}

/** Remove one row (by identity); false when it is not there. */
export function removeRow(rows: Row[], row: Row): boolean {
  const i = rows.indexOf(row);
  if (i < 0) return false;
  rows.splice(i, 1);
  return true;
}

/** The lead as sales, calls, subscriptions and carts embed it (creationDate in the record's Java zone). */
export const embeddedLead = (lead: Row, zone: string): Json => ({
  id: lead.id, email: lead.email, creationDate: javaDate(lead.t, zone),
  firstName: lead.rec.firstName, lastName: lead.rec.lastName, tags: lead.rec.tags ?? [],
});

interface SourceInfo {
  rec: Json;
  sourceLinkId: string;
  ads: Array<{ name: string; adSourceId: string }>;
}

export function buildAccount(cfg: DatasetConfig, accountId: string): AccountData {
  const { seed, counts, dataStart, dataEnd, offsetMin } = cfg;
  // One day profile per account, shared by its streams (launch days are launch days for every stream).
  let volumeProfile: ReturnType<typeof dayProfile> | undefined;
  const days = () => (volumeProfile ??= dayProfile([seed, accountId], dataStart, dataEnd, offsetMin));
  const spreadTimes = (rng: Rng, n: number, start: number, end: number) => spreadTimesOf(rng, n, start, end, cfg.volume, days);
  const R = (stream: string): Rng => Rng.derive(seed, accountId, stream);
  const profRng = R('profile');
  const profile: AccountProfile = {
    accountId,
    firstName: profRng.pick(FIRST),
    lastName: profRng.pick(LAST),
    companyName: accountId ? `${profRng.pick(COMPANIES)} (${accountId})` : profRng.pick(COMPANIES),
    email: accountId ? `owner+${accountId}@example.com` : 'owner@example.com',
  };
  const rows = {} as Record<RowStream, Row[]>;

  // ---- ad accounts ----
  {
    const rng = R('ad_accounts');
    rows.ad_accounts = [];
    for (let i = 0; i < counts.ad_accounts; i++) {
      const type = PLATFORMS[i % PLATFORMS.length] as string;
      const id = type === 'FACEBOOK' ? rng.digits(15) : type === 'GOOGLE' ? rng.digits(10) : rng.digits(19);
      rows.ad_accounts.push({ id, t: 0, rec: { id, name: `${profile.companyName} ${type.toLowerCase()} ${i + 1}`, type } });
    }
  }

  // ---- sources & ads ----
  const sourceInfos: SourceInfo[] = [];
  {
    const rng = R('sources');
    rows.sources = [];
    for (let i = 0; i < counts.sources; i++) {
      const acct = rows.ad_accounts.length ? rows.ad_accounts[i % rows.ad_accounts.length] : undefined;
      const platform = acct ? String(acct.rec.type) : (PLATFORMS[i % PLATFORMS.length] as string);
      const kind = SOURCE_KIND[platform] ?? 'adset';
      const tag = `@${platform.toLowerCase()}-${kind}-${i + 1}`;
      const rec: Json = {
        name: `${platform[0]}${platform.slice(1).toLowerCase()} ${kind} ${i + 1}`,
        tag,
        disregarded: i % 11 === 10,
        organic: false,
        adSource: { adSourceId: rng.digits(17), adAccountId: acct ? acct.id : rng.digits(12), platform },
        trafficSource: { id: `cat-${rng.hex(12)}`, name: platform.toLowerCase() },
        goal: { id: `cat-${rng.hex(12)}`, name: 'all' },
        category: { id: `cat-${rng.hex(12)}`, name: kind === 'campaign' ? 'campaign' : 'prospecting' },
        creationDate: dataStart - rng.int(1, 365) * DAY + rng.int(0, 86_399) * 1000,
      };
      rows.sources.push({ id: tag, t: 0, rec });
      sourceInfos.push({ rec, sourceLinkId: rng.hex(24), ads: [] });
    }
  }
  {
    const rng = R('ads');
    rows.ads = [];
    for (let i = 0; i < counts.ads; i++) {
      const si = sourceInfos.length ? sourceInfos[i % sourceInfos.length] : undefined;
      const parentAd = (si?.rec.adSource ?? {}) as Json;
      const adId = rng.digits(18);
      const name = `Ad ${i + 1} - ${rng.pick(['video', 'carousel', 'static', 'story'])}`;
      const rec: Json = {
        id: adId,
        name,
        adSource: { adSourceId: adId, adAccountId: parentAd.adAccountId ?? rng.digits(12), platform: parentAd.platform ?? 'FACEBOOK' },
        source: si ? si.rec : null,
        creationDate: dataStart - rng.int(1, 200) * DAY + rng.int(0, 86_399) * 1000,
      };
      si?.ads.push({ name, adSourceId: adId });
      rows.ads.push({ id: adId, t: 0, rec });
    }
  }

  // ---- products, stages, tags ----
  const categoryIds = new Map<string, string>();
  {
    const rng = R('products');
    for (const c of PRODUCT_CATEGORIES) categoryIds.set(c, `cat-${rng.hex(12)}`);
    rows.products = [];
    for (let i = 0; i < counts.products; i++) {
      const id = rng.hex(24);
      const recurring = i % 4 === 3;
      const callProduct = i % 5 === 4;
      rows.products.push({
        id, t: 0,
        rec: {
          id, name: `Product ${i + 1}`, tag: `$product-${i + 1}`, sku: `SKU-${rng.digits(6)}`,
          price: rng.money(9, 1999), customCost: rng.bool(0.3) ? rng.money(1, 100) : null,
          recurring, callProduct, category: PRODUCT_CATEGORIES[i % PRODUCT_CATEGORIES.length],
        },
      });
    }
  }
  {
    const rng = R('stages');
    rows.stages = [];
    for (let i = 0; i < counts.stages; i++) {
      const name = i < STAGE_NAMES.length ? (STAGE_NAMES[i] as string) : `stage-${i + 1}`;
      rows.stages.push({ id: name, t: 0, rec: { name, amount: i === 1 ? null : rng.int(0, 5000) } });
    }
  }
  {
    const rng = R('tags');
    rows.tags = [];
    const prefixes = ['$', '@', '!', '#'];
    for (let i = 0; i < counts.tags; i++) {
      const name = `${prefixes[i % prefixes.length]}tag-${i + 1}`;
      rows.tags.push({ id: name, t: 0, rec: { name, amount: rng.int(1, 9000) } });
    }
  }

  // ---- helpers for embedded objects ----
  const attribution = (rng: Rng, clickMs: number): Json | undefined => {
    if (sourceInfos.length === 0) return undefined;
    const si = rng.pick(sourceInfos);
    const ad = si.ads.length ? rng.pick(si.ads) : undefined;
    return {
      sourceLinkId: si.sourceLinkId,
      name: si.rec.name,
      tag: si.rec.tag,
      clickDate: isoWithOffset(clickMs, offsetMin),
      organic: si.rec.organic,
      disregarded: si.rec.disregarded,
      adSource: si.rec.adSource,
      sourceLinkAd: ad ? { name: ad.name, adSourceId: ad.adSourceId } : null,
      trafficSource: si.rec.trafficSource,
      goal: si.rec.goal,
      category: si.rec.category,
    };
  };
  const provider = (rng: Rng): Json => {
    const type = rng.pick(INTEGRATIONS);
    return { id: rng.hex(24), integration: { id: rng.hex(24), name: `${type[0]}${type.slice(1).toLowerCase()} integration`, type } };
  };
  const zoneFor = (rng: Rng): string => (rng.bool(0.75) ? 'UTC' : rng.pick(OTHER_ZONES));

  // ---- leads ----
  {
    const rng = R('leads');
    // Own PRNG streams for what came later (clicks, late stage changes): the lead records drawn above stay as they were.
    const clickRng = R('lead_clicks');
    const changeRng = R('lead_changes');
    const clickSources = sourceInfos.map((si) => ({ name: si.rec.name, platform: (si.rec.adSource as Json).platform }));
    const lastSecond = Math.floor((dataEnd - 1000) / 1000) * 1000;
    const times = spreadTimes(rng, counts.leads, dataStart, dataEnd);
    applyBoundaries(times, dataStart, dataEnd, offsetMin);
    rows.leads = [];
    rows.lead_clicks = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const id = rng.hex(64);
      const firstName = rng.pick(FIRST);
      const lastName = rng.pick(LAST);
      const email = `${firstName}.${lastName}.${rng.hex(6)}@example.com`.toLowerCase();
      const maxUpd = Math.max(t, Math.floor((dataEnd - 1000) / 1000) * 1000);
      const updated = rng.bool(0.4) ? t : Math.min(maxUpd, t + rng.int(1, 15 * 86_400) * 1000);
      const rec: Json = { id, email, creationDate: isoWithOffset(t, offsetMin), lastUpdatedDate: isoWithOffset(updated, offsetMin), firstName, lastName };
      if (rng.bool(0.7)) {
        const tags: string[] = [];
        for (let k = rng.int(1, 3); k > 0; k--) tags.push(rows.tags.length ? (rng.pick(rows.tags).id) : '!clicked');
        rec.tags = [...new Set(tags)];
      }
      if (rng.bool(0.8)) rec.ips = [`${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`];
      if (rng.bool(0.5)) rec.phoneNumbers = [`${rng.int(201, 989)}-555-${rng.digits(4)}`];
      rec.adOptimizationConsent = rng.pick(['GRANTED', 'DENIED', 'UNSPECIFIED']);
      if (rng.bool(0.5) && rows.stages.length) {
        rec.currentStage = { name: rng.pick(rows.stages).id, date: isoWithOffset(Math.min(updated, t + rng.int(0, 3 * 86_400) * 1000), offsetMin) };
      }
      if (rng.bool(0.6)) rec.provider = provider(rng);
      if (rng.bool(0.65)) {
        const first = attribution(rng, t - rng.int(0, 3 * 86_400) * 1000);
        if (first) {
          rec.firstSource = first;
          rec.lastSource = rng.bool(0.5) ? first : attribution(rng, t - rng.int(0, 3600) * 1000);
        }
      }
      // A click after the opt-in changes the lead (its last source): lastUpdatedDate follows it.
      const clicks = leadClicks(clickRng, { id, t, email, ip: (rec.ips as string[] | undefined)?.[0] }, clickSources, lastSecond);
      rows.lead_clicks.push(...clicks);
      const row: Row = { id, t, updated: Math.max(updated, lastClickAfter(clicks, t) ?? t), email, rec };
      rec.lastUpdatedDate = isoWithOffset(row.updated as number, offsetMin);
      // Some leads reach a new stage 20–60 days after their creation (past the data range too).
      if (changeRng.bool(0.2) && rows.stages.length) {
        const lateAt = t + changeRng.int(20 * 86_400, 60 * 86_400) * 1000;
        const stage = changeRng.pick(rows.stages).id;
        if (lateAt > (row.updated as number)) {
          row.history = [{ until: lateAt, rec: { ...rec }, updated: row.updated }];
          rec.currentStage = { name: stage, date: isoWithOffset(lateAt, offsetMin) };
          rec.lastUpdatedDate = isoWithOffset(lateAt, offsetMin);
          row.updated = lateAt;
        }
      }
      rows.leads.push(row);
    }
    sortNewestFirst(rows.leads);
    sortNewestFirst(rows.lead_clicks);
  }
  const leadsAsc = [...rows.leads].reverse();
  /** a lead created at or before `t` when one exists (embedded in sales/calls/…) */
  const pickLead = (rng: Rng, t: number): Row | undefined => {
    if (leadsAsc.length === 0) return undefined;
    let lo = 0, hi = leadsAsc.length; // count of leads with t <= t
    while (lo < hi) { const m = (lo + hi) >> 1; if ((leadsAsc[m] as Row).t <= t) lo = m + 1; else hi = m; }
    return lo > 0 ? leadsAsc[rng.int(0, lo - 1)] : rng.pick(leadsAsc);
  };
  const sources = (rng: Rng, lead: Row | undefined, t: number): Json => {
    if (lead?.rec.firstSource) return { firstSource: lead.rec.firstSource, lastSource: lead.rec.lastSource };
    if (rng.bool(0.3)) { const a = attribution(rng, t - rng.int(0, 86_400) * 1000); if (a) return { firstSource: a, lastSource: a }; }
    return {};
  };
  const productRef = (p: Row): Json => ({
    id: p.id, name: p.rec.name, tag: p.rec.tag, sku: p.rec.sku,
    category: { id: categoryIds.get(String(p.rec.category)), name: p.rec.category },
  });

  // ---- sales ----
  {
    const rng = R('sales');
    const times = spreadTimes(rng, counts.sales, dataStart, dataEnd);
    applyBoundaries(times, dataStart, dataEnd, offsetMin);
    rows.sales = [];
    let prev: { orderId: string; lead: Row | undefined; zone: string } | undefined;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const id = `sle-${rng.hex(64)}`;
      // sales [0] and [1] share one second: make them two line items of one order
      const sameOrder = i === 1 && prev !== undefined;
      const zone = sameOrder && prev ? prev.zone : zoneFor(rng);
      const lead = sameOrder && prev ? prev.lead : pickLead(rng, t);
      const orderId = sameOrder && prev ? prev.orderId : rng.hex(32);
      prev = { orderId, lead, zone };
      const eur = rng.bool(0.1);
      const amount = rng.money(5, 2500);
      const discount = rng.bool(0.2) ? rng.money(1, Math.max(1, amount / 5)) : 0;
      const hardCost = rng.bool(0.5) ? null : rng.money(0, amount / 3);
      const refunded = rng.bool(0.1);
      const refundedAmt = refunded ? (rng.bool(0.7) ? amount : rng.money(1, amount)) : 0;
      const rate = eur ? 1.08 : 1;
      const product = rows.products.length ? rng.pick(rows.products) : undefined;
      const rec: Json = {
        id, orderId, creationDate: javaDate(t, zone),
      };
      // Refunds land up to 60 days after the sale (typical refund windows), past the data range too.
      const refundMs = refunded ? t + rng.int(3600, 60 * 86_400) * 1000 : undefined;
      if (refundMs !== undefined) rec.refundDate = javaDate(refundMs, zone);
      Object.assign(rec, {
        qualified: rng.bool(0.8), score: rng.pick([1, 0.5, 0.25, 1]), recurring: Boolean(product?.rec.recurring), quantity: rng.int(1, 3),
      });
      if (lead) rec.lead = embeddedLead(lead, zone);
      rec.price = { price: amount, discount, hardCost, refunded: refundedAmt, currency: eur ? 'EUR' : 'USD' };
      if (rng.bool(0.9)) {
        const r2 = (v: number): number => Math.round(v * rate * 100) / 100;
        rec.usdPrice = { price: r2(amount), discount: r2(discount), hardCost: hardCost === null ? null : r2(hardCost), refunded: r2(refundedAmt) };
      }
      if (product) rec.product = productRef(product);
      Object.assign(rec, sources(rng, lead, t));
      rec.provider = provider(rng);
      const row: Row = { id, t, email: lead?.email, leadId: lead?.id, rec };
      if (refundMs !== undefined) {
        const { refundDate: _refundDate, ...before } = rec;
        before.price = { ...(rec.price as Json), refunded: 0 };
        if (rec.usdPrice) before.usdPrice = { ...(rec.usdPrice as Json), refunded: 0 };
        row.history = [{ until: refundMs, rec: before }];
      }
      rows.sales.push(row);
    }
    sortNewestFirst(rows.sales);
  }

  // ---- calls ----
  {
    const rng = R('calls');
    const times = spreadTimes(rng, counts.calls, dataStart, dataEnd);
    applyBoundaries(times, dataStart, dataEnd, offsetMin);
    rows.calls = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const id = `cll-${rng.hex(64)}`;
      const zone = zoneFor(rng);
      const lead = pickLead(rng, t);
      const state = rng.pick(['QUALIFIED', 'QUALIFIED', 'UNQUALIFIED', 'CANCELLED', 'NO_SHOW']);
      const rec: Json = {
        id, tag: `$call-${i + 1}`, name: `Discovery call ${i + 1}`, externalId: rng.bool(0.7) ? `ext-call-${rng.hex(8)}` : null,
        qualified: state === 'QUALIFIED', score: state === 'QUALIFIED' ? 1 : 0, state,
        creationDate: javaDate(t, zone),
        qualification: rng.bool(0.5) ? { name: rng.pick(['hot', 'warm', 'cold']), oldName: null } : null,
      };
      if (lead) rec.lead = embeddedLead(lead, zone);
      Object.assign(rec, sources(rng, lead, t));
      rows.calls.push({ id, t, email: lead?.email, leadId: lead?.id, rec });
    }
    sortNewestFirst(rows.calls);
  }

  // ---- subscriptions ----
  {
    const rng = R('subscriptions');
    const times = spreadTimes(rng, counts.subscriptions, dataStart, dataEnd);
    applyBoundaries(times, dataStart, dataEnd, offsetMin);
    rows.subscriptions = [];
    const states = ['ACTIVE', 'ACTIVE', 'TRIALING', 'CANCELED', 'PAST_DUE', 'PAUSED', 'COMPLETED'];
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const id = `sub_${rng.alnum(24)}`;
      const zone = zoneFor(rng);
      const lead = pickLead(rng, t);
      const status = rng.pick(states);
      const ended = status === 'CANCELED' || status === 'COMPLETED';
      // Subscriptions end up to four months after they start.
      const endMs = t + rng.int(1, 120) * DAY;
      const trial = status === 'TRIALING' || rng.bool(0.15);
      const rec: Json = {
        id, subscriptionId: rng.digits(10), status, name: `plan ${i % 4 + 1}`, tag: `#plan-${i % 4 + 1}`,
        planId: `price_${rng.alnum(14)}`, price: rng.money(5, 300), periodicity: rng.pick(['DAY', 'WEEK', 'MONTH', 'YEAR']),
        startDate: javaDate(t, zone),
        endDate: ended ? javaDate(endMs, zone) : null,
        cancelAtDate: status === 'CANCELED' ? javaDate(endMs, zone) : null,
        trialStartDate: trial ? javaDate(t, zone) : null,
        trialEndDate: trial ? javaDate(t + 7 * DAY, zone) : null,
      };
      if (lead) rec.lead = embeddedLead(lead, zone);
      Object.assign(rec, sources(rng, lead, t));
      rec.category = { id: `cat-${rng.hex(12)}`, name: `${rec.name as string} category` };
      rec.provider = provider(rng);
      const row: Row = { id, t, email: lead?.email, leadId: lead?.id, rec };
      // Active until it ended (cancelled or completed).
      if (ended) row.history = [{ until: endMs, rec: { ...rec, status: 'ACTIVE', endDate: null, cancelAtDate: null } }];
      rows.subscriptions.push(row);
    }
    sortNewestFirst(rows.subscriptions);
  }

  // ---- carts ----
  {
    const rng = R('carts');
    const times = spreadTimes(rng, counts.carts, dataStart, dataEnd);
    applyBoundaries(times, dataStart, dataEnd, offsetMin);
    rows.carts = [];
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      const id = `crt-${rng.hex(64)}`;
      const lead = pickLead(rng, t);
      const purchased = rng.bool(0.4);
      const rec: Json = { id };
      if (purchased) rec.orderId = rng.hex(32);
      rec.creationDate = isoUtc(t);
      rec.events = rng.int(1, 12);
      if (lead) rec.lead = embeddedLead(lead, 'UTC');
      rec.provider = provider(rng);
      const products: Json[] = [];
      if (rows.products.length) for (let k = rng.int(1, 3); k > 0; k--) products.push(rng.pick(rows.products).rec);
      rec.products = products;
      Object.assign(rec, sources(rng, lead, t));
      rows.carts.push({ id, t, email: lead?.email, leadId: lead?.id, purchased, rec });
    }
    sortNewestFirst(rows.carts);
  }

  return { profile, rows };
}
