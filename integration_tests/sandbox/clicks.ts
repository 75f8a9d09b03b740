/**
 * Clicks of the sandbox leads (`GET /leads/clicks`): 1–4 per lead, the first
 * one before the lead's creation (a click precedes the opt-in), the others around and after it.
 * A pure function of the seed (own PRNG stream), so the other streams are unaffected.
 */
import type { Rng } from './prng.js';
import { javaDate } from './time.js';

type Json = Record<string, unknown>;

export interface ClickRow {
  id: string;
  /** click date (epoch ms) */
  t: number;
  leadId: string;
  email?: string;
  /** served as is; `leadId` is added only for requests by `leadIds`/`emails` (API v1.41) */
  rec: Json;
}

export interface ClickSource {
  name: unknown;
  platform: unknown;
}

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36',
];
const PAGES = ['offer', 'webinar', 'checkout', 'free-guide', 'pricing'];

/** The clicks of one lead, oldest first; none after `latestMs` (the last second of the data range). */
export function leadClicks(rng: Rng, lead: { id: string; t: number; email?: string; ip?: string }, sources: readonly ClickSource[], latestMs: number): ClickRow[] {
  const count = rng.int(1, 4);
  const clicks: ClickRow[] = [];
  for (let k = 0; k < count; k++) {
    const offsetS = k === 0 ? -rng.int(60, 7 * 86_400) : rng.int(-3 * 86_400, 20 * 86_400);
    const t = lead.t + offsetS * 1000;
    const organic = sources.length === 0 || rng.bool(0.3);
    const source = organic ? undefined : rng.pick(sources);
    const page = rng.pick(PAGES);
    const campaign = `c${rng.digits(6)}`;
    const rec: Json = {
      id: rng.hex(32),
      date: javaDate(t, 'UTC'),
      trackedUrl: `https://www.shop.example/${page}?utm_source=${organic ? 'organic' : String(source?.platform).toLowerCase()}&utm_campaign=${campaign}`,
      page: `https://www.shop.example/${page}`,
      previousUrl: organic ? null : `https://www.${String(source?.platform).toLowerCase()}.com/`,
      adspendType: organic ? 'NONE' : source?.platform,
      sourceLinkName: organic ? null : source?.name,
      ip: lead.ip ?? `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      agent: rng.pick(AGENTS),
      cartId: rng.bool(0.1) ? `crt-${rng.hex(16)}` : null,
      deduplicationParams: rng.bool(0.5) ? { fbp: `fb.1.${t}.${rng.digits(10)}` } : {},
      adSpendId: organic ? null : rng.int(100_000_000, 999_999_999),
      parsedParameters: organic ? {} : { utm_source: String(source?.platform).toLowerCase(), utm_campaign: campaign },
    };
    // Clicks after the data range have not happened yet (the draws above keep the sequence stable).
    if (k === 0 || t <= latestMs) clicks.push({ id: rec.id as string, t, leadId: lead.id, email: lead.email, rec });
  }
  return clicks.sort((a, b) => a.t - b.t);
}

/** The latest click at or after the lead's creation (it moves the lead's lastUpdatedDate), if any. */
export function lastClickAfter(clicks: readonly ClickRow[], createdMs: number): number | undefined {
  let latest: number | undefined;
  for (const click of clicks) if (click.t >= createdMs && (latest === undefined || click.t > latest)) latest = click.t;
  return latest;
}
