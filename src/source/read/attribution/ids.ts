/** Which entities a report level is about, and where their ids come from (hyros-attribution.md §1.4). */

/** Levels whose entities /sources lists as `adSource.adSourceId` (hyros-attribution.md §1.4). */
const SOURCE_LINK_LEVELS = new Set(['facebook_adset', 'google_campaign', 'tiktok_adgroup', 'snapchat_adsquad', 'linkedin_campaign']);

export interface IdSource {
  /** GET path the ids come from: ads (ad levels), sources (source-link levels), or ad accounts. */
  path: 'ads' | 'sources' | 'ad-accounts';
  /** Platform the ids must belong to (`adSource.platform`, or the ad account's `type`). */
  platform: string;
}

/**
 * Where a level's ids come from (hyros-attribution.md §1.4): ad ids from /ads, source-link ids from
 * /sources, and for the other levels (campaigns of Facebook, Google v2 ad groups, …), whose ids no
 * read endpoint lists, one ad account per request with `isAdAccountId=true`, which makes Hyros
 * report every entity of that account at the level.
 */
export function idSource(level: string): IdSource {
  const platform = (level.split('_')[0] ?? level).toUpperCase();
  if (/_ad$/.test(level)) return { path: 'ads', platform };
  return { path: SOURCE_LINK_LEVELS.has(level) ? 'sources' : 'ad-accounts', platform };
}

/** The ids on the platform in one page of /ads, /sources or /ad-accounts, in order. */
export function idsOnPlatform(records: ReadonlyArray<Record<string, unknown>>, source: IdSource): string[] {
  if (source.path !== 'ad-accounts') return adSourceIds(records, source.platform);
  return records
    .filter((account) => typeof account.type === 'string' && account.type.toUpperCase().startsWith(source.platform))
    .map((account) => String(account.id))
    .filter((id) => id !== '' && id !== 'undefined');
}

/** The `adSource.adSourceId` values of one page of /ads or /sources on the platform, in order. */
export function adSourceIds(records: ReadonlyArray<Record<string, unknown>>, platform: string): string[] {
  const ids: string[] = [];
  for (const record of records) {
    const adSource = record.adSource as { adSourceId?: unknown; platform?: unknown } | null | undefined;
    if (!adSource || typeof adSource !== 'object') continue;
    const id = adSource.adSourceId;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') continue;
    if (typeof adSource.platform !== 'string' || adSource.platform.toUpperCase() !== platform) continue;
    ids.push(String(id));
  }
  return ids;
}
