/**
 * GET /attribution: validation and deterministic metrics.
 * Base metrics are seeded per (account, level, id, account-local day) and summed over the days whose
 * local midnight lies in [startDate, endDate); ratios are derived from the sums.
 */
import { hashFloat } from './prng.js';
import { localDate, localDayStart, parseRequestDate } from './time.js';

export const ATTRIBUTION_MODELS = ['last_click', 'first_click', 'scientific'];

export const ATTRIBUTION_LEVELS = [
  'google_campaign', 'google_v2_adgroup', 'google_ad', 'google_v2_keyword', 'facebook_adset', 'facebook_campaign',
  'facebook_ad', 'tiktok_adgroup', 'tiktok_ad', 'snapchat_adsquad', 'snapchat_ad', 'pinterest_adgroup', 'pinterest_ad',
  'twitter_adgroup', 'bing_adgroup', 'bing_ad', 'linkedin_campaign',
];

/** integer counts, summed per day */
const COUNT_FIELDS = [
  'sales', 'unique_sales', 'one_time_sales', 'refund_count', 'leads', 'new_leads', 'customers', 'unique_customers',
  'total_customers', 'recurring_customers', 'calls', 'unique_calls', 'qualified_calls', 'unqualified_calls',
  'canceled_calls', 'time_of_call_attribution', 'time_of_sale_attribution', 'clicks', 'new_visits', 'impressions',
  'partial_video_views', 'reported', 'reported_result', 'shop_reported_result', 'new_subscriptions',
  'canceled_subscriptions', 'direct_subscriptions', 'new_trials', 'converted_trials', 'canceled_trials', 'carts',
  'atc_events', 'purchased_carts',
] as const;

const LTV = ['30_days_ltv', '60_days_ltv', '90_days_ltv', '6_months_ltv', '1_year_ltv'];
const SUB_FORECAST = ['subscription_30_days_forecast', 'subscription_60_days_forecast', 'subscription_90_days_forecast', 'subscription_6_months_forecast', 'subscription_1_year_forecast'];

/** money, summed per day (2 decimals) */
const MONEY_FIELDS = [
  'revenue', 'total_revenue', 'recurring_revenue', 'refund', 'taxes', 'cost_of_goods', 'shipping_value', 'hard_costs',
  'cost', 'unique_customers_revenue', 'new_mrr', ...LTV, ...LTV.map((f) => `${f}_forecast`), ...SUB_FORECAST,
];

type Sums = Record<string, number>;
const div = (a: number | undefined, b: number | undefined, mul = 1): number => (!b ? 0 : ((a ?? 0) / b) * mul);

/** derived from the summed base metrics (2 decimals) */
const DERIVED: Record<string, (s: Sums) => number> = {
  profit: (s) => (s.total_revenue ?? 0) - (s.cost ?? 0),
  net_profit: (s) => (s.total_revenue ?? 0) - (s.cost ?? 0) - (s.cost_of_goods ?? 0) - (s.hard_costs ?? 0) - (s.taxes ?? 0),
  gross_margins: (s) => (s.total_revenue ?? 0) - (s.cost_of_goods ?? 0) - (s.hard_costs ?? 0),
  net_profit_percentage: (s) => div((s.total_revenue ?? 0) - (s.cost ?? 0) - (s.cost_of_goods ?? 0) - (s.hard_costs ?? 0) - (s.taxes ?? 0), s.total_revenue, 100),
  roi: (s) => div((s.total_revenue ?? 0) - (s.cost ?? 0), s.cost),
  roas: (s) => div(s.revenue, s.cost),
  cac: (s) => div(s.cost, s.customers),
  cost_per_sale: (s) => div(s.cost, s.sales),
  cost_per_unique_sale: (s) => div(s.cost, s.unique_sales),
  cost_per_lead: (s) => div(s.cost, s.leads),
  cost_per_new_lead: (s) => div(s.cost, s.new_leads),
  cost_per_call: (s) => div(s.cost, s.calls),
  cost_per_qualified_call: (s) => div(s.cost, s.qualified_calls),
  cost_per_unique_call: (s) => div(s.cost, s.unique_calls),
  cost_per_unique_customer: (s) => div(s.cost, s.unique_customers),
  cost_per_click: (s) => div(s.cost, s.clicks),
  cost_per_new_visit: (s) => div(s.cost, s.new_visits),
  cost_per_atc: (s) => div(s.cost, s.atc_events),
  cost_per_new_subscriptions: (s) => div(s.cost, s.new_subscriptions),
  cost_per_new_trials: (s) => div(s.cost, s.new_trials),
  aov: (s) => div(s.revenue, s.sales),
  refund_sales_percentage: (s) => div(s.refund_count, s.sales, 100),
  refund_revenue_percentage: (s) => div(s.refund, s.revenue, 100),
  new_customers_percentage: (s) => div(s.unique_customers, s.total_customers, 100),
  ctr: (s) => div(s.clicks, s.impressions, 100),
  cpm: (s) => div(s.cost, s.impressions, 1000),
  cvr: (s) => div(s.sales, s.clicks, 100),
  reported_vs_revenue: (s) => div(s.reported, s.sales),
  churn_rate: (s) => div(s.canceled_subscriptions, s.new_subscriptions, 100),
  atc_cvr: (s) => div(s.purchased_carts, s.carts, 100),
  atc_rate: (s) => div(s.atc_events, s.clicks, 100),
};

export const ATTRIBUTION_FIELDS = new Set<string>([...COUNT_FIELDS, ...MONEY_FIELDS, ...Object.keys(DERIVED), 'name', 'parent_name']);

const r2 = (v: number): number => Math.round(v * 100) / 100;

/** base metrics of one id on one day; coherent (sales ≤ leads ≤ clicks ≤ impressions …) */
function dayMetrics(key: string, day: string, model: string): Sums {
  const h = (k: string): number => hashFloat(key, day, k);
  const hm = (k: string): number => hashFloat(key, day, model, k); // attributed metrics depend on the model
  const impressions = Math.floor(h('impressions') * 5000);
  const clicks = Math.floor(impressions * (0.005 + h('ctr') * 0.03));
  const leads = Math.floor(clicks * hm('lead-rate') * 0.4);
  const sales = Math.floor(leads * hm('sale-rate') * 0.5);
  const calls = Math.floor(leads * hm('call-rate') * 0.3);
  const qualified = Math.floor(calls * hm('qualified'));
  const revenue = r2(sales * (20 + hm('aov') * 200));
  const recurring = r2(revenue * hm('recurring') * 0.3);
  const customers = Math.floor(sales * (0.7 + 0.3 * hm('customers')));
  const newSubs = Math.floor(sales * hm('subs') * 0.3);
  const carts = Math.floor(clicks * h('carts') * 0.2);
  const s: Sums = {
    impressions, clicks, leads, sales, calls,
    new_visits: Math.floor(clicks * (0.5 + 0.5 * h('visits'))),
    new_leads: Math.floor(leads * (0.6 + 0.4 * hm('new-leads'))),
    unique_sales: Math.floor(sales * (0.7 + 0.3 * hm('unique-sales'))),
    one_time_sales: Math.floor(sales * (0.5 + 0.5 * hm('one-time'))),
    refund_count: Math.floor(sales * hm('refunds') * 0.15),
    customers,
    unique_customers: Math.floor(customers * (0.8 + 0.2 * hm('unique-customers'))),
    total_customers: customers + Math.floor(hm('returning') * 3),
    recurring_customers: Math.floor(customers * hm('recurring-customers') * 0.3),
    unique_calls: Math.floor(calls * (0.8 + 0.2 * hm('unique-calls'))),
    qualified_calls: qualified,
    unqualified_calls: calls - qualified,
    canceled_calls: Math.floor(calls * hm('canceled-calls') * 0.2),
    time_of_call_attribution: Math.floor(calls * hm('toca')),
    time_of_sale_attribution: Math.floor(sales * hm('tosa')),
    partial_video_views: Math.floor(impressions * h('video') * 0.1),
    reported: Math.floor(sales * (0.8 + 0.4 * h('reported'))),
    reported_result: Math.floor(sales * (0.7 + 0.5 * h('reported-result'))),
    shop_reported_result: Math.floor(sales * (0.6 + 0.5 * h('shop-reported'))),
    new_subscriptions: newSubs,
    canceled_subscriptions: Math.floor(newSubs * hm('canceled-subs') * 0.5),
    direct_subscriptions: Math.floor(newSubs * hm('direct-subs')),
    new_trials: Math.floor(newSubs * hm('trials')),
    converted_trials: Math.floor(newSubs * hm('trials') * hm('converted')),
    canceled_trials: Math.floor(newSubs * hm('trials') * hm('canceled-trials') * 0.5),
    carts,
    atc_events: carts + Math.floor(carts * h('atc')),
    purchased_carts: Math.floor(carts * hm('purchased')),
    revenue,
    recurring_revenue: recurring,
    total_revenue: r2(revenue + recurring),
    refund: r2(revenue * hm('refund-amount') * 0.1),
    taxes: r2(revenue * 0.07),
    cost_of_goods: r2(revenue * (0.1 + 0.2 * hm('cogs'))),
    shipping_value: r2(sales * 4.99),
    hard_costs: r2(revenue * 0.05 * hm('hard')),
    cost: r2(impressions * (0.005 + h('cpm') * 0.02)),
    unique_customers_revenue: r2(revenue * (0.6 + 0.4 * hm('ucr'))),
    new_mrr: r2(newSubs * (10 + 90 * hm('mrr'))),
  };
  LTV.forEach((f, i) => {
    s[f] = r2(revenue * (1 + 0.15 * (i + 1) * hm(f)));
    s[`${f}_forecast`] = r2(revenue * (1 + 0.2 * (i + 1) * hm(`${f}_forecast`)));
  });
  SUB_FORECAST.forEach((f, i) => { s[f] = r2((s.new_mrr ?? 0) * (1 + i) * (0.8 + 0.4 * hm(f))); });
  return s;
}

export interface AttributionQuery {
  model: string;
  level: string;
  fields: string[];
  ids: string[];
  start: number;
  end: number;
}

/** validate the query parameters; returns the query or an error message (400) */
export function parseAttributionQuery(p: URLSearchParams, offsetMin: number): AttributionQuery | string {
  for (const name of ['attributionModel', 'startDate', 'endDate', 'level', 'fields', 'ids']) {
    if (!(p.get(name) ?? '').trim()) return `Missing required field: ${name}`;
  }
  const model = p.get('attributionModel') as string;
  if (!ATTRIBUTION_MODELS.includes(model)) return `Invalid attributionModel: ${model}`;
  const start = parseRequestDate(p.get('startDate') as string, offsetMin);
  if (start === null) return 'Invalid start date';
  const end = parseRequestDate(p.get('endDate') as string, offsetMin);
  if (end === null || end < start) return 'Invalid end date';
  const level = p.get('level') as string;
  if (!ATTRIBUTION_LEVELS.includes(level)) return `Invalid level: ${level}`;
  const fields = (p.get('fields') as string).split(',').map((f) => f.trim());
  for (const f of fields) if (!ATTRIBUTION_FIELDS.has(f)) return `Invalid field: ${f}`;
  const currency = p.get('currency');
  if (currency !== null && currency !== 'usd' && currency !== 'user_currency') return `Invalid currency: ${currency}`;
  const sdr = p.get('scientificDaysRange');
  if (sdr !== null && !(/^\d+$/.test(sdr) && Number(sdr) >= 1 && Number(sdr) <= 30)) return `Invalid scientific days range: ${sdr}`;
  const ids = [...new Set((p.get('ids') as string).split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) return 'Missing required field: ids';
  return { model, level, fields: [...new Set(fields)], ids, start, end };
}

/** account-local days whose midnight lies in [start, end) (capped at ~10 years) */
export function daysInRange(start: number, end: number, offsetMin: number): string[] {
  const days: string[] = [];
  let m = localDayStart(start, offsetMin);
  if (m < start) m += 86_400_000;
  for (; m < end && days.length < 3700; m += 86_400_000) days.push(localDate(m + 43_200_000, offsetMin));
  return days;
}

export function attributionRow(
  scope: string, q: AttributionQuery, id: string, days: string[], names: Map<string, { name: string; parent: string }>,
): Record<string, unknown> {
  const sums: Sums = {};
  const key = `${scope}|${q.level}|${id}`;
  for (const day of days) {
    const m = dayMetrics(key, day, q.model);
    for (const [k, v] of Object.entries(m)) sums[k] = (sums[k] ?? 0) + v;
  }
  const row: Record<string, unknown> = { id };
  for (const f of q.fields) {
    if (f === 'name') row.name = names.get(id)?.name ?? `${q.level} ${id}`;
    else if (f === 'parent_name') row.parent_name = names.get(id)?.parent ?? `parent of ${id}`;
    else if (DERIVED[f]) row[f] = r2((DERIVED[f] as (s: Sums) => number)(sums));
    else if ((COUNT_FIELDS as readonly string[]).includes(f)) row[f] = Math.round(sums[f] ?? 0);
    else row[f] = r2(sums[f] ?? 0);
  }
  return row;
}
