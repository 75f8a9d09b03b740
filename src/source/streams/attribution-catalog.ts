/**
 * The documented vocabulary of GET /attribution (as Hyros documents it): levels, models and
 * metric names. Config validation and the report streams' schemas are built from these lists.
 */
export const ATTRIBUTION_MODELS = ['last_click', 'first_click', 'scientific'] as const;

export const ATTRIBUTION_LEVELS = [
  'google_campaign',
  'google_v2_adgroup',
  'google_ad',
  'facebook_adset',
  'facebook_campaign',
  'facebook_ad',
  'tiktok_adgroup',
  'tiktok_ad',
  'snapchat_adsquad',
  'snapchat_ad',
  'pinterest_adgroup',
  'pinterest_ad',
  'twitter_adgroup',
  'bing_adgroup',
  'bing_ad',
  'linkedin_campaign',
] as const;

/** Descriptive (string) fields; every other metric is a number. */
export const ATTRIBUTION_TEXT_FIELDS = ['name', 'parent_name'] as const;

/** Count metrics Hyros returns as whole numbers; all other numeric metrics may carry decimals. */
export const ATTRIBUTION_COUNT_METRICS = new Set<string>([
  'sales', 'unique_sales', 'one_time_sales', 'refund_count', 'leads', 'new_leads', 'customers', 'unique_customers',
  'total_customers', 'recurring_customers', 'calls', 'unique_calls', 'qualified_calls', 'unqualified_calls',
  'canceled_calls', 'clicks', 'new_visits', 'impressions', 'partial_video_views', 'new_subscriptions',
  'canceled_subscriptions', 'direct_subscriptions', 'new_trials', 'converted_trials', 'canceled_trials', 'carts',
  'atc_events', 'purchased_carts',
]);

export const ATTRIBUTION_METRICS = [
  // revenue and sales
  'sales', 'revenue', 'total_revenue', 'recurring_revenue', 'unique_sales', 'one_time_sales', 'refund', 'refund_count',
  'refund_sales_percentage', 'refund_revenue_percentage', 'aov', 'gross_margins', 'taxes', 'cost_of_goods',
  'shipping_value', 'hard_costs',
  // cost and profit
  'cost', 'profit', 'net_profit', 'net_profit_percentage', 'roi', 'roas', 'cac', 'cost_per_sale', 'cost_per_unique_sale',
  'cost_per_lead', 'cost_per_new_lead', 'cost_per_call', 'cost_per_qualified_call', 'cost_per_unique_call',
  'cost_per_unique_customer', 'cost_per_click', 'cost_per_new_visit', 'cost_per_atc', 'cost_per_new_subscriptions',
  'cost_per_new_trials',
  // leads and customers
  'leads', 'new_leads', 'customers', 'unique_customers', 'unique_customers_revenue', 'total_customers',
  'recurring_customers', 'new_customers_percentage',
  // calls
  'calls', 'unique_calls', 'qualified_calls', 'unqualified_calls', 'canceled_calls', 'time_of_call_attribution',
  'time_of_sale_attribution',
  // traffic and platform
  'clicks', 'new_visits', 'impressions', 'ctr', 'cpm', 'cvr', 'partial_video_views', 'reported', 'reported_result',
  'shop_reported_result', 'reported_vs_revenue',
  // LTV
  '30_days_ltv', '60_days_ltv', '90_days_ltv', '6_months_ltv', '1_year_ltv', '30_days_ltv_forecast',
  '60_days_ltv_forecast', '90_days_ltv_forecast', '6_months_ltv_forecast', '1_year_ltv_forecast',
  // subscriptions
  'new_subscriptions', 'canceled_subscriptions', 'direct_subscriptions', 'new_mrr', 'new_trials', 'converted_trials',
  'canceled_trials', 'churn_rate', 'subscription_30_days_forecast', 'subscription_60_days_forecast',
  'subscription_90_days_forecast', 'subscription_6_months_forecast', 'subscription_1_year_forecast',
  // carts
  'carts', 'atc_events', 'purchased_carts', 'atc_cvr', 'atc_rate',
  // descriptive
  'name', 'parent_name',
] as const;
