/** Splitting ids into request batches: attribution reports and lead clicks send ids as one CSV parameter. */

const MAX_IDS_PER_REQUEST = 50;
/** Budget for the URL-encoded `ids` value (keeps the whole URL well under 4 KB). */
const MAX_IDS_PARAM_CHARS = 1800;

/** Splits ids into request batches: at most `maxIds` each, and the URL-encoded CSV within `maxChars`. */
export function batchIds(ids: readonly string[], maxIds = MAX_IDS_PER_REQUEST, maxChars = MAX_IDS_PARAM_CHARS): string[][] {
  const batches: string[][] = [];
  let batch: string[] = [];
  let chars = 0;
  for (const id of ids) {
    const cost = encodeURIComponent(id).length + (batch.length > 0 ? 3 : 0); // "%2C" between ids
    if (batch.length > 0 && (batch.length >= maxIds || chars + cost > maxChars)) {
      batches.push(batch);
      batch = [];
      chars = 0;
    }
    chars += batch.length > 0 ? cost : encodeURIComponent(id).length;
    batch.push(id);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
