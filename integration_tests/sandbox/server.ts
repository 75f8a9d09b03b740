/**
 * Hyros REST API sandbox: a real node:http server that behaves like the documented API
 * (reads, paging, filters, rate limits, attribution), plus the write API (writes.ts). Loopback only.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { buildAccount, DEFAULT_COUNTS, type AccountData, type Row, type RowStream, type StreamName } from './dataset.js';
import { PageStore, canonicalParams } from './paging.js';
import { RateLimiter } from './ratelimit.js';
import { FaultPlan, type Fault, type FaultKind } from './faults.js';
import { attributionRow, daysInRange, parseAttributionQuery } from './attribution.js';
import { parseOffset, parseRequestDate } from './time.js';
import { NOT_FOUND, error, json, requestId, text, type Reply } from './reply.js';
import { WriteApi, defaultFailWhen, matchWriteRoute, type FailWhen, type WriteEntry, type WriteRoute } from './writes.js';
import type { EntityObject } from './write-apply.js';
import type { Volume } from './volume.js';
import { LATEST_API_VERSION, paramsForVersion, rowsAsOf } from './versions.js';

export type { StreamName } from './dataset.js';
export type { Volume } from './volume.js';
export type { Fault, FaultKind } from './faults.js';
export type { FailWhen, WriteEntry, WriteObject, WriteStatus } from './writes.js';
export type { EntityObject } from './write-apply.js';

export interface SandboxOptions {
  host?: string;
  port?: number;
  apiKey?: string;
  seed?: number;
  counts?: Partial<Record<StreamName, number>>;
  dataStart?: string;
  dataEnd?: string;
  timezone?: string;
  latencyMs?: number;
  /**
   * Network jitter as a fraction of the latency (0.5 = ±50 %). When set, `latencyMs` is split into
   * a way in and a way out, each drawn per request from half the latency × [1 − j, 1 + j]; the way
   * in passes BEFORE the rate limiter counts the request (the server counts arrivals, which a
   * jittery network reorders and bunches). Unset: all latency after counting, none on the way in.
   */
  latencyJitter?: number;
  rateLimit?: { perSecond: number; perMinute: number } | false;
  /** How creation times spread: `even` (default) or `launches` (uneven days, see volume.ts). */
  volume?: Volume;
  /** read paths (`/calls` → 403 GET_CALLS) and write role names as Hyros spells them (`Create Orders`) */
  missingRoles?: string[];
  /** a missing role answers plain-text 401 `Unauthorized` (the API before v1.40) instead of the 403 */
  bareUnauthorizedForMissingRole?: boolean;
  missingEndpoints?: string[];
  accounts?: string[];
  faults?: Fault[];
  /** how long an accepted write stays PENDING before it is PROCESSED (or FAILED); default 1000 */
  processingDelayMs?: number;
  /** a reason makes the write FAILED with it; default: orders whose orderId starts with `fail-` */
  failWhen?: FailWhen;
  /** false: `GET /requests/{id}` does not exist (plain-text 404, the API before v1.41); default true */
  requestStatusEndpoint?: boolean;
  /** Serve the account as it was at this instant (ISO-8601); default: the final data. */
  asOf?: string;
  /** Hyros API version served (parameters introduced later are unknown); default the latest. */
  apiVersion?: string;
  /** What an endpoint does with a parameter its version does not know: ignore it (default) or answer 400. */
  unknownParams?: 'ignore' | 'reject';
  /**
   * The last page of a list still carries a `nextPageId`, and so does every (empty) page after it:
   * a client that follows the cursor alone never stops (the defensive stop on an empty page).
   */
  emptyPageCursor?: boolean;
}

export interface SandboxStats {
  requests: number;
  byPath: Record<string, number>;
  status: Record<string, number>;
  rateLimited: number;
  faults: number;
  maxPerSecond: number;
  maxPerMinute: number;
}

export interface Sandbox {
  url: string;
  baseUrl: string;
  close(): Promise<void>;
  stats(): SandboxStats;
  resetStats(): void;
  /** Empties the rate-limit windows (as if the key had been idle for a minute): back-to-back bench runs each start fresh. */
  resetRateLimit(): void;
  /** The final records (`lead_clicks` with their `leadId`). */
  records(stream: RowStream, accountId?: string): Array<Record<string, unknown>>;
  /** Moves the sandbox clock (see SandboxOptions.asOf); undefined serves the final data. */
  setAsOf(at: string | undefined): void;
  invalidateKey(): void;
  setFaults(faults: Fault[]): void;
  /** every accepted write, in arrival order, with its current status */
  writes(): WriteEntry[];
  /** natural keys that ended up as more than one distinct order/call/subscription/cart (empty = no duplicate) */
  duplicates(): Array<{ accountId: string; object: EntityObject; key: string; count: number }>;
  /** accepted writes still PENDING */
  pendingCount(): number;
  /** resolves once nothing is PENDING (or the sandbox is closed) */
  settle(): Promise<void>;
  /** the served records of each distinct entity behind one natural key (sales of an order, the call, …), oldest entity first */
  entityRecords(object: EntityObject, key: string, accountId?: string): Array<Array<Record<string, unknown>>>;
}

export const BASE_PATH = '/v1/api/v1.0';


/** list filter values: `a,b` or `"a","b"` (Hyros' array syntax) */
function listParam(p: URLSearchParams, name: string): string[] | undefined {
  const v = p.get(name);
  if (v === null) return undefined;
  return v.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);
}

interface ListSpec {
  stream: RowStream;
  dated: boolean;
  defaultPageSize: number;
  /** strict parameter validation: only these names are accepted */
  strict?: string[];
  /** `/ad-accounts` signals the last page with `"nextPageId": null` */
  nullLastPage?: boolean;
  /** endpoint-specific filters; return an error message for a 400 */
  filter?: (rows: Row[], p: URLSearchParams) => Row[] | string;
  /** the served object of a row (default: `rec`) */
  present?: (row: Row, p: URLSearchParams) => unknown;
}

const byIds = (rows: Row[], p: URLSearchParams, name = 'ids'): Row[] | string => {
  const ids = listParam(p, name);
  if (!ids) return rows;
  if (ids.length > 50) return 'The maximum number of ids to be provided for search is 50';
  const set = new Set(ids);
  return rows.filter((r) => set.has(name === 'leadIds' ? (r.leadId ?? '') : r.id));
};
const byEmails = (rows: Row[], p: URLSearchParams, prefix = false): Row[] | string => {
  const emails = listParam(p, 'emails')?.map((e) => e.toLowerCase());
  if (!emails) return rows;
  if (emails.length > 50) return 'The maximum number of emails to be provided for search is 50';
  return rows.filter((r) => r.email !== undefined && emails.some((e) => (prefix ? r.email!.startsWith(e) : r.email === e)));
};
const chain = (...fs: Array<(rows: Row[], p: URLSearchParams) => Row[] | string>) =>
  (rows: Row[], p: URLSearchParams): Row[] | string => {
    let cur = rows;
    for (const f of fs) { const r = f(cur, p); if (typeof r === 'string') return r; cur = r; }
    return cur;
  };
const byField = (param: string, get: (r: Row) => unknown) => (rows: Row[], p: URLSearchParams): Row[] => {
  const v = p.get(param);
  return v === null ? rows : rows.filter((r) => String(get(r)) === v);
};
const byAdSourceIds = (rows: Row[], p: URLSearchParams): Row[] => {
  const ids = listParam(p, 'adSourceIds');
  if (!ids) return rows;
  return rows.filter((r) => ids.includes(String((r.rec.adSource as Record<string, unknown> | null)?.adSourceId)));
};
const leadIds = (rows: Row[], p: URLSearchParams): Row[] | string => byIds(rows, p, 'leadIds');
/** `/leads/clicks`: exactly one of `leadId`, `email`, or (v1.41) up to 50 `leadIds` / `emails`. */
const clicksOfLeads = (rows: Row[], p: URLSearchParams): Row[] | string => {
  const single = { leadId: p.get('leadId'), email: p.get('email') };
  const lists = { leadIds: listParam(p, 'leadIds'), emails: listParam(p, 'emails') };
  const given = [single.leadId, single.email, lists.leadIds, lists.emails].filter((v) => v !== null && v !== undefined).length;
  if (given === 0) return 'Either leadId or email must be provided';
  if (given > 1) return 'Provide only one of leadId, email, leadIds or emails';
  const ids = single.leadId !== null ? [single.leadId] : lists.leadIds;
  const emails = (single.email !== null ? [single.email] : lists.emails)?.map((e) => e.toLowerCase());
  if ((ids ?? emails ?? []).length > 50) return 'The maximum number of ids to be provided for search is 50';
  if (ids) {
    const wanted = new Set(ids);
    return rows.filter((r) => wanted.has(r.leadId ?? ''));
  }
  const wanted = new Set(emails);
  return rows.filter((r) => r.email !== undefined && wanted.has(r.email));
};

const LIST: Record<string, ListSpec> = {
  '/leads': { stream: 'leads', dated: true, defaultPageSize: 100, filter: chain(byIds, (r, p) => byEmails(r, p, true)) },
  '/sales': {
    stream: 'sales', dated: true, defaultPageSize: 100,
    filter: chain(byIds, byEmails, leadIds, (rows, p) => {
      const s = p.get('saleRefundedState');
      if (s === 'REFUNDED') return rows.filter((r) => r.rec.refundDate !== undefined);
      if (s === 'NON_REFUNDED') return rows.filter((r) => r.rec.refundDate === undefined);
      return rows;
    }, (rows, p) => {
      const s = p.get('isRecurringSale');
      if (s === 'RECURRING') return rows.filter((r) => r.rec.recurring === true);
      if (s === 'NON_RECURRING') return rows.filter((r) => r.rec.recurring !== true);
      return rows;
    }),
  },
  '/leads/clicks': {
    stream: 'lead_clicks', dated: true, defaultPageSize: 100, filter: clicksOfLeads,
    // Asked for several leads at once (v1.41), each click names its lead.
    present: (row, p) => (p.has('leadIds') || p.has('emails') ? { ...row.rec, leadId: row.leadId } : row.rec),
  },
  '/calls': { stream: 'calls', dated: true, defaultPageSize: 100, filter: chain(byIds, byEmails, leadIds) },
  '/subscriptions': {
    stream: 'subscriptions', dated: true, defaultPageSize: 100,
    filter: chain(byIds, byEmails, leadIds, (rows, p) => {
      const st = listParam(p, 'subscriptionStates');
      return st ? rows.filter((r) => st.includes(String(r.rec.status))) : rows;
    }),
  },
  '/carts': {
    stream: 'carts', dated: true, defaultPageSize: 100,
    strict: ['fromDate', 'toDate', 'emails', 'leadIds', 'purchased', 'pageSize', 'pageId'],
    filter: chain(byEmails, leadIds, byField('purchased', (r) => r.purchased)),
  },
  '/sources': { stream: 'sources', dated: false, defaultPageSize: 100, filter: byAdSourceIds },
  '/ads': { stream: 'ads', dated: false, defaultPageSize: 100, filter: byAdSourceIds },
  '/ad-accounts': { stream: 'ad_accounts', dated: false, defaultPageSize: 50, nullLastPage: true, filter: byIds },
  '/products': {
    stream: 'products', dated: false, defaultPageSize: 50,
    strict: ['name', 'tag', 'category', 'isRecurringSale', 'pageSize', 'pageId'],
    filter: chain(byField('name', (r) => r.rec.name), byField('tag', (r) => r.rec.tag), byField('category', (r) => r.rec.category)),
  },
  '/stages': { stream: 'stages', dated: false, defaultPageSize: 100, filter: byField('name', (r) => r.rec.name) },
  '/tags/count': { stream: 'tags', dated: false, defaultPageSize: 100, strict: ['name', 'pageSize', 'pageId'], filter: byField('name', (r) => r.rec.name) },
};

const ROUTES = new Set([...Object.keys(LIST), '/user-info', '/attribution']);

function roleFor(path: string): string {
  return `GET_${path.replace(/^\//, '').replace(/[-/]/g, '_').toUpperCase()}`;
}

/** The request body as text (writes); bounded so a runaway client cannot exhaust memory. */
async function readBody(req: IncomingMessage, limit = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  // an oversized body is not JSON the sandbox accepts: it answers like any unparsable body
  return size <= limit ? Buffer.concat(chunks).toString('utf8') : '';
}

function parsePageSize(p: URLSearchParams, dflt: number): number | null {
  const v = p.get('pageSize');
  if (v === null) return dflt;
  if (!/^\d+$/.test(v)) return null;
  const n = Number(v);
  return n >= 1 && n <= 250 ? n : null;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const host = opts.host ?? '127.0.0.1';
  const apiKey = opts.apiKey ?? 'sandbox-key';
  const seed = opts.seed ?? 42;
  const timezone = opts.timezone ?? '-05:00';
  const offsetMin = parseOffset(timezone);
  const latencyMs = opts.latencyMs ?? 0;
  const jitter = opts.latencyJitter;
  /** One leg of the trip: the whole latency on the way out without jitter, half of it ± j each way with. */
  const leg = (way: 'in' | 'out'): number => {
    if (jitter === undefined) return way === 'in' ? 0 : latencyMs;
    return (latencyMs / 2) * (1 + jitter * (2 * Math.random() - 1));
  };
  const counts = { ...DEFAULT_COUNTS, ...(opts.counts ?? {}) } as Record<StreamName, number>;
  const dataStart = Date.parse(opts.dataStart ?? '2026-01-01T00:00:00Z');
  const dataEnd = Date.parse(opts.dataEnd ?? '2026-03-01T00:00:00Z');
  if (!(dataEnd > dataStart)) throw new Error('dataEnd must be after dataStart');
  const missingRoles = new Set(opts.missingRoles ?? []);
  const missingEndpoints = new Set(opts.missingEndpoints ?? []);
  const missingRole = (role: string): Reply =>
    (opts.bareUnauthorizedForMissingRole ? text(401, 'Unauthorized') : error(403, `Missing role ${role}`));
  const requestStatusEndpoint = opts.requestStatusEndpoint ?? true;
  const apiVersion = opts.apiVersion ?? LATEST_API_VERSION;
  const unknownParams = opts.unknownParams ?? 'ignore';
  const parseAsOf = (at: string | undefined): number | undefined => {
    if (at === undefined) return undefined;
    const ms = Date.parse(at);
    if (Number.isNaN(ms)) throw new Error(`asOf: not a date-time: ${at}`);
    return ms;
  };
  let asOf = parseAsOf(opts.asOf);
  const cfg = { seed, counts, dataStart, dataEnd, offsetMin, volume: opts.volume ?? 'even' };

  const accounts = new Map<string, AccountData>();
  accounts.set('', buildAccount(cfg, ''));
  for (const id of opts.accounts ?? []) accounts.set(id, buildAccount(cfg, id));

  const pages = new PageStore();
  const limiter = new RateLimiter(opts.rateLimit === undefined ? { perSecond: 30, perMinute: 1000 } : opts.rateLimit);
  const faults = new FaultPlan(opts.faults ?? []);
  const locks = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let keyValid = true;
  let closed = false;
  const writeApi = new WriteApi({
    seed, offsetMin, processingDelayMs: opts.processingDelayMs ?? 1000, failWhen: opts.failWhen ?? defaultFailWhen,
    missingRoles, missingRole,
  });

  const emptyStats = (): SandboxStats => ({ requests: 0, byPath: {}, status: {}, rateLimited: 0, faults: 0, maxPerSecond: 0, maxPerMinute: 0 });
  let stats = emptyStats();

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    if (ms <= 0) return resolve();
    const t = setTimeout(() => { timers.delete(t); resolve(); }, ms);
    timers.add(t);
  });

  // ---------- endpoint handlers ----------
  /** The offset a request's pageId stands for (0 without one), or the 400 for an unknown/rebound one. */
  function pageOffset(p: URLSearchParams, scope: string): number | Reply {
    const pageId = p.get('pageId');
    if (pageId === null) return 0;
    return pages.resolve(pageId, scope) ?? error(400, 'Invalid pageId');
  }

  const creationTime = (r: Row): number => r.t;

  /** The rows with from ≤ t ≤ to of an array sorted by t descending. */
  function sliceNewestFirst(rows: Row[], from: number | null, to: number | null): Row[] {
    // first index with t ≤ to, and first index with t < from
    const firstAtOrBelow = (limit: number, strict: boolean): number => {
      let lo = 0, hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const t = (rows[mid] as Row).t;
        if (strict ? t < limit : t <= limit) hi = mid; else lo = mid + 1;
      }
      return lo;
    };
    const start = to === null ? 0 : firstAtOrBelow(to, false);
    const end = from === null ? rows.length : firstAtOrBelow(from, true);
    return rows.slice(start, Math.max(start, end));
  }
  function listEndpoint(path: string, spec: ListSpec, p: URLSearchParams, accountId: string, data: AccountData): Reply {
    if (spec.strict) {
      for (const k of p.keys()) if (!spec.strict.includes(k)) return error(400, `Unknown parameter: ${k}`);
    }
    const pageSize = parsePageSize(p, spec.defaultPageSize);
    if (pageSize === null) return error(400, 'Page size must be between 1 and 250');
    let rows = rowsAsOf(data.rows[spec.stream], asOf);
    if (spec.dated) {
      const range = (fromName: string, toName: string, key: (r: Row) => number): Reply | undefined => {
        const fromRaw = p.get(fromName), toRaw = p.get(toName);
        const from = fromRaw === null ? null : parseRequestDate(fromRaw, offsetMin);
        const to = toRaw === null ? null : parseRequestDate(toRaw, offsetMin);
        if ((fromRaw !== null && from === null) || (toRaw !== null && to === null)) {
          return error(400, 'Invalid date format. Please, read the API documentation');
        }
        // both bounds inclusive: from ≤ t ≤ to
        if (from === null && to === null) return undefined;
        // Rows are sorted newest first by creation time: cut the creation range by binary search
        // (large benchmark datasets would otherwise be scanned on every page).
        rows = key === creationTime
          ? sliceNewestFirst(rows, from, to)
          : rows.filter((r) => (from === null || key(r) >= from) && (to === null || key(r) <= to));
        return undefined;
      };
      const bad = range('fromDate', 'toDate', creationTime) ??
        (spec.stream === 'leads' ? range('updatedFromDate', 'updatedToDate', (r) => r.updated ?? r.t) : undefined);
      if (bad) return bad;
    }
    if (spec.filter) {
      const f = spec.filter(rows, p);
      if (typeof f === 'string') return error(400, f);
      rows = f;
    }
    const scope = `${path}|${accountId}|${canonicalParams(p)}`;
    const offset = pageOffset(p, scope);
    if (typeof offset !== 'number') return offset;
    const slice = rows.slice(offset, offset + pageSize);
    const body: Record<string, unknown> = { result: slice.map((r) => (spec.present ? spec.present(r, p) : r.rec)) };
    if (offset + pageSize < rows.length || opts.emptyPageCursor) body.nextPageId = pages.issue(scope, offset + pageSize);
    else if (spec.nullLastPage) body.nextPageId = null;
    body.request_id = requestId();
    return json(200, body);
  }

  function userInfo(accountId: string, data: AccountData): Reply {
    const prof = data.profile;
    const accessible = accountId === ''
      ? [...accounts.values()].filter((a) => a.profile.accountId !== '').map((a) => ({
        accountId: a.profile.accountId, firstName: a.profile.firstName, lastName: a.profile.lastName,
        companyName: a.profile.companyName, email: a.profile.email, pictureUrl: null, status: 'APPROVED',
      }))
      : [];
    const own = accounts.get('') as AccountData;
    const allowed = accountId === '' ? [] : [{
      firstName: own.profile.firstName, lastName: own.profile.lastName, companyName: own.profile.companyName,
      email: own.profile.email, pictureUrl: null, status: 'APPROVED',
    }];
    return json(200, {
      result: {
        userProfile: {
          email: prof.email, firstName: prof.firstName, lastName: prof.lastName, phoneNumber: 2025550184,
          companyName: prof.companyName, profilePicture: null, vat: null, helpNotes: false,
          notificationsEnabled: 'true', timezone,
          userAddress: { street: '1 Sandbox Street', city: 'Dover', state: 'Delaware', zipCode: '19901' },
        },
        allowedAccounts: allowed,
        accessibleAccounts: accessible,
        trueTrackingData: { LEAD_ATTRIBUTION_TIMEFRAME: '7', PENDING_CONVERSIONS_ATTRIBUTION_MODE: 'LAST_CLICK' },
      },
      request_id: requestId(),
    });
  }

  function attribution(p: URLSearchParams, accountId: string, data: AccountData): Reply {
    const q = parseAttributionQuery(p, offsetMin);
    if (typeof q === 'string') return error(400, q);
    const pageSize = parsePageSize(p, 100);
    if (pageSize === null) return error(400, 'Page size must be between 1 and 250');
    const scope = `/attribution|${accountId}|${canonicalParams(p)}`;
    const offset = pageOffset(p, scope);
    if (typeof offset !== 'number') return offset;
    // isAdAccountId=true: `ids` is one ad account, and the rows are every source of that account
    // (as Hyros documents it; segmented reports are refused in that mode).
    let allIds = q.ids;
    if (p.get('isAdAccountId') === 'true') {
      if (q.ids.length !== 1) return error(400, 'Your request contains more than one ad account id');
      const grouping = (p.get('timeGroupingOption') ?? 'source_link').toLowerCase();
      if (grouping !== 'source_link') return error(400, 'Invalid configuration: segmented reports are not supported when isAdAccount is enabled');
      allIds = data.rows.sources
        .map((s) => s.rec.adSource as Record<string, unknown> | null)
        .filter((ad): ad is Record<string, unknown> => ad !== null && String(ad.adAccountId) === q.ids[0])
        .map((ad) => String(ad.adSourceId));
    }
    const ids = allIds.slice(offset, offset + pageSize);
    const busy = [...ids, ...(allIds === q.ids ? [] : q.ids)].find((id) => locks.has(`${accountId}|${id}`));
    if (busy !== undefined) return error(400, `Already processing a request for id: ${busy}`);
    const lockKeys = [...ids, ...(allIds === q.ids ? [] : q.ids)].map((id) => `${accountId}|${id}`);
    for (const k of lockKeys) locks.add(k);
    const names = new Map<string, { name: string; parent: string }>();
    for (const s of data.rows.sources) {
      const ad = s.rec.adSource as Record<string, unknown> | null;
      if (ad) names.set(String(ad.adSourceId), { name: String(s.rec.name), parent: `${String(s.rec.name)} campaign` });
    }
    for (const a of data.rows.ads) {
      const src = a.rec.source as Record<string, unknown> | null;
      names.set(a.id, { name: String(a.rec.name), parent: src ? String(src.name) : '' });
    }
    const days = daysInRange(q.start, q.end, offsetMin);
    const body: Record<string, unknown> = {
      result: ids.map((id) => attributionRow(`${seed}|${accountId}`, q, id, days, names)),
    };
    if (offset + pageSize < allIds.length) body.nextPageId = pages.issue(scope, offset + pageSize);
    body.request_id = requestId();
    return { ...json(200, body), release: () => { for (const k of lockKeys) locks.delete(k); } };
  }

  // ---------- request pipeline ----------
  /** auth → fault → `Accessible-Account-Id`: the account to serve, or the answer that stops here */
  function admit(req: IncomingMessage, fault: FaultKind | null): Reply | { accountId: string; data: AccountData } {
    if (fault === 'key-invalid') keyValid = false;
    const key = req.headers['api-key'];
    if (key === undefined || key === '') return text(401, 'Unauthorized');
    if (!keyValid || key !== apiKey) return error(401, 'Api key not valid');
    switch (fault) {
      case '500': return error(500, 'There was a problem while processing the request');
      case '502-html': return text(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
      case '503-retry-after': return { ...text(503, 'Service Unavailable'), headers: { 'Retry-After': '1' } };
      case '429-burst': return { ...error(429, 'Number of API requests per second exceeded'), headers: { 'Retry-After': '1' } };
      case 'expired-page': return error(400, 'Invalid pageId');
      default: break;
    }
    const hdr = req.headers['accessible-account-id'];
    const accountId = typeof hdr === 'string' ? hdr.trim() : '';
    const data = accountId === '' ? accounts.get('') : accounts.get(accountId);
    if (!data) return error(403, `Not authorized: account ${accountId} is not one of your connected client accounts.`);
    return { accountId, data };
  }

  function route(req: IncomingMessage, url: URL, sub: string, fault: FaultKind | null, write: WriteRoute | null, body: string): Reply {
    const admitted = admit(req, fault);
    if ('status' in admitted) return admitted;
    const { accountId, data } = admitted;
    if (write) return writeApi.handle(write, accountId, data, url.searchParams, body, sub);
    if (missingRoles.has(sub)) return missingRole(roleFor(sub));
    const p = paramsForVersion(sub, url.searchParams, apiVersion, unknownParams);
    if (typeof p === 'string') return error(400, p);
    if (sub === '/user-info') return userInfo(accountId, data);
    if (sub === '/attribution') return attribution(p, accountId, data);
    const spec = LIST[sub];
    return spec ? listEndpoint(sub, spec, p, accountId, data) : NOT_FOUND();
  }

  function write(res: ServerResponse, reply: Reply, extra: Record<string, string>, fault: FaultKind | null): void {
    if (res.destroyed || res.writableEnded || closed) return;
    stats.status[String(reply.status)] = (stats.status[String(reply.status)] ?? 0) + 1;
    const buf = Buffer.from(reply.body, 'utf8');
    const headers: Record<string, string> = { ...extra, ...(reply.headers ?? {}), 'Content-Type': reply.contentType ?? 'application/json' };
    // the request was served (a write accepted) but its answer is lost
    if (fault === 'accept-then-hang' && reply.status === 200) return;
    if (fault === 'accept-then-drop' && reply.status === 200) { res.socket?.destroy(); return; }
    if (fault === 'reset-mid-body' && reply.status === 200) {
      res.writeHead(200, { ...headers, 'Content-Length': String(buf.length) });
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
      return;
    }
    let out = buf;
    if (fault === 'truncated' && reply.status === 200) out = buf.subarray(0, Math.max(1, Math.floor(buf.length * 0.6)));
    res.writeHead(reply.status, { ...headers, 'Content-Length': String(out.length) });
    res.end(out);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The arrival is counted at its intended time: a pause of this process (a major GC of a large
    // dataset) must not bunch arrivals that the network spread out.
    const legIn = leg('in');
    const arrivesAt = Date.now() + legIn;
    await sleep(legIn);
    stats.requests++;
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const sub = path.startsWith(`${BASE_PATH}/`) ? path.slice(BASE_PATH.length) : null;
    const writeRoute = sub === null ? null : matchWriteRoute(req.method, sub);
    const statsKey = writeRoute?.key ?? sub ?? path;
    stats.byPath[statsKey] = (stats.byPath[statsKey] ?? 0) + 1;
    const known = writeRoute
      ? !missingEndpoints.has(writeRoute.path) && (writeRoute.kind !== 'status' || requestStatusEndpoint)
      : sub !== null && req.method === 'GET' && ROUTES.has(sub) && !missingEndpoints.has(sub);
    if (sub === null || !known) {
      await sleep(leg('out'));
      return write(res, NOT_FOUND(), {}, null);
    }
    const body = writeRoute?.kind === 'create' ? await readBody(req) : '';
    const rl = limiter.check(arrivesAt);
    stats.maxPerSecond = limiter.maxPerSecond;
    stats.maxPerMinute = limiter.maxPerMinute;
    if (!rl.allowed) {
      stats.rateLimited++;
      await sleep(leg('out'));
      return write(res, error(429, 'Number of API requests per second exceeded'), rl.headers, null);
    }
    const fault = faults.pick(writeRoute?.path ?? sub, url.searchParams.has('pageId'), req.method);
    if (fault) stats.faults++;
    if (fault === 'hang') return; // never answered (a write is not accepted); close() destroys the socket
    const reply = route(req, url, sub, fault, writeRoute, body);
    try {
      await sleep(leg('out'));
      write(res, reply, rl.headers, fault);
    } finally {
      reply.release?.();
    }
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      process.stderr.write(`[sandbox] handler error: ${String(err)}\n`);
      if (!res.headersSent && !res.destroyed) write(res, error(500, 'There was a problem while processing the request'), {}, null);
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => { server.off('error', reject); resolve(); });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;

  return {
    url,
    baseUrl: `${url}${BASE_PATH}`,
    close: () => new Promise<void>((resolve) => {
      closed = true;
      writeApi.close();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
    }),
    stats: () => ({
      ...stats, byPath: { ...stats.byPath }, status: { ...stats.status },
      maxPerSecond: limiter.maxPerSecond, maxPerMinute: limiter.maxPerMinute,
    }),
    resetStats: () => { stats = emptyStats(); limiter.resetStats(); },
    resetRateLimit: () => limiter.clear(),
    records: (stream, accountId) => {
      const data = accounts.get(accountId ?? '');
      if (!data) throw new Error(`unknown account ${String(accountId)}`);
      const rows = data.rows[stream];
      if (!rows) throw new Error(`unknown stream ${String(stream)}`);
      return rows.map((r) => (stream === 'lead_clicks' ? { ...r.rec, leadId: r.leadId } : r.rec));
    },
    setAsOf: (at) => {
      asOf = parseAsOf(at);
    },
    invalidateKey: () => { keyValid = false; },
    setFaults: (f) => faults.set(f),
    writes: () => writeApi.writes(),
    duplicates: () => writeApi.duplicates(),
    pendingCount: () => writeApi.pendingCount(),
    settle: () => writeApi.settle(),
    entityRecords: (object, key, accountId) => writeApi.entityRecords(object, key, accountId ?? ''),
  };
}
