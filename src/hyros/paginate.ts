/**
 * Cursor pagination over a Hyros list endpoint: `pageSize` + `pageId` ← `nextPageId`, every other
 * parameter byte-identical on every page (Hyros resets the cursor when anything else changes).
 * Stops on a missing/null `nextPageId` or an empty page; a repeated `nextPageId` is an error
 * rather than an infinite loop.
 */
import { ConnectorError } from '../common/errors.js';
import type { HyrosClient } from './client.js';
import type { QueryParams, RequestContext } from './request.js';

export interface Page {
  records: Array<Record<string, unknown>>;
  /** 1-based page number within this pagination run. */
  number: number;
}

/** Hard bound on pages of one request chain (250 × 1M records: never reached by real data). */
const MAX_PAGES = 1_000_000;

export async function* paginate(
  client: HyrosClient,
  path: string,
  params: QueryParams,
  pageSize: number,
  context: RequestContext = {},
): AsyncGenerator<Page> {
  const seen = new Set<string>();
  let pageId: string | undefined;
  for (let number = 1; number <= MAX_PAGES; number++) {
    const pageParams: Array<readonly [string, string]> = [...params, ['pageSize', String(pageSize)]];
    if (pageId !== undefined) pageParams.push(['pageId', pageId]);
    const body = await client.getJson(path, pageParams, context);
    const records = resultArray(body, path);
    if (records.length === 0) return;
    const next = (body as { nextPageId?: unknown }).nextPageId;
    // The consumer may empty `records` once it has used them (the engine does, to free the page).
    yield { records, number };
    if (next === null || next === undefined || next === '') return;
    if (typeof next !== 'string') {
      throw new ConnectorError(`GET /${path} returned a nextPageId that is not a string (${JSON.stringify(next)}).`, 'system_error');
    }
    if (seen.has(next)) {
      throw new ConnectorError(
        `GET /${path} returned the same nextPageId twice (page ${number}); stopping instead of looping forever. This is a Hyros pagination fault; retry the sync later.`,
        'system_error',
      );
    }
    seen.add(next);
    pageId = next;
  }
  throw new ConnectorError(`GET /${path} did not finish after ${MAX_PAGES} pages.`, 'system_error');
}

/** The `result` array of a list response; anything else is a clear system error. */
export function resultArray(body: unknown, path: string): Array<Record<string, unknown>> {
  const result = (body as { result?: unknown } | null)?.result;
  if (Array.isArray(result)) return result as Array<Record<string, unknown>>;
  throw new ConnectorError(
    `GET /${path} returned an unexpected body (no "result" array): ${JSON.stringify(body).slice(0, 200)}`,
    'system_error',
  );
}
