/**
 * The Hyros write API of the sandbox, with Hyros' duplicate rule:
 * `POST /orders|/leads|/calls|/subscriptions|/carts`, `DELETE /orders/{id}?refundedAmount=`,
 * `GET /requests/{id}`. The server runs rate limit → auth → fault → account first; this module does
 * role → validation → accept. An accepted write is PENDING for `processingDelayMs`, then PROCESSED
 * (applied to the account's dataset, so the read endpoints show it) or FAILED (nothing applied).
 */
import type { AccountData } from './dataset.js';
import { error, json, requestId, type Reply } from './reply.js';
import { AccountLedger, type EntityObject } from './write-apply.js';
import {
  BAD_REQUEST, naturalKey, validateCreate, validateRefund, type Validated, type WriteObject, type WritePayload,
} from './write-validation.js';

export type { WriteObject } from './write-validation.js';
export type WriteStatus = 'PENDING' | 'PROCESSED' | 'FAILED';
/** A reason makes the write FAILED with that message (checked when it is processed). */
export type FailWhen = (object: WriteObject, body: Record<string, unknown>) => string | undefined;

/** Default: an order whose orderId starts with `fail-` fails. */
export const defaultFailWhen: FailWhen = (object, body) =>
  object === 'order' && typeof body.orderId === 'string' && body.orderId.startsWith('fail-')
    ? 'Order could not be processed: test failure' : undefined;

export interface WriteRoute {
  /** stats key: `POST /orders`, `DELETE /orders`, `GET /requests` */
  key: string;
  /** the path faults and `missingEndpoints` name: `/orders`, `/requests`, … */
  path: string;
  /** Hyros' role name */
  role: string;
  kind: 'create' | 'refund' | 'status';
  object?: WriteObject;
  /** refund: the order id, status: the request id (still URL-encoded) */
  id?: string;
}

const CREATE: Record<string, { object: Exclude<WriteObject, 'refund'>; role: string }> = {
  '/orders': { object: 'order', role: 'Create Orders' },
  '/leads': { object: 'lead', role: 'Create Leads' },
  '/calls': { object: 'call', role: 'Create Calls' },
  '/subscriptions': { object: 'subscription', role: 'Create Subscriptions' },
  '/carts': { object: 'cart', role: 'Create Carts' },
};
export const WRITE_ROLES = [...Object.values(CREATE).map((c) => c.role), 'Delete Orders', 'Get Request Status'];
/** the paths write faults can name (joined to the default "any data path" set) */
export const WRITE_PATHS = [...Object.keys(CREATE), '/requests'];

const EVENT_TYPE: Record<WriteObject, string> = {
  order: 'ORDER_CREATE', lead: 'LEAD_CREATE', call: 'CALL_CREATE', subscription: 'SUBSCRIPTION_CREATE', cart: 'CART_CREATE', refund: 'ORDER_REFUND',
};
const ENTITY: ReadonlySet<WriteObject> = new Set(['order', 'call', 'subscription', 'cart']);

/** a JSON object body, or undefined (not JSON, or JSON but not an object) */
function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function matchWriteRoute(method: string | undefined, sub: string): WriteRoute | null {
  if (method === 'POST') {
    const c = CREATE[sub];
    return c ? { key: `POST ${sub}`, path: sub, role: c.role, kind: 'create', object: c.object } : null;
  }
  let m: RegExpExecArray | null;
  if (method === 'DELETE' && (m = /^\/orders\/([^/]+)$/.exec(sub))) {
    return { key: 'DELETE /orders', path: '/orders', role: 'Delete Orders', kind: 'refund', object: 'refund', id: m[1] as string };
  }
  if (method === 'GET' && (m = /^\/requests\/([^/]+)$/.exec(sub))) {
    return { key: 'GET /requests', path: '/requests', role: 'Get Request Status', kind: 'status', id: m[1] as string };
  }
  return null;
}

/** One accepted write as `Sandbox.writes()` shows it. */
export interface WriteEntry {
  requestId: string;
  accountId: string;
  method: string;
  /** sub path as received, e.g. `/orders` or `/orders/o-1` */
  path: string;
  object: WriteObject;
  /** orderId / email (else first phone) / externalId / subscriptionId / cartId; undefined when absent */
  key: string | undefined;
  /** the parsed JSON body; refunds: `{orderId, refundedAmount?}` */
  body: Record<string, unknown>;
  receivedAt: number;
  status: WriteStatus;
  /** FAILED only */
  message?: string[];
}

interface Pending {
  entry: WriteEntry;
  payload: WritePayload;
  /** arrived while an earlier write of the same key was PENDING: becomes a separate entity */
  separate: boolean;
  dueAt: number;
}

export interface WriteApiOptions {
  seed: number;
  offsetMin: number;
  processingDelayMs: number;
  failWhen: FailWhen;
  missingRoles: ReadonlySet<string>;
  /** the answer for a missing role (403 JSON, or the older API's bare 401) */
  missingRole: (role: string) => Reply;
}

export class WriteApi {
  private readonly entries: WriteEntry[] = [];
  private readonly byId = new Map<string, WriteEntry>();
  private readonly ledgers = new Map<string, AccountLedger>();
  /** FIFO: every write waits the same delay, so arrival order is processing order */
  private queue: Pending[] = [];
  private readonly pendingKeys = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: WriteApiOptions) {}

  /** Role → validation → accept, for a request already past rate limit, auth, fault and account. */
  handle(route: WriteRoute, accountId: string, data: AccountData, params: URLSearchParams, rawBody: string, sub: string): Reply {
    if (this.opts.missingRoles.has(route.role)) return this.opts.missingRole(route.role);
    if (route.kind === 'status') return this.status(route.id as string, accountId, params);
    const now = Date.now();
    let v: Validated<WritePayload>;
    let body: Record<string, unknown>;
    if (route.kind === 'refund') {
      let orderId: string;
      try { orderId = decodeURIComponent(route.id as string); } catch { return error(400, 'Invalid orderId'); }
      const refund = validateRefund(orderId, params.get('refundedAmount'));
      if (!refund.ok) return error(400, ...refund.errors);
      if (!this.ledger(accountId, data).hasOrder(orderId)) return error(400, `Order not found: ${orderId}`);
      v = refund;
      body = { ...refund.value };
      delete body.object;
    } else {
      const parsed = parseObject(rawBody);
      if (parsed === undefined) return error(400, BAD_REQUEST);
      v = validateCreate(route.object as Exclude<WriteObject, 'refund'>, parsed, this.opts.offsetMin, now);
      body = parsed;
    }
    if (!v.ok) return error(400, ...v.errors);
    const payload = v.value;
    const ledger = this.ledger(accountId, data);
    // Hyros assigns a cart id when none is sent, and names it in the answer
    if (payload.object === 'cart' && payload.cartId === undefined) payload.cartId = ledger.newCartId();
    const object = payload.object;
    const key = object === 'cart' ? (payload as { cartId: string }).cartId : naturalKey(body, object);
    const entry: WriteEntry = {
      requestId: requestId(), accountId, method: route.kind === 'refund' ? 'DELETE' : 'POST', path: sub, object, key, body,
      receivedAt: now, status: 'PENDING',
    };
    const dupKey = ENTITY.has(object) && key !== undefined ? `${accountId}\u0000${object}\u0000${key}` : undefined;
    const separate = dupKey !== undefined && (this.pendingKeys.get(dupKey) ?? 0) > 0;
    if (dupKey !== undefined) this.pendingKeys.set(dupKey, (this.pendingKeys.get(dupKey) ?? 0) + 1);
    this.entries.push(entry);
    this.byId.set(entry.requestId, entry);
    this.queue.push({ entry, payload, separate, dueAt: now + this.opts.processingDelayMs });
    this.schedule();
    return object === 'cart'
      ? json(200, { result: 'OK', message: [`external_cart_id: ${key as string}`], request_id: entry.requestId })
      : json(200, { result: 'OK', request_id: entry.requestId });
  }

  private status(id: string, accountId: string, params: URLSearchParams): Reply {
    for (const k of params.keys()) return error(400, `Unknown parameter: ${k}`);
    let decoded = id;
    try { decoded = decodeURIComponent(id); } catch { /* an undecodable id is simply unknown */ }
    const e = this.byId.get(decoded);
    if (!e || e.accountId !== accountId) return error(404, 'Request not found');
    const result: Record<string, unknown> = { requestId: e.requestId, status: e.status, eventType: EVENT_TYPE[e.object] };
    if (e.status === 'FAILED') result.message = e.message ?? [];
    return json(200, { result, request_id: requestId() });
  }

  private ledger(accountId: string, data: AccountData): AccountLedger {
    let l = this.ledgers.get(accountId);
    if (!l) { l = new AccountLedger(data, this.opts.seed, accountId, this.opts.offsetMin); this.ledgers.set(accountId, l); }
    return l;
  }

  // ---------- asynchronous processing ----------
  private schedule(): void {
    if (this.timer !== undefined || this.closed) return;
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, head.dueAt - Date.now()));
  }

  private tick(): void {
    this.timer = undefined;
    const now = Date.now();
    let n = 0;
    while (n < this.queue.length && (this.queue[n] as Pending).dueAt <= now) this.process(this.queue[n++] as Pending, now);
    this.queue = this.queue.slice(n);
    this.schedule();
    if (this.queue.length === 0) this.wake();
  }

  private process(p: Pending, now: number): void {
    const { entry } = p;
    const dupKey = ENTITY.has(entry.object) && entry.key !== undefined ? `${entry.accountId}\u0000${entry.object}\u0000${entry.key}` : undefined;
    if (dupKey !== undefined) {
      const left = (this.pendingKeys.get(dupKey) ?? 1) - 1;
      if (left > 0) this.pendingKeys.set(dupKey, left); else this.pendingKeys.delete(dupKey);
    }
    const reason = this.opts.failWhen(entry.object, entry.body);
    if (reason !== undefined) { entry.status = 'FAILED'; entry.message = [reason]; return; }
    try {
      const ledger = this.ledgers.get(entry.accountId) as AccountLedger;
      ledger.apply(p.payload, p.separate, now);
      entry.status = 'PROCESSED';
    } catch (err) {
      entry.status = 'FAILED';
      entry.message = [err instanceof Error ? err.message : String(err)];
    }
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  // ---------- observability ----------
  /** every accepted write in arrival order (copies) */
  writes(): WriteEntry[] {
    return this.entries.map((e) => ({ ...e, ...(e.message ? { message: [...e.message] } : {}) }));
  }
  pendingCount(): number {
    return this.queue.length;
  }
  settle(): Promise<void> {
    if (this.queue.length === 0 || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  duplicates(): Array<{ accountId: string; object: EntityObject; key: string; count: number }> {
    const out: Array<{ accountId: string; object: EntityObject; key: string; count: number }> = [];
    for (const [accountId, l] of this.ledgers) for (const d of l.duplicates()) out.push({ accountId, ...d });
    return out;
  }
  /** the served records of each entity behind one natural key (one inner list per entity) */
  entityRecords(object: EntityObject, key: string, accountId: string): Array<Array<Record<string, unknown>>> {
    return this.ledgers.get(accountId)?.entityRecords(object, key) ?? [];
  }
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake();
  }
}
