/** The ids a report level is about, read from a page of /ads, /sources or /ad-accounts. */
import { isJsonObject } from '../../json.js';
import type { IdSource } from '../../streams/attribution.js';

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
    const adSource = record.adSource;
    if (!isJsonObject(adSource)) continue;
    const id = adSource.adSourceId;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') continue;
    if (typeof adSource.platform !== 'string' || adSource.platform.toUpperCase() !== platform) continue;
    ids.push(String(id));
  }
  return ids;
}
