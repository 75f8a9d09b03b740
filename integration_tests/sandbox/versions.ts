/**
 * Time and API version in the sandbox.
 *  - `asOf`: the account as it was at that instant — records created later are not there yet, and
 *    records that changed later (Row.history) are served in their earlier version. Lets a test run
 *    one sync, move the clock, and see what the next sync catches.
 *  - `apiVersion`: parameters introduced after it are unknown to the endpoint, ignored (like most
 *    Hyros endpoints do) or answered 400 `Unknown parameter: <name>` (`unknownParams: 'reject'`).
 */
import type { Row } from './dataset.js';

/** The rows as of `asOf` (undefined: the final data, untouched). */
export function rowsAsOf(rows: Row[], asOf: number | undefined): Row[] {
  if (asOf === undefined) return rows;
  const out: Row[] = [];
  for (const row of rows) {
    if (row.t > asOf) continue;
    const earlier = row.history?.find((version) => asOf < version.until);
    out.push(earlier ? { ...row, rec: earlier.rec, updated: earlier.updated ?? row.t } : row);
  }
  return out;
}

/** Query parameters by the Hyros API version that introduced them. */
const INTRODUCED: Record<string, Record<string, string>> = {
  '/leads': { updatedFromDate: '1.39', updatedToDate: '1.39' },
  '/leads/clicks': { leadIds: '1.41', emails: '1.41' },
};

export const LATEST_API_VERSION = '1.41';

const versionNumber = (version: string): number => {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major * 1000 + minor;
};

/**
 * The parameters an endpoint of `apiVersion` acts on: newer ones are dropped (ignored), or a 400
 * message when they are rejected.
 */
export function paramsForVersion(path: string, params: URLSearchParams, apiVersion: string, unknownParams: 'ignore' | 'reject'): URLSearchParams | string {
  const introduced = INTRODUCED[path];
  if (!introduced) return params;
  const unknown = [...params.keys()].filter((name) => introduced[name] !== undefined && versionNumber(introduced[name] as string) > versionNumber(apiVersion));
  if (unknown.length === 0) return params;
  if (unknownParams === 'reject') return `Unknown parameter: ${unknown[0] as string}`;
  const kept = new URLSearchParams(params);
  for (const name of unknown) kept.delete(name);
  return kept;
}
