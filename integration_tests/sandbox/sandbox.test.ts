import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from './server.js';
import { JAVA_ZONES } from './time.js';

const KEY = { 'API-Key': 'sandbox-key' };
type Body = { result: Array<Record<string, unknown>>; nextPageId?: string | null; request_id: string };

async function get(sb: Sandbox, path: string, headers: Record<string, string> = KEY, signal?: AbortSignal) {
  const res = await fetch(sb.baseUrl + path, { headers, ...(signal ? { signal } : {}) });
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  return { res, text, body: body as Body & { message?: string[] } };
}

async function pageAll(sb: Sandbox, path: string, headers: Record<string, string> = KEY): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  let pageId: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await get(sb, pageId ? `${path}${sep}pageId=${pageId}` : path, headers);
    expect(r.res.status).toBe(200);
    out.push(...r.body.result);
    if (!r.body.nextPageId) return out;
    expect(r.body.nextPageId).toMatch(/^[0-9a-f]{64}$/);
    pageId = r.body.nextPageId;
  }
  throw new Error('paging did not end');
}

const JAVA_RE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (\w{3}) (\d{2}) (\d{2}):(\d{2}):(\d{2}) ([A-Z]{3,4}) (\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function parseJava(s: string): number {
  const m = JAVA_RE.exec(s);
  if (!m) throw new Error(`not a Java date: ${s}`);
  const off = JAVA_ZONES[m[7] as string];
  if (off === undefined) throw new Error(`zone ${m[7]}`);
  return Date.UTC(Number(m[8]), MONTHS.indexOf(m[2] as string), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) - off * 60_000;
}
const enc = encodeURIComponent;

describe('hyros sandbox', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startSandbox({ rateLimit: false, accounts: ['client-1'], missingRoles: ['/calls'], missingEndpoints: ['/products'] }); });
  afterAll(async () => { await sb.close(); });

  it('answers the documented auth forms and 404s', async () => {
    let r = await get(sb, '/leads', {});
    expect(r.res.status).toBe(401);
    expect(r.res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(r.text).toBe('Unauthorized');
    r = await get(sb, '/leads', { 'API-Key': 'nope' });
    expect(r.res.status).toBe(401);
    expect(r.body).toEqual({ result: 'ERROR', message: ['Api key not valid'] });
    r = await get(sb, '/nothing-here');
    expect([r.res.status, r.text]).toEqual([404, 'Not found']);
    const other = await fetch(`${sb.url}/api/v1.0/leads`, { headers: KEY });
    expect([other.status, await other.text()]).toEqual([404, 'Not found']);
    r = await get(sb, '/products');
    expect([r.res.status, r.text]).toEqual([404, 'Not found']);
    r = await get(sb, '/calls');
    expect(r.res.status).toBe(403);
    expect(r.body.message).toEqual(['Missing role GET_CALLS']);
  });

  it('pages every list endpoint to the end with unique, complete ids', async () => {
    for (const [path, stream] of [['/leads', 'leads'], ['/sales', 'sales'], ['/subscriptions', 'subscriptions'], ['/carts', 'carts'], ['/sources', 'sources'], ['/ads', 'ads'], ['/stages', 'stages'], ['/tags/count', 'tags']] as const) {
      const got = await pageAll(sb, `${path}?pageSize=7`);
      const key = (r: Record<string, unknown>): unknown => (stream === 'sources' ? r.tag : stream === 'stages' || stream === 'tags' ? r.name : r.id);
      const ids = got.map(key);
      expect(new Set(ids).size, path).toBe(ids.length);
      expect(ids, path).toEqual(sb.records(stream).map(key));
    }
    const acc = await get(sb, '/ad-accounts');
    expect(acc.body.result).toHaveLength(3);
    expect('nextPageId' in acc.body && acc.body.nextPageId === null).toBe(true);
    const last = await get(sb, '/stages');
    expect('nextPageId' in last.body).toBe(false);
    expect(last.body.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('serves date streams newest first with the documented id and timestamp formats', async () => {
    const leads = sb.records('leads');
    expect(leads.length).toBe(120);
    for (const l of leads) {
      expect(l.id).toMatch(/^[0-9a-f]{64}$/);
      expect(l.creationDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-05:00$/);
    }
    const times = leads.map((l) => Date.parse(String(l.creationDate)));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const sales = sb.records('sales');
    for (const s of sales) {
      expect(s.id).toMatch(/^sle-[0-9a-f]{64}$/);
      expect(String(s.creationDate)).toMatch(JAVA_RE);
      expect(String((s.lead as Record<string, unknown>).creationDate)).toMatch(JAVA_RE);
      expect(Number.isInteger(s.quantity)).toBe(true);
    }
    const zones = new Set(sales.map((s) => JAVA_RE.exec(String(s.creationDate))?.[7]));
    expect(zones.has('UTC') && zones.size > 2).toBe(true);
    const st = sales.map((s) => parseJava(String(s.creationDate)));
    expect([...st].sort((a, b) => b - a)).toEqual(st);
    expect(sb.records('calls').every((c) => /^cll-/.test(String(c.id)))).toBe(true);
    expect(sb.records('subscriptions').every((c) => /^sub_/.test(String(c.id)))).toBe(true);
    expect(sb.records('carts').every((c) => /^crt-/.test(String(c.id)) && /Z$/.test(String(c.creationDate)))).toBe(true);
    expect(sb.records('sources').every((s) => Number.isInteger(s.creationDate))).toBe(true);
    // boundary cases: a shared creation second and an exact UTC midnight
    expect(new Set(times).size).toBeLessThan(times.length);
    expect(new Set(st).size).toBeLessThan(st.length);
    expect(times.some((t) => t % 86_400_000 === 0)).toBe(true);
    expect(st.some((t) => t % 86_400_000 === 0)).toBe(true);
    // determinism
    const again = await startSandbox({ rateLimit: false });
    expect(again.records('sales')).toEqual(sales);
    await again.close();
  });

  it('binds pageId to the other parameters and validates pageSize', async () => {
    const p1 = await get(sb, '/leads?pageSize=5');
    const next = p1.body.nextPageId as string;
    const p2 = await get(sb, `/leads?pageSize=5&pageId=${next}`);
    expect(p2.res.status).toBe(200);
    const p2again = await get(sb, `/leads?pageId=${next}&pageSize=5`);
    expect(p2again.body.result).toEqual(p2.body.result);
    for (const bad of [`/leads?pageSize=6&pageId=${next}`, `/leads?pageSize=5&pageId=${next}&fromDate=2026-01-01`, `/sales?pageSize=5&pageId=${next}`, `/leads?pageSize=5&pageId=${'a'.repeat(64)}`]) {
      const r = await get(sb, bad);
      expect(r.res.status, bad).toBe(400);
      expect(r.body).toEqual({ result: 'ERROR', message: ['Invalid pageId'] });
    }
    for (const size of ['0', '251', 'abc', '1.5', '-1']) {
      const r = await get(sb, `/sales?pageSize=${size}`);
      expect(r.res.status).toBe(400);
      expect(r.body.message).toEqual(['Page size must be between 1 and 250']);
    }
    expect((await get(sb, '/leads?pageSize=250')).body.result).toHaveLength(120 > 250 ? 250 : 120);
    expect((await get(sb, '/leads')).body.result).toHaveLength(100);
  });

  it('treats fromDate/toDate as inclusive and reads offset-less values in the account timezone', async () => {
    const sales = sb.records('sales');
    const st = sales.map((s) => parseJava(String(s.creationDate)));
    const midnight = st.find((t) => t % 86_400_000 === 0) as number;
    const iso = (t: number): string => new Date(t).toISOString();
    const ids = async (q: string): Promise<string[]> => (await pageAll(sb, `/sales?pageSize=250&${q}`)).map((r) => String(r.id));
    const expected = (from: number, to: number): string[] => sales.filter((_, i) => (st[i] as number) >= from && (st[i] as number) <= to).map((s) => String(s.id));
    expect(await ids(`fromDate=${enc(iso(midnight))}&toDate=${enc(iso(midnight))}`)).toEqual(expected(midnight, midnight));
    expect(expected(midnight, midnight).length).toBeGreaterThanOrEqual(1);
    const shared = st.find((t, i) => st.indexOf(t) !== i) as number;
    expect((await ids(`fromDate=${enc(iso(shared))}&toDate=${enc(iso(shared))}`)).length).toBeGreaterThanOrEqual(2);
    expect(await ids(`fromDate=${enc(iso(midnight + 1000))}&toDate=${enc(iso(midnight + 86_400_000))}`)).not.toContain(expected(midnight, midnight)[0]);
    // offset-less and date-only values are account-local (-05:00)
    const local = await ids('fromDate=2026-01-10T00:00:00&toDate=2026-01-20T00:00:00');
    expect(local).toEqual(await ids(`fromDate=${enc('2026-01-10T00:00:00-05:00')}&toDate=${enc('2026-01-20T00:00:00-05:00')}`));
    expect(local).toEqual(await ids('fromDate=2026-01-10&toDate=2026-01-20'));
    expect(local).toEqual(expected(Date.parse('2026-01-10T05:00:00Z'), Date.parse('2026-01-20T05:00:00Z')));
    for (const bad of ['2026-13-01', 'yesterday', '2026-01-10T00:00:00 05:00']) {
      const r = await get(sb, `/sales?fromDate=${enc(bad)}`);
      expect(r.res.status).toBe(400);
      expect(r.body.message).toEqual(['Invalid date format. Please, read the API documentation']);
    }
    // leads compare on creationDate too
    const leads = sb.records('leads');
    const lt = leads.map((l) => Date.parse(String(l.creationDate)));
    const shared2 = lt.find((t, i) => lt.indexOf(t) !== i) as number;
    const got = await pageAll(sb, `/leads?fromDate=${enc(leads[lt.indexOf(shared2)]!.creationDate as string)}&toDate=${enc(iso(shared2))}`);
    expect(got.length).toBe(lt.filter((t) => t === shared2).length);
  });

  it('applies strict parameter validation only where documented', async () => {
    expect((await get(sb, '/leads?bogus=1&pageSize=1')).res.status).toBe(200);
    const r = await get(sb, '/carts?from=2026-01-01');
    expect(r.res.status).toBe(400);
    expect(r.body.message).toEqual(['Unknown parameter: from']);
    expect((await get(sb, '/tags/count?x=1')).body.message).toEqual(['Unknown parameter: x']);
  });

  it('serves agency accounts through Accessible-Account-Id', async () => {
    const info = await get(sb, '/user-info');
    const result = info.body.result as unknown as { userProfile: { timezone: string }; accessibleAccounts: Array<{ accountId: string; status: string }> };
    expect(result.userProfile.timezone).toBe('-05:00');
    expect(result.accessibleAccounts).toEqual([expect.objectContaining({ accountId: 'client-1', status: 'APPROVED' })]);
    const own = await pageAll(sb, '/leads?pageSize=250');
    const client = await pageAll(sb, '/leads?pageSize=250', { ...KEY, 'Accessible-Account-Id': 'client-1' });
    expect(client.map((l) => l.id)).toEqual(sb.records('leads', 'client-1').map((l) => l.id));
    expect(client[5]!.id).not.toEqual(own[5]!.id);
    const denied = await get(sb, '/leads', { ...KEY, 'Accessible-Account-Id': 'stranger' });
    expect(denied.res.status).toBe(403);
    expect(denied.body.message).toEqual(['Not authorized: account stranger is not one of your connected client accounts.']);
  });

  it('invalidateKey turns every request into 401', async () => {
    const s2 = await startSandbox({ rateLimit: false });
    expect((await get(s2, '/stages')).res.status).toBe(200);
    s2.invalidateKey();
    const r = await get(s2, '/stages');
    expect(r.res.status).toBe(401);
    expect(r.body.message).toEqual(['Api key not valid']);
    await s2.close();
  });

  it('emptyPageCursor: the last page and every empty page after it carry a nextPageId', async () => {
    const s2 = await startSandbox({ rateLimit: false, emptyPageCursor: true });
    const last = await get(s2, '/stages?pageSize=250');
    expect(last.body.result).toHaveLength(5);
    expect(last.body.nextPageId).toMatch(/^[0-9a-f]{64}$/);
    const empty = await get(s2, `/stages?pageSize=250&pageId=${last.body.nextPageId as string}`);
    expect(empty.body.result).toEqual([]);
    expect(empty.body.nextPageId).toMatch(/^[0-9a-f]{64}$/);
    expect(empty.body.nextPageId).not.toBe(last.body.nextPageId);
    await s2.close();
  });
});

describe('rate limiting', () => {
  it('answers 429 with headers when 40 requests arrive in one second', async () => {
    const sb = await startSandbox();
    const all = await Promise.all(Array.from({ length: 40 }, () => fetch(`${sb.baseUrl}/stages`, { headers: KEY })));
    const limited = all.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(10);
    expect(all.filter((r) => r.status === 200).length).toBeLessThanOrEqual(30);
    const one = limited[0]!;
    expect(await one.json()).toEqual({ result: 'ERROR', message: ['Number of API requests per second exceeded'] });
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(one.headers.get('x-ratelimit-limit')).toBe('30;w=1, 1000;w=60');
    expect(one.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(one.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    await Promise.all(all.filter((r) => !r.bodyUsed).map((r) => r.body?.cancel()));
    const st = sb.stats();
    expect(st.rateLimited).toBe(limited.length);
    expect(st.maxPerSecond).toBeLessThanOrEqual(30);
    await sb.close();
  });
});

describe('faults', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startSandbox({ rateLimit: false }); });
  afterAll(async () => { await sb.close(); });

  it('injects 500, 502-html, 503-retry-after and 429-burst on schedule', async () => {
    sb.setFaults([{ kind: '500', path: '/sales', every: 2, times: 1 }]);
    expect((await get(sb, '/sales?pageSize=1')).res.status).toBe(200);
    const r500 = await get(sb, '/sales?pageSize=1');
    expect(r500.res.status).toBe(500);
    expect(r500.body.result).toBe('ERROR');
    expect((await get(sb, '/sales?pageSize=1')).res.status).toBe(200);
    expect((await get(sb, '/sales?pageSize=1')).res.status).toBe(200); // times: 1 exhausted
    sb.setFaults([{ kind: '502-html', after: 1, times: 1 }]);
    expect((await get(sb, '/user-info')).res.status).toBe(200); // not a data path
    expect((await get(sb, '/leads?pageSize=1')).res.status).toBe(200);
    const r502 = await get(sb, '/leads?pageSize=1');
    expect(r502.res.status).toBe(502);
    expect(r502.res.headers.get('content-type')).toMatch(/text\/html/);
    expect(r502.text).toBe('<html><body><h1>502 Bad Gateway</h1></body></html>');
    sb.setFaults([{ kind: '503-retry-after', times: 1 }, { kind: '429-burst', path: '/calls', times: 1 }]);
    const r503 = await get(sb, '/leads?pageSize=1');
    expect([r503.res.status, r503.res.headers.get('retry-after')]).toEqual([503, '1']);
    const r429 = await get(sb, '/calls?pageSize=1');
    expect([r429.res.status, r429.res.headers.get('retry-after')]).toEqual([429, '1']);
    expect(r429.body.message).toEqual(['Number of API requests per second exceeded']);
    expect(sb.stats().faults).toBe(4);
  });

  it('cuts bodies: reset-mid-body and truncated', async () => {
    sb.setFaults([{ kind: 'reset-mid-body', path: '/leads', times: 1 }]);
    await expect((async () => { const r = await fetch(`${sb.baseUrl}/leads`, { headers: KEY }); return r.text(); })()).rejects.toThrow();
    expect((await get(sb, '/leads?pageSize=1')).res.status).toBe(200);
    sb.setFaults([{ kind: 'truncated', path: '/leads', times: 1 }]);
    const t = await get(sb, '/leads');
    expect(t.res.status).toBe(200);
    expect(Number(t.res.headers.get('content-length'))).toBe(Buffer.byteLength(t.text));
    expect(t.text.startsWith('{"result":[')).toBe(true);
    expect(() => JSON.parse(t.text)).toThrow();
  });

  it('hangs until the client gives up, and close() still returns', async () => {
    const s2 = await startSandbox({ rateLimit: false, faults: [{ kind: 'hang', path: '/sales', times: 1 }] });
    await expect(get(s2, '/sales', KEY, AbortSignal.timeout(300))).rejects.toThrow();
    expect((await get(s2, '/sales?pageSize=1')).res.status).toBe(200);
    s2.setFaults([{ kind: 'hang' }]);
    const pending = fetch(`${s2.baseUrl}/leads`, { headers: KEY }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    await s2.close();
    expect(await pending).toBeInstanceOf(Error);
  });

  it('key-invalid sticks; expired-page only hits requests with a pageId', async () => {
    const s2 = await startSandbox({ rateLimit: false, faults: [{ kind: 'expired-page', times: 1 }] });
    const first = await get(s2, '/leads?pageSize=10');
    expect(first.res.status).toBe(200);
    const exp = await get(s2, `/leads?pageSize=10&pageId=${first.body.nextPageId as string}`);
    expect(exp.res.status).toBe(400);
    expect(exp.body.message).toEqual(['Invalid pageId']);
    expect((await get(s2, `/leads?pageSize=10&pageId=${first.body.nextPageId as string}`)).res.status).toBe(200);
    s2.setFaults([{ kind: 'key-invalid', after: 1 }]);
    expect((await get(s2, '/stages')).res.status).toBe(200);
    expect((await get(s2, '/stages')).body.message).toEqual(['Api key not valid']);
    expect((await get(s2, '/user-info')).res.status).toBe(401);
    await s2.close();
  });
});

describe('attribution', () => {
  let sb: Sandbox;
  const q = (ids: string, extra = ''): string =>
    `/attribution?attributionModel=last_click&startDate=2026-01-01&endDate=2026-01-11&level=facebook_adset&fields=sales,revenue,roas,clicks,name&ids=${ids}${extra}`;
  beforeAll(async () => { sb = await startSandbox({ rateLimit: false, latencyMs: 150 }); });
  afterAll(async () => { await sb.close(); });

  it('validates parameters', async () => {
    let r = await get(sb, '/attribution?attributionModel=last_click');
    expect([r.res.status, r.body.message]).toEqual([400, ['Missing required field: startDate']]);
    r = await get(sb, q('1').replace('fields=sales', 'fields=sales,bogus'));
    expect(r.body.message).toEqual(['Invalid field: bogus']);
    r = await get(sb, q('1').replace('last_click', 'linear'));
    expect(r.body.message).toEqual(['Invalid attributionModel: linear']);
  });

  it('returns one typed row per id, additive over days, paged over ids', async () => {
    const r = await get(sb, q('111,222'));
    expect(r.res.status).toBe(200);
    expect(r.body.result.map((x) => x.id)).toEqual(['111', '222']);
    const row = r.body.result[0]!;
    expect(Number.isInteger(row.sales) && Number.isInteger(row.clicks)).toBe(true);
    expect(typeof row.revenue).toBe('number');
    expect(typeof row.name).toBe('string');
    const a = (await get(sb, q('111').replace('endDate=2026-01-11', 'endDate=2026-01-05'))).body.result[0]!;
    const b = (await get(sb, q('111').replace('startDate=2026-01-01', 'startDate=2026-01-05'))).body.result[0]!;
    expect((a.sales as number) + (b.sales as number)).toBe(row.sales);
    const p1 = await get(sb, q('1,2,3', '&pageSize=2'));
    expect(p1.body.result).toHaveLength(2);
    const p2 = await get(sb, `${q('1,2,3', '&pageSize=2')}&pageId=${p1.body.nextPageId as string}`);
    expect(p2.body.result.map((x) => x.id)).toEqual(['3']);
    expect('nextPageId' in p2.body).toBe(false);
  });

  it('isAdAccountId=true: one ad account id in, one row per source of that account out', async () => {
    const accounts = (await get(sb, '/ad-accounts')).body.result;
    const account = accounts[0]!.id as string;
    const sources = (await get(sb, '/sources?pageSize=250')).body.result
      .map((x) => x.adSource as { adSourceId: string; adAccountId: string })
      .filter((ad) => ad.adAccountId === account)
      .map((ad) => ad.adSourceId);
    expect(sources.length).toBeGreaterThan(0);
    const r = await get(sb, q(account, '&isAdAccountId=true'));
    expect(r.res.status).toBe(200);
    expect(r.body.result.map((x) => x.id)).toEqual(sources);
    const two = await get(sb, q(`${account},123`, '&isAdAccountId=true'));
    expect(two.body).toEqual({ result: 'ERROR', message: ['Your request contains more than one ad account id'] });
    const segmented = await get(sb, q(account, '&isAdAccountId=true&timeGroupingOption=day'));
    expect(segmented.res.status).toBe(400);
  });

  it('locks ids while a request is in flight', async () => {
    const [x, y] = await Promise.all([get(sb, q('900,901')), get(sb, q('901,902'))]);
    const statuses = [x.res.status, y.res.status].sort();
    expect(statuses).toEqual([200, 400]);
    const loser = x.res.status === 400 ? x : y;
    expect(loser.body).toEqual({ result: 'ERROR', message: ['Already processing a request for id: 901'] });
    expect((await get(sb, q('901'))).res.status).toBe(200);
  });
});

describe('hyros sandbox: clicks, later changes, the clock and older API versions', () => {
  let sb: Sandbox;
  beforeAll(async () => { sb = await startSandbox({ rateLimit: false }); });
  afterAll(async () => { await sb.close(); });

  it('serves 1–4 clicks per lead, the first before the lead was created, by leadId, email or (v1.41) up to 50 leadIds', async () => {
    const leads = sb.records('leads');
    const clicks = sb.records('lead_clicks');
    const byLead = new Map<string, Array<Record<string, unknown>>>();
    for (const click of clicks) byLead.set(click.leadId as string, [...(byLead.get(click.leadId as string) ?? []), click]);
    expect(byLead.size).toBe(leads.length);
    for (const lead of leads) {
      const own = byLead.get(lead.id as string) ?? [];
      expect(own.length).toBeGreaterThanOrEqual(1);
      expect(own.length).toBeLessThanOrEqual(4);
      expect(Math.min(...own.map((c) => parseJava(c.date as string)))).toBeLessThan(Date.parse(lead.creationDate as string));
    }
    const [a, b] = leads as [Record<string, unknown>, Record<string, unknown>];
    const one = await pageAll(sb, `/leads/clicks?leadId=${a.id as string}`);
    expect(one.map((c) => c.id).sort()).toEqual((byLead.get(a.id as string) ?? []).map((c) => c.id).sort());
    expect(one.every((c) => !('leadId' in c))).toBe(true);
    expect((await pageAll(sb, `/leads/clicks?email=${enc(a.email as string)}`)).length).toBe(one.length);
    const two = await pageAll(sb, `/leads/clicks?leadIds=${a.id as string},${b.id as string}`);
    expect(two.map((c) => `${c.leadId as string}|${c.id as string}`).sort()).toEqual(
      [...(byLead.get(a.id as string) ?? []), ...(byLead.get(b.id as string) ?? [])].map((c) => `${c.leadId as string}|${c.id as string}`).sort(),
    );
    expect((await get(sb, '/leads/clicks')).body.message).toEqual(['Either leadId or email must be provided']);
    expect((await get(sb, `/leads/clicks?leadIds=${leads.slice(0, 51).map((l) => l.id as string).join(',')}`)).res.status).toBe(400);
  });

  it("a lead's lastUpdatedDate is its latest change: a click after its creation or a later stage", () => {
    const clicks = sb.records('lead_clicks');
    for (const lead of sb.records('leads')) {
      const created = Date.parse(lead.creationDate as string);
      const later = clicks.filter((c) => c.leadId === lead.id).map((c) => parseJava(c.date as string)).filter((t) => t >= created);
      expect(Date.parse(lead.lastUpdatedDate as string)).toBeGreaterThanOrEqual(Math.max(created, ...later));
    }
  });

  it('asOf serves the account as it was: later records absent, later changes not yet made', async () => {
    const sale = sb.records('sales').find((s) => s.refundDate !== undefined) as Record<string, unknown>;
    const refundMs = parseJava(sale.refundDate as string);
    sb.setAsOf(new Date(refundMs - 1000).toISOString());
    try {
      const before = (await get(sb, `/sales?ids=${sale.id as string}`)).body.result[0] as Record<string, unknown>;
      expect(before.refundDate).toBeUndefined();
      expect((before.price as Record<string, unknown>).refunded).toBe(0);
      expect((await get(sb, `/sales?ids=${sale.id as string}&saleRefundedState=REFUNDED`)).body.result).toEqual([]);
      const later = sb.records('sales').filter((s) => parseJava(s.creationDate as string) > refundMs - 1000).map((s) => s.id);
      const served = new Set((await pageAll(sb, '/sales?pageSize=250')).map((s) => s.id));
      expect(later.filter((id) => served.has(id))).toEqual([]);
      sb.setAsOf(new Date(refundMs).toISOString());
      expect((await get(sb, `/sales?ids=${sale.id as string}&saleRefundedState=REFUNDED`)).body.result).toEqual([sale]);
    } finally {
      sb.setAsOf(undefined);
    }
  });

  it('an older apiVersion ignores (or rejects) the parameters it does not know', async () => {
    const old = await startSandbox({ rateLimit: false, apiVersion: '1.38' });
    const strict = await startSandbox({ rateLimit: false, apiVersion: '1.40', unknownParams: 'reject' });
    try {
      const all = (await pageAll(old, '/leads?pageSize=250')).length;
      expect((await pageAll(old, '/leads?pageSize=250&updatedFromDate=2026-02-20T00:00:00Z')).length).toBe(all);
      expect((await pageAll(sb, '/leads?pageSize=250&updatedFromDate=2026-02-20T00:00:00Z')).length).toBeLessThan(all);
      expect((await get(old, '/leads/clicks?leadIds=x')).body.message).toEqual(['Either leadId or email must be provided']);
      expect((await get(strict, '/leads/clicks?leadIds=x')).body.message).toEqual(['Unknown parameter: leadIds']);
      expect((await get(strict, '/leads?updatedFromDate=2026-02-20T00:00:00Z')).res.status).toBe(200);
    } finally {
      await old.close();
      await strict.close();
    }
  });
});
