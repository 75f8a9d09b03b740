import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from './server.js';

const KEY = { 'API-Key': 'sandbox-key' };
type Json = Record<string, unknown>;

async function send(sb: Sandbox, method: string, path: string, body?: unknown, headers: Record<string, string> = KEY, signal?: AbortSignal) {
  const init: RequestInit = { method, headers: { ...headers, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  if (signal) init.signal = signal;
  const res = await fetch(sb.baseUrl + path, init);
  const text = await res.text();
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { parsed = undefined; }
  return { status: res.status, text, body: parsed as Json & { message?: string[]; result?: unknown; request_id?: string } };
}
const post = (sb: Sandbox, path: string, body: unknown, headers?: Record<string, string>) => send(sb, 'POST', path, body, headers);

async function getAll(sb: Sandbox, path: string, headers: Record<string, string> = KEY): Promise<Json[]> {
  const out: Json[] = [];
  let pageId: string | undefined;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await send(sb, 'GET', pageId ? `${path}${sep}pageSize=250&pageId=${pageId}` : `${path}${sep}pageSize=250`, undefined, headers);
    expect(r.status).toBe(200);
    out.push(...(r.body.result as Json[]));
    if (!r.body.nextPageId) return out;
    pageId = r.body.nextPageId as string;
  }
  throw new Error('paging did not end');
}

const ORDER = {
  email: 'Buyer.One@Example.com', orderId: 'o-1', date: '2026-02-10T12:30:00-05:00', currency: 'USD', firstName: 'Buyer', lastName: 'One',
  items: [{ name: 'Course A', price: 99.99, quantity: 1 }, { name: 'Coaching', price: 50, quantity: 2 }],
};

let sb: Sandbox;
async function start(opts: SandboxOptions = {}): Promise<Sandbox> {
  sb = await startSandbox({ rateLimit: false, processingDelayMs: 100, accounts: ['client-1'], ...opts });
  return sb;
}
afterEach(async () => { await sb?.close(); });

describe('write validation and roles', () => {
  it('answers Hyros\' 400 texts and creates nothing', async () => {
    await start();
    const cases: Array<[string, unknown, string[]]> = [
      ['/orders', { items: [{ name: 'Course', price: 1 }] }, ['Make sure that at least an email or a phone number is added']],
      ['/orders', { email: 'nope', items: [{ name: 'Course', price: 1 }] }, ['The Email is not valid']],
      ['/orders', { email: 'a@b.co', date: '10/02/2026', items: [{ name: 'Course', price: 1 }] }, ['Invalid date format. Please, read the API documentation']],
      ['/orders', { email: 'a@b.co' }, ['Missing required field: Items']],
      ['/orders', { email: 'a@b.co', items: [] }, ['Items must be at least 1']],
      ['/orders', { email: 'a@b.co', items: [{ name: 'ok item', price: 1 }, { name: 'ab', price: 1 }] }, ['Name must be at least 3 characters long for Item 2']],
      ['/orders', { email: 'a@b.co', items: [{ price: 1 }] }, ['Missing required field Name for Item 1']],
      ['/orders', { email: 'a@b.co', items: [{ name: 'Course' }] }, ['Missing required field Price for Item 1']],
      ['/orders', { email: 'a@b.co', items: [{ name: 'Course', price: 'ten' }] }, ['Price not valid for Item 1']],
      ['/orders', { email: 'a@b.co', currency: 'EURO', items: [{ name: 'Course', price: 1 }] }, ['Invalid currency']],
      ['/orders', { email: 'a@b.co', orderId: 'has space', items: [{ name: 'Course', price: 1 }] }, ['Invalid orderId']],
      ['/orders', '{not json', ['There was a problem while processing the request']],
      ['/leads', { firstName: 'x' }, ['Make sure that at least an email or a phone number is added']],
      ['/leads', { email: 'x@y' }, ['The Email is not valid']],
      ['/calls', { email: 'a@b.co' }, ['Missing required field: Name']],
      ['/calls', { name: 'Demo' }, ['Missing required field: Email']],
      ['/calls', { name: 'Demo', email: 'a@b.co', state: 'MAYBE' }, ['state is not valid']],
      ['/subscriptions', { email: 'a@b.co', status: 'ACTIVE', price: 10, periodicity: 'MONTH' }, ['Missing required field Start Date']],
      ['/subscriptions', { email: 'a@b.co', status: 'ALIVE', startDate: '2026-01-01T00:00:00Z', price: 10, periodicity: 'MONTH' }, ['status is not valid']],
      ['/subscriptions', { email: 'a@b.co', status: 'ACTIVE', startDate: '2026-01-01T00:00:00Z', price: 10, periodicity: 'HOURLY' }, ['periodicity is not valid']],
      ['/subscriptions', { email: 'a@b.co', status: 'ACTIVE', startDate: '2026-01-01T00:00:00Z', price: 'x', periodicity: 'MONTH' }, ['Invalid price format']],
      ['/carts', { cartId: 'c-1', items: [{ name: 'Thing' }] }, ['Missing required field Price for Item 1']],
      ['/carts', { cartId: 'c-1' }, ['Missing required field: Items']],
    ];
    for (const [path, body, message] of cases) {
      const r = await post(sb, path, body);
      expect([r.status, r.body], `${path} ${JSON.stringify(body)}`).toEqual([400, { result: 'ERROR', message }]);
    }
    // every problem of one body is listed
    const both = await post(sb, '/orders', {});
    expect(both.body.message).toEqual(['Make sure that at least an email or a phone number is added', 'Missing required field: Items']);
    expect(sb.writes()).toEqual([]);
    expect(sb.pendingCount()).toBe(0);
  });

  it('`{}` is a side-effect-free role probe: 400 with the role, 403 without it', async () => {
    await start({ missingRoles: ['Create Orders', 'Get Request Status'] });
    const before = sb.records('leads').length;
    for (const path of ['/leads', '/calls', '/subscriptions', '/carts']) expect((await post(sb, path, {})).status, path).toBe(400);
    const denied = await post(sb, '/orders', {});
    expect([denied.status, denied.body]).toEqual([403, { result: 'ERROR', message: ['Missing role Create Orders'] }]);
    const status = await send(sb, 'GET', '/requests/0123');
    expect([status.status, status.body]).toEqual([403, { result: 'ERROR', message: ['Missing role Get Request Status'] }]);
    expect(sb.writes()).toEqual([]);
    expect(sb.records('leads')).toHaveLength(before);
    // the read role of the same path is a different role
    expect((await send(sb, 'GET', '/leads')).status).toBe(200);
  });

  it('the older API answers a missing role with a bare 401, and has no request-status endpoint', async () => {
    await start({ missingRoles: ['Create Calls', '/sales'], bareUnauthorizedForMissingRole: true, requestStatusEndpoint: false });
    const r = await post(sb, '/calls', { name: 'Demo', email: 'a@b.co' });
    expect([r.status, r.text]).toEqual([401, 'Unauthorized']);
    const read = await send(sb, 'GET', '/sales');
    expect([read.status, read.text]).toEqual([401, 'Unauthorized']);
    const st = await send(sb, 'GET', '/requests/abc');
    expect([st.status, st.text]).toEqual([404, 'Not found']);
    expect((await post(sb, '/sales', ORDER)).status).toBe(404); // POST /sales does not exist (live)
  });

  it('answers the documented auth and agency errors before anything is accepted', async () => {
    await start();
    let r = await post(sb, '/orders', ORDER, {});
    expect([r.status, r.text]).toEqual([401, 'Unauthorized']);
    r = await post(sb, '/orders', ORDER, { 'API-Key': 'wrong' });
    expect([r.status, r.body]).toEqual([401, { result: 'ERROR', message: ['Api key not valid'] }]);
    r = await post(sb, '/orders', ORDER, { ...KEY, 'Accessible-Account-Id': 'stranger' });
    expect(r.status).toBe(403);
    expect(r.body.message).toEqual(['Not authorized: account stranger is not one of your connected client accounts.']);
    expect(sb.writes()).toEqual([]);
  });
});

describe('accepting and processing writes', () => {
  it('an order is PENDING, then PROCESSED as one sale per item plus its lead', async () => {
    await start({ processingDelayMs: 300 });
    const salesBefore = sb.records('sales').length;
    const r = await post(sb, '/orders', { ...ORDER, unknownField: 'ignored' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['result', 'request_id']);
    expect(r.body.result).toBe('OK');
    const id = r.body.request_id as string;
    expect(id).toMatch(/^[0-9a-f]{32}$/);

    const pending = await send(sb, 'GET', `/requests/${id}`);
    expect(pending.status).toBe(200);
    expect(pending.body.result).toEqual({ requestId: id, status: 'PENDING', eventType: 'ORDER_CREATE' });
    expect(sb.pendingCount()).toBe(1);
    expect(sb.records('sales')).toHaveLength(salesBefore); // not applied yet
    expect(sb.writes()).toEqual([expect.objectContaining({
      requestId: id, accountId: '', method: 'POST', path: '/orders', object: 'order', key: 'o-1', status: 'PENDING',
      body: { ...ORDER, unknownField: 'ignored' },
    })]);

    await sb.settle();
    expect(sb.pendingCount()).toBe(0);
    expect((await send(sb, 'GET', `/requests/${id}`)).body.result).toEqual({ requestId: id, status: 'PROCESSED', eventType: 'ORDER_CREATE' });
    expect(sb.writes()[0]?.status).toBe('PROCESSED');

    // 12:30 at -05:00 = 17:30 UTC; filtered exactly by the inclusive date range
    const sales = (await getAll(sb, '/sales?fromDate=2026-02-10T17:30:00Z&toDate=2026-02-10T17:30:00Z')).filter((s) => s.orderId === 'o-1');
    expect(sales).toHaveLength(2);
    const byName = new Map(sales.map((s) => [(s.product as Json).name, s]));
    const a = byName.get('Course A') as Json, b = byName.get('Coaching') as Json;
    expect(a.creationDate).toBe('Tue Feb 10 17:30:00 UTC 2026');
    expect(a.price).toEqual({ price: 99.99, discount: 0, hardCost: null, refunded: 0, currency: 'USD' });
    expect(a.usdPrice).toEqual({ price: 99.99, discount: 0, hardCost: null, refunded: 0 });
    expect([a.quantity, b.quantity, (b.price as Json).price]).toEqual([1, 2, 50]);
    expect(a.id).toMatch(/^sle-[0-9a-f]{64}$/);
    expect(a.refundDate).toBeUndefined();
    const lead = a.lead as Json;
    expect([lead.email, lead.firstName, lead.lastName, lead.creationDate]).toEqual(['buyer.one@example.com', 'Buyer', 'One', 'Tue Feb 10 17:30:00 UTC 2026']);
    // the same keys, in the same order, as the dataset's own sales with a lead and a product
    const sample = sb.records('sales').find((s) => s.orderId !== 'o-1' && s.lead && s.product && s.usdPrice && !s.refundDate && !s.firstSource) as Json;
    expect(Object.keys(a)).toEqual(Object.keys(sample));
    // emails filter finds them; the lead is served by /leads with the order's date as creation
    expect((await getAll(sb, '/sales?emails=buyer.one@example.com')).map((s) => s.id).sort()).toEqual(sales.map((s) => s.id).sort());
    const leads = await getAll(sb, '/leads?emails=buyer.one@example.com');
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({ email: 'buyer.one@example.com', creationDate: '2026-02-10T12:30:00-05:00', firstName: 'Buyer' });
    expect(lead.id).toBe(leads[0]?.id);
    // newest-first order is kept for the whole stream
    const all = await getAll(sb, '/sales');
    expect(all.map((s) => s.id)).toEqual(sb.records('sales').map((s) => s.id));
    expect(all).toHaveLength(salesBefore + 2);
  });

  it('reads an offset-less date in the account timezone and stamps an undated order with the processing time', async () => {
    await start({ timezone: '+02:00' });
    await post(sb, '/orders', { email: 'tz@example.com', orderId: 'tz-1', date: '2026-01-20T08:00:00', items: [{ name: 'Course', price: 10 }] });
    const t0 = Date.now();
    await post(sb, '/orders', { email: 'tz@example.com', orderId: 'tz-2', items: [{ name: 'Course', price: 10 }] });
    await sb.settle();
    const [s1] = sb.entityRecords('order', 'tz-1')[0] ?? [];
    expect(s1?.creationDate).toBe('Tue Jan 20 06:00:00 UTC 2026');
    const [s2] = sb.entityRecords('order', 'tz-2')[0] ?? [];
    const stamped = Date.parse(String(s2?.creationDate).replace(/^\w+ (\w+) (\d+) ([\d:]+) UTC (\d+)$/, '$1 $2 $4 $3 UTC'));
    expect(stamped).toBeGreaterThanOrEqual(Math.floor(t0 / 1000) * 1000);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });

  it('leads upsert by email (tags additive) and by phone', async () => {
    await start();
    const existing = sb.records('leads')[10] as Json;
    const oldTags = (existing.tags as string[] | undefined) ?? [];
    await post(sb, '/leads', { email: String(existing.email).toUpperCase(), tags: ['!new-tag'], firstName: 'Renamed' });
    await post(sb, '/leads', { email: 'fresh@example.com', tags: ['!a'], tagsDate: '2026-01-15T10:00:00Z' });
    await sb.settle();
    await post(sb, '/leads', { email: 'fresh@example.com', tags: ['!b'] });
    await post(sb, '/leads', { phoneNumbers: ['+1 555 0100'] });
    await sb.settle();
    await post(sb, '/leads', { phoneNumbers: '+1 555 0100', firstName: 'Phone' });
    await sb.settle();
    const leads = await getAll(sb, '/leads');
    const updated = leads.filter((l) => l.id === existing.id);
    expect(updated).toHaveLength(1);
    expect(updated[0]?.tags).toEqual([...oldTags, '!new-tag']);
    expect(updated[0]?.firstName).toBe('Renamed');
    expect(updated[0]?.creationDate).toBe(existing.creationDate);
    const fresh = leads.filter((l) => l.email === 'fresh@example.com');
    expect(fresh).toHaveLength(1);
    expect(fresh[0]?.tags).toEqual(['!a', '!b']);
    expect(fresh[0]?.creationDate).toBe('2026-01-15T05:00:00-05:00');
    const phone = leads.filter((l) => (l.phoneNumbers as string[] | undefined)?.includes('+1 555 0100'));
    expect(phone).toHaveLength(1);
    expect(phone[0]).toMatchObject({ email: '15550100@hyrosapi.com', firstName: 'Phone' });
    expect(sb.duplicates()).toEqual([]);
    // updatedFromDate finds the updated lead
    const since = await getAll(sb, `/leads?updatedFromDate=${encodeURIComponent(new Date(Date.now() - 60_000).toISOString())}`);
    expect(since.map((l) => l.id)).toContain(existing.id);
  });

  it('calls upsert by externalId; without one every call is new', async () => {
    await start();
    const before = sb.records('calls').length;
    await post(sb, '/calls', { name: 'Discovery', email: 'caller@example.com', externalId: 'call-1', date: '2026-02-01T10:00:00Z', state: 'NO_SHOW' });
    await sb.settle();
    await post(sb, '/calls', { name: 'Discovery (rebooked)', email: 'caller@example.com', externalId: 'call-1', date: '2026-02-03T10:00:00Z', state: 'QUALIFIED', qualification: 'hot' });
    await post(sb, '/calls', { name: 'No id', email: 'caller@example.com' });
    await post(sb, '/calls', { name: 'No id', email: 'caller@example.com' });
    await sb.settle();
    const calls = await getAll(sb, '/calls');
    expect(calls).toHaveLength(before + 3);
    const c = calls.filter((x) => x.externalId === 'call-1');
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({
      name: 'Discovery (rebooked)', state: 'QUALIFIED', qualified: true, score: 1, creationDate: 'Tue Feb 03 10:00:00 UTC 2026',
      qualification: { name: 'hot', oldName: null }, lead: { email: 'caller@example.com' },
    });
    expect(String(c[0]?.id)).toMatch(/^cll-[0-9a-f]{64}$/);
    expect(Object.keys(c[0] as Json)).toEqual(Object.keys(sb.records('calls').find((x) => x.lead && !x.firstSource && x.externalId !== 'call-1') as Json));
    // the old creation second no longer matches, the new one does
    expect((await getAll(sb, '/calls?fromDate=2026-02-01T10:00:00Z&toDate=2026-02-01T10:00:00Z')).filter((x) => x.externalId === 'call-1')).toEqual([]);
    expect((await getAll(sb, '/calls?fromDate=2026-02-03T10:00:00Z&toDate=2026-02-03T10:00:00Z')).map((x) => x.externalId)).toContain('call-1');
    expect(sb.duplicates()).toEqual([]);
  });

  it('subscriptions upsert by subscriptionId; carts by cartId and answer the cart id', async () => {
    await start();
    const sub = { email: 's@example.com', subscriptionId: 'sub-9', status: 'ACTIVE', startDate: '2026-02-01T00:00:00Z', price: 29, periodicity: 'MONTH' };
    await post(sb, '/subscriptions', sub);
    await sb.settle();
    await post(sb, '/subscriptions', { ...sub, status: 'CANCELED', cancelAtDate: '2026-03-01T00:00:00Z' });
    const cart = await post(sb, '/carts', { cartId: 'cart-7', email: 'c@example.com', date: '2026-02-05T09:00:00Z', items: [{ name: 'Thing', price: 5 }] });
    expect(cart.body).toEqual({ result: 'OK', message: ['external_cart_id: cart-7'], request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const anon = await post(sb, '/carts', { items: [{ name: 'Thing', price: 5 }] });
    expect(String(anon.body.message)).toMatch(/^external_cart_id: cart-[0-9a-f]{16}$/);
    await sb.settle();
    await post(sb, '/carts', { cartId: 'cart-7', email: 'c@example.com', date: '2026-02-05T09:00:00Z', items: [{ name: 'Thing', price: 5 }, { name: 'Other', price: 7 }] });
    await post(sb, '/orders', { email: 'c@example.com', orderId: 'o-cart', cartId: 'cart-7', date: '2026-02-05T10:00:00Z', items: [{ name: 'Thing', price: 12 }] });
    await sb.settle();
    const subs = (await getAll(sb, '/subscriptions')).filter((s) => s.subscriptionId === 'sub-9');
    expect(subs).toHaveLength(1);
    expect(subs[0]).toMatchObject({ status: 'CANCELED', price: 29, periodicity: 'MONTH', startDate: 'Sun Feb 01 00:00:00 UTC 2026', cancelAtDate: 'Sun Mar 01 00:00:00 UTC 2026' });
    const carts = (await getAll(sb, '/carts?fromDate=2026-02-05T09:00:00Z&toDate=2026-02-05T09:00:00Z'));
    expect(carts).toHaveLength(1);
    expect(carts[0]).toMatchObject({ orderId: 'o-cart', creationDate: '2026-02-05T09:00:00Z', events: 2 });
    expect((carts[0]?.products as Json[]).map((p) => [p.name, p.price])).toEqual([['Thing', 5], ['Other', 7]]);
    expect((await getAll(sb, '/carts?purchased=true')).map((c) => c.id)).toContain(carts[0]?.id);
    expect(sb.duplicates()).toEqual([]);
  });
});

describe('the duplicate rule (a key written again while pending becomes a second entity)', () => {
  it('a second POST while the first is PENDING is a second order; after PROCESSED it updates', async () => {
    await start({ processingDelayMs: 400 });
    await post(sb, '/orders', ORDER);
    await post(sb, '/orders', ORDER); // still PENDING: Hyros makes a duplicate
    await sb.settle();
    expect(sb.duplicates()).toEqual([{ accountId: '', object: 'order', key: 'o-1', count: 2 }]);
    expect(sb.entityRecords('order', 'o-1')).toHaveLength(2);
    expect((await getAll(sb, '/sales?emails=buyer.one@example.com'))).toHaveLength(4);

    await post(sb, '/orders', { ...ORDER, orderId: 'o-2' });
    await sb.settle();
    await post(sb, '/orders', { ...ORDER, orderId: 'o-2', items: [{ name: 'Replacement', price: 10 }] });
    await sb.settle();
    expect(sb.duplicates().map((d) => d.key)).toEqual(['o-1']);
    const o2 = (await getAll(sb, '/sales?emails=buyer.one@example.com')).filter((s) => s.orderId === 'o-2');
    expect(o2.map((s) => (s.product as Json).name)).toEqual(['Replacement']);
  });

  it('calls, subscriptions and carts follow the same rule; orders without orderId are always new; leads never duplicate', async () => {
    await start({ processingDelayMs: 300 });
    const call = { name: 'Demo call', email: 'd@example.com', externalId: 'ext-1' };
    await post(sb, '/calls', call);
    await post(sb, '/calls', call);
    const sub = { email: 'd@example.com', subscriptionId: 'S1', status: 'ACTIVE', startDate: '2026-02-01T00:00:00Z', price: 9, periodicity: 'WEEK' };
    await post(sb, '/subscriptions', sub);
    await post(sb, '/subscriptions', sub);
    await post(sb, '/carts', { cartId: 'K1', items: [{ name: 'x', price: 1 }] });
    await post(sb, '/carts', { cartId: 'K1', items: [{ name: 'x', price: 1 }] });
    const noId = { email: 'd@example.com', items: [{ name: 'Course', price: 3 }] };
    await post(sb, '/orders', noId);
    await post(sb, '/orders', noId);
    await post(sb, '/leads', { email: 'd@example.com' });
    await post(sb, '/leads', { email: 'd@example.com' });
    await sb.settle();
    expect(sb.duplicates()).toEqual([
      { accountId: '', object: 'call', key: 'ext-1', count: 2 },
      { accountId: '', object: 'subscription', key: 'S1', count: 2 },
      { accountId: '', object: 'cart', key: 'K1', count: 2 },
    ]);
    const orders = new Set((await getAll(sb, '/sales?emails=d@example.com')).map((s) => s.orderId));
    expect(orders.size).toBe(2);
    expect(await getAll(sb, '/leads?emails=d@example.com')).toHaveLength(1);
    expect(sb.writes().map((w) => [w.object, w.key])).toEqual([
      ['call', 'ext-1'], ['call', 'ext-1'], ['subscription', 'S1'], ['subscription', 'S1'], ['cart', 'K1'], ['cart', 'K1'],
      ['order', undefined], ['order', undefined], ['lead', 'd@example.com'], ['lead', 'd@example.com'],
    ]);
  });

  it('a FAILED first write leaves nothing to duplicate', async () => {
    await start({ failWhen: (object, body) => (object === 'call' && body.name === 'bad' ? 'Call could not be processed' : undefined) });
    const first = await post(sb, '/calls', { name: 'bad', email: 'f@example.com', externalId: 'E' });
    await post(sb, '/calls', { name: 'good', email: 'f@example.com', externalId: 'E' });
    await sb.settle();
    const st = await send(sb, 'GET', `/requests/${String(first.body.request_id)}`);
    expect(st.body.result).toEqual({ requestId: first.body.request_id, status: 'FAILED', eventType: 'CALL_CREATE', message: ['Call could not be processed'] });
    expect(sb.duplicates()).toEqual([]);
    expect(sb.entityRecords('call', 'E').map((e) => e.map((r) => r.name))).toEqual([['good']]);
  });
});

describe('refunds', () => {
  it('refundedAmount is the order\'s total refunded amount; absent refunds the whole order', async () => {
    await start({ processingDelayMs: 250 });
    const missing = await send(sb, 'DELETE', '/orders/o-1?refundedAmount=10');
    expect([missing.status, missing.body]).toEqual([400, { result: 'ERROR', message: ['Order not found: o-1'] }]);
    await post(sb, '/orders', ORDER); // total 99.99 + 2 × 50 = 199.99
    // still PENDING: the order is not known yet
    expect((await send(sb, 'DELETE', '/orders/o-1?refundedAmount=10')).body.message).toEqual(['Order not found: o-1']);
    await sb.settle();
    const bad = await send(sb, 'DELETE', '/orders/o-1?refundedAmount=abc');
    expect([bad.status, bad.body.message]).toEqual([400, ['Invalid refundedAmount']]);

    const refunded = async (): Promise<Array<[unknown, unknown]>> => {
      const sales = (await getAll(sb, '/sales?emails=buyer.one@example.com')).filter((s) => s.orderId === 'o-1');
      return sales.sort((x, y) => String((x.product as Json).name).localeCompare(String((y.product as Json).name)))
        .map((s) => [(s.price as Json).refunded, s.refundDate === undefined ? 'no' : 'yes']);
    };
    const r1 = await send(sb, 'DELETE', '/orders/o-1?refundedAmount=30');
    expect(r1.status).toBe(200);
    await sb.settle();
    expect((await send(sb, 'GET', `/requests/${String(r1.body.request_id)}`)).body.result).toMatchObject({ status: 'PROCESSED', eventType: 'ORDER_REFUND' });
    expect(await refunded()).toEqual([[0, 'no'], [30, 'yes']]); // Coaching, Course A
    await send(sb, 'DELETE', '/orders/o-1?refundedAmount=120');
    await sb.settle();
    expect(await refunded()).toEqual([[20.01, 'yes'], [99.99, 'yes']]); // 120, not 150
    expect((await getAll(sb, '/sales?saleRefundedState=REFUNDED')).filter((s) => s.orderId === 'o-1')).toHaveLength(2);
    await send(sb, 'DELETE', '/orders/o-1');
    await sb.settle();
    expect(await refunded()).toEqual([[100, 'yes'], [99.99, 'yes']]);
    const sale = sb.records('sales').find((s) => s.orderId === 'o-1') as Json;
    expect(Object.keys(sale).slice(0, 4)).toEqual(['id', 'orderId', 'creationDate', 'refundDate']);
    expect(sb.writes().filter((w) => w.object === 'refund').map((w) => [w.method, w.path, w.key, w.body])).toEqual([
      ['DELETE', '/orders/o-1', 'o-1', { orderId: 'o-1', refundedAmount: 30 }],
      ['DELETE', '/orders/o-1', 'o-1', { orderId: 'o-1', refundedAmount: 120 }],
      ['DELETE', '/orders/o-1', 'o-1', { orderId: 'o-1' }],
    ]);
  });

  it('takes a URL-encoded order id and refunds dataset orders too', async () => {
    await start({ processingDelayMs: 20 });
    await post(sb, '/orders', { email: 'e@example.com', orderId: 'shop:1001.a', items: [{ name: 'Course', price: 40 }] });
    await sb.settle();
    expect((await send(sb, 'DELETE', `/orders/${encodeURIComponent('shop:1001.a')}?refundedAmount=15`)).status).toBe(200);
    const ds = sb.records('sales').find((s) => !s.refundDate && s.orderId !== 'shop:1001.a') as Json;
    expect((await send(sb, 'DELETE', `/orders/${String(ds.orderId)}`)).status).toBe(200);
    await sb.settle();
    expect((sb.entityRecords('order', 'shop:1001.a')[0]?.[0]?.price as Json).refunded).toBe(15);
    const after = sb.records('sales').filter((s) => s.orderId === ds.orderId);
    for (const s of after) expect(s.refundDate).toMatch(/^\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} [A-Z]{3,4} \d{4}$/);
  });
});

describe('request status', () => {
  it('404 JSON for an unknown id or another account\'s id; strict parameters', async () => {
    await start();
    const unknown = await send(sb, 'GET', '/requests/ffffffffffffffffffffffffffffffff');
    expect([unknown.status, unknown.body]).toEqual([404, { result: 'ERROR', message: ['Request not found'] }]);
    const r = await post(sb, '/leads', { email: 'x@example.com' });
    const id = String(r.body.request_id);
    expect((await send(sb, 'GET', `/requests/${id}`, undefined, { ...KEY, 'Accessible-Account-Id': 'client-1' })).status).toBe(404);
    const strict = await send(sb, 'GET', `/requests/${id}?verbose=true`);
    expect([strict.status, strict.body.message]).toEqual([400, ['Unknown parameter: verbose']]);
    const ok = await send(sb, 'GET', `/requests/${id}`);
    expect(ok.body).toEqual({ result: { requestId: id, status: 'PENDING', eventType: 'LEAD_CREATE' }, request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('by default an order whose orderId starts with fail- FAILS and applies nothing', async () => {
    await start({ processingDelayMs: 50 });
    const before = sb.records('sales').length;
    const r = await post(sb, '/orders', { ...ORDER, orderId: 'fail-1' });
    expect(r.status).toBe(200);
    await sb.settle();
    expect((await send(sb, 'GET', `/requests/${String(r.body.request_id)}`)).body.result).toEqual({
      requestId: r.body.request_id, status: 'FAILED', eventType: 'ORDER_CREATE', message: ['Order could not be processed: test failure'],
    });
    expect(sb.records('sales')).toHaveLength(before);
    expect(sb.writes()[0]).toMatchObject({ status: 'FAILED', message: ['Order could not be processed: test failure'] });
  });
});

describe('faults on writes', () => {
  it('accept-then-drop: recorded and processed, the client gets no answer', async () => {
    await start({ processingDelayMs: 300, faults: [{ kind: 'accept-then-drop', path: '/orders', times: 1 }] });
    await expect(post(sb, '/orders', ORDER)).rejects.toThrow();
    expect(sb.writes()).toHaveLength(1);
    expect(sb.writes()[0]?.status).toBe('PENDING');
    await sb.settle();
    expect(sb.entityRecords('order', 'o-1')).toHaveLength(1);
    expect(sb.stats().faults).toBe(1);
    expect((await post(sb, '/orders', { ...ORDER, orderId: 'o-2' })).status).toBe(200); // times: 1
  });

  it('accept-then-hang: recorded, never answered until the client aborts', async () => {
    await start({ processingDelayMs: 300, faults: [{ kind: 'accept-then-hang', path: '/leads', method: 'POST' }] });
    const ctl = new AbortController();
    const pending = send(sb, 'POST', '/leads', { email: 'h@example.com' }, KEY, ctl.signal);
    for (let i = 0; i < 100 && sb.writes().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sb.writes().map((w) => w.key)).toEqual(['h@example.com']);
    ctl.abort();
    await expect(pending).rejects.toThrow();
    await sb.settle();
    expect(await getAll(sb, '/leads?emails=h@example.com')).toHaveLength(1);
    // the method filter leaves GET /leads alone
    expect((await send(sb, 'GET', '/leads?pageSize=1')).status).toBe(200);
  });

  it('reset-mid-body and truncated accept the write; 500/503/hang/429-burst do not', async () => {
    await start({ faults: [{ kind: 'reset-mid-body', path: '/orders', times: 1 }, { kind: 'truncated', path: '/calls', times: 1 }] });
    await expect(post(sb, '/orders', ORDER)).rejects.toThrow();
    const t = await post(sb, '/calls', { name: 'Demo', email: 'a@b.co', externalId: 'x' });
    expect(t.status).toBe(200);
    expect(t.body).toBeUndefined(); // invalid JSON
    expect(sb.writes().map((w) => w.object)).toEqual(['order', 'call']);

    sb.setFaults([{ kind: '503-retry-after', path: '/leads' }, { kind: '500' }]); // the first matching fault wins
    expect((await post(sb, '/subscriptions', {})).status).toBe(500);
    const r503 = await post(sb, '/leads', { email: 'n@example.com' });
    expect(r503.status).toBe(503);
    sb.setFaults([{ kind: '429-burst', method: 'POST' }]);
    expect((await post(sb, '/orders', ORDER)).status).toBe(429);
    sb.setFaults([{ kind: 'hang', path: '/orders' }]);
    const ctl = new AbortController();
    const hung = send(sb, 'POST', '/orders', ORDER, KEY, ctl.signal);
    await new Promise((r) => setTimeout(r, 50));
    ctl.abort();
    await expect(hung).rejects.toThrow();
    sb.setFaults([{ kind: '502-html', path: '/requests' }]);
    expect((await send(sb, 'GET', '/requests/abc')).status).toBe(502);
    sb.setFaults([{ kind: 'key-invalid', path: '/orders', method: 'DELETE' }]);
    expect((await send(sb, 'DELETE', '/orders/o-1')).status).toBe(401);
    expect(sb.writes().map((w) => w.object)).toEqual(['order', 'call']);
  });
});

describe('sharing with reads', () => {
  it('writes count against the same rate limit as reads, and in stats by method', async () => {
    sb = await startSandbox({ rateLimit: { perSecond: 5, perMinute: 1000 }, processingDelayMs: 10 });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await send(sb, 'GET', '/leads?pageSize=1')).status);
    for (let i = 0; i < 3; i++) codes.push((await post(sb, '/leads', { email: `r${i}@example.com` })).status);
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await send(sb, 'GET', '/leads?pageSize=1');
    expect(limited.status).toBe(429);
    expect(sb.writes()).toHaveLength(2);
    expect(sb.stats().byPath).toMatchObject({ '/leads': 4, 'POST /leads': 3 });
  });

  it('Accessible-Account-Id routes writes to that account\'s dataset', async () => {
    await start();
    const H = { ...KEY, 'Accessible-Account-Id': 'client-1' };
    const r = await post(sb, '/orders', ORDER, H);
    await sb.settle();
    expect(sb.writes()[0]).toMatchObject({ accountId: 'client-1' });
    expect(await getAll(sb, '/sales?emails=buyer.one@example.com', H)).toHaveLength(2);
    expect(await getAll(sb, '/sales?emails=buyer.one@example.com')).toHaveLength(0);
    expect((await send(sb, 'GET', `/requests/${String(r.body.request_id)}`, undefined, H)).body.result).toMatchObject({ status: 'PROCESSED' });
    expect(sb.entityRecords('order', 'o-1', 'client-1')).toHaveLength(1);
    expect(sb.entityRecords('order', 'o-1')).toHaveLength(0);
    // refunds look the order up in the same account
    expect((await send(sb, 'DELETE', '/orders/o-1')).status).toBe(400);
    expect((await send(sb, 'DELETE', '/orders/o-1', undefined, H)).status).toBe(200);
  });
});

describe('determinism', () => {
  let a: Sandbox, b: Sandbox;
  beforeAll(async () => {
    a = await startSandbox({ rateLimit: false, processingDelayMs: 10 });
    b = await startSandbox({ rateLimit: false, processingDelayMs: 10 });
  });
  afterAll(async () => { await a.close(); await b.close(); });
  it('the same writes in the same order give the same records', async () => {
    for (const s of [a, b]) {
      sb = s;
      await post(s, '/orders', ORDER);
      await post(s, '/calls', { name: 'Demo', email: 'a@b.co', externalId: 'x', date: '2026-01-02T00:00:00Z' });
      await s.settle();
    }
    expect(a.records('sales')).toEqual(b.records('sales'));
    expect(a.records('calls')).toEqual(b.records('calls'));
    expect(a.records('leads').map((l) => l.id)).toEqual(b.records('leads').map((l) => l.id));
    sb = undefined as unknown as Sandbox;
  });
});

describe('CLI', () => {
  it('--processing-delay, --missing-roles, --no-request-status', async () => {
    const child = spawn(process.execPath, [
      'dist/integration_tests/sandbox/cli.js', '--port', '0', '--no-rate-limit', '--processing-delay', '50',
      '--missing-roles', 'Create Leads,/calls', '--no-request-status',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      for (let i = 0; i < 100 && !out.includes('\n'); i++) {
        const [chunk] = await Promise.race([once(child.stdout, 'data'), new Promise<[string]>((r) => setTimeout(() => r(['']), 100))]);
        out += String(chunk);
      }
      const base = out.trim();
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/api\/v1\.0$/);
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(base + path, { method, headers: KEY, ...(body ? { body: JSON.stringify(body) } : {}) });
        return [res.status, await res.text()] as const;
      };
      expect(await call('POST', '/leads', { email: 'a@b.co' })).toEqual([403, '{"result":"ERROR","message":["Missing role Create Leads"]}']);
      expect((await call('GET', '/calls'))[0]).toBe(403);
      expect(await call('GET', '/requests/abc')).toEqual([404, 'Not found']);
      expect((await call('POST', '/orders', { email: 'a@b.co', orderId: 'cli-1', date: '2026-01-10T00:00:00Z', items: [{ name: 'Course', price: 5 }] }))[0]).toBe(200);
      let sales: Json[] = [];
      for (let i = 0; i < 50 && sales.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        const [, text] = await call('GET', '/sales?emails=a@b.co');
        sales = (JSON.parse(text) as { result: Json[] }).result;
      }
      expect(sales.map((s) => s.orderId)).toEqual(['cli-1']);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
