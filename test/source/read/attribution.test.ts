/**
 * Attribution report streams: id batching, record shape and schema, and reads through the
 * production path (runRead → plan → engine → HyrosClient → fetch intercepted by nock): one request
 * per id batch per account-local day with exact day bounds, ids from /sources or /ads shared
 * between reports, never two requests in flight for one id, lookback resume, zero ids.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStream } from '../../../src/source/catalog.js';
import { resolveConfig, type AttributionReportConfig } from '../../../src/source/config.js';
import { adSourceIds, idsOnPlatform } from '../../../src/source/read/attribution/ids.js';
import { attributionRecord } from '../../../src/source/read/attribution/report-record.js';
import { attributionDeclaration, idSource } from '../../../src/source/streams/attribution.js';
import { IdLocks } from '../../../src/source/read/attribution/locks.js';
import { batchIds } from '../../../src/source/read/batch-ids.js';
import { BASE_PATH, FakeHyros, logsOf, ORIGIN, read, recordsOf, statesOf, statusesOf } from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

describe('id batching', () => {
  it('cuts at 50 ids, keeps order, never splits or repeats an id', () => {
    const ids = Array.from({ length: 120 }, (_, i) => String(10_000_000_000_000_000n + BigInt(i)));
    const batches = batchIds(ids);
    expect(batches.map((b) => b.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(ids);
  });

  it('also cuts when the URL-encoded ids value would pass the character budget', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `${'x'.repeat(95)}${String(i).padStart(5, '0')}`); // 100 chars each
    const batches = batchIds(ids, 50, 1000);
    for (const batch of batches) expect(encodeURIComponent(batch.join(',')).length).toBeLessThanOrEqual(1000);
    expect(batches.map((b) => b.length)).toEqual([9, 9, 9, 3]);
    expect(batches.flat()).toEqual(ids);
    expect(batchIds([])).toEqual([]);
  });
});

describe('ids per level', () => {
  it('takes ad levels from /ads, source-link levels from /sources, the others by ad account, with the level platform', () => {
    expect(idSource('facebook_ad')).toEqual({ path: 'ads', platform: 'FACEBOOK' });
    expect(idSource('bing_ad')).toEqual({ path: 'ads', platform: 'BING' });
    expect(idSource('facebook_adset')).toEqual({ path: 'sources', platform: 'FACEBOOK' });
    expect(idSource('snapchat_adsquad')).toEqual({ path: 'sources', platform: 'SNAPCHAT' });
    expect(idSource('linkedin_campaign')).toEqual({ path: 'sources', platform: 'LINKEDIN' });
    expect(idSource('facebook_campaign')).toEqual({ path: 'ad-accounts', platform: 'FACEBOOK' });
    expect(idSource('google_v2_adgroup')).toEqual({ path: 'ad-accounts', platform: 'GOOGLE' });
    expect(idSource('bing_adgroup')).toEqual({ path: 'ad-accounts', platform: 'BING' });
  });

  it('takes the ad accounts of the platform by their type', () => {
    const accounts = [
      { id: 'fb-1', name: 'A', type: 'FACEBOOK' },
      { id: 'g-1', name: 'B', type: 'GOOGLE_V2' },
      { id: 'fb-2', name: 'C', type: 'facebook' },
      { id: 't-1', name: 'D', type: 'TIKTOK' },
      { name: 'no id', type: 'FACEBOOK' },
    ];
    expect(idsOnPlatform(accounts, idSource('facebook_campaign'))).toEqual(['fb-1', 'fb-2']);
    expect(idsOnPlatform(accounts, idSource('google_v2_adgroup'))).toEqual(['g-1']);
  });

  it('reads adSource.adSourceId of the platform only, numbers as strings', () => {
    const records = [
      { adSource: { adSourceId: '111', platform: 'FACEBOOK' } },
      { adSource: { adSourceId: 222, platform: 'facebook' } },
      { adSource: { adSourceId: '333', platform: 'GOOGLE' } },
      { adSource: null },
      { adSource: { adSourceId: '', platform: 'FACEBOOK' } },
      { name: 'organic source' },
    ];
    expect(adSourceIds(records, 'FACEBOOK')).toEqual(['111', '222']);
  });
});

describe('record shape and schema', () => {
  const report = { level: 'facebook_adset' as const, fields: ['sales', 'revenue', 'roas', 'name', 'parent_name'] as const };

  it('stamps date, level, id and occurred_at; numbers as numbers; missing fields null; extra keys kept', () => {
    const record = attributionRecord(
      { id: 205044496234, sales: '10', revenue: 997.5, name: 'Ad set A', campaign_id: '2384' },
      { level: report.level, fields: [...report.fields] },
      '2026-01-05',
      Date.parse('2026-01-05T05:00:00Z'),
    );
    expect(record).toEqual({
      date: '2026-01-05',
      level: 'facebook_adset',
      id: '205044496234',
      occurred_at: '2026-01-05T05:00:00Z',
      sales: 10,
      revenue: 997.5,
      roas: null,
      name: 'Ad set A',
      parent_name: null,
      campaign_id: '2384',
    });
    const problems: string[] = [];
    const odd = attributionRecord({ id: 'x', sales: 'n/a' }, { level: report.level, fields: ['sales'] }, '2026-01-05', 0, (f) => problems.push(f));
    expect([odd?.sales, problems]).toEqual([null, ['sales']]);
    expect(attributionRecord({ sales: 1 }, { level: report.level, fields: ['sales'] }, '2026-01-05', 0)).toBeUndefined();
  });

  it('builds the schema from the fields: counts integer, money and ratios number, text string; agency adds account_id', () => {
    const reportConfig = (fields: string[]): AttributionReportConfig => {
      const reports = resolveConfig({ api_key: 'k', start_date: '2026-01-01', attribution_reports: [{ name: 'r', level: 'facebook_ad', fields }] }).attribution_reports;
      if (reports?.[0] === undefined) throw new Error('no report');
      return reports[0];
    };
    const schema = describeStream(attributionDeclaration(reportConfig(['sales', 'revenue', 'roas', 'name'])), false).json_schema;
    expect(schema.properties).toEqual({
      date: { type: 'string', format: 'date' },
      level: { type: 'string' },
      id: { type: 'string' },
      occurred_at: { type: 'string', format: 'date-time' },
      sales: { type: ['null', 'integer'] },
      revenue: { type: ['null', 'number'] },
      roas: { type: ['null', 'number'] },
      name: { type: ['null', 'string'] },
    });
    expect(schema.additionalProperties).toBe(true);
    const base = attributionDeclaration(reportConfig(['sales']));
    expect(describeStream(base, false).source_defined_primary_key).toEqual([['date'], ['level'], ['id']]);
    const agency = describeStream(base, true);
    expect(agency.source_defined_primary_key).toEqual([['account_id'], ['date'], ['level'], ['id']]);
    expect((agency.json_schema.properties as Record<string, unknown>).account_id).toEqual({ type: 'string' });
    expect(agency).toMatchObject({ name: 'attribution_r', supported_sync_modes: ['full_refresh', 'incremental'], default_cursor_field: ['occurred_at'], is_resumable: true });
  });
});

describe('IdLocks', () => {
  it('lets a batch in only when none of its ids is held, and gives up on abort', async () => {
    const locks = new IdLocks();
    const releaseA = await locks.acquire(['a|1', 'a|2']);
    let bIn = false;
    const b = locks.acquire(['a|2', 'a|3']).then((release) => {
      bIn = true;
      return release;
    });
    const other = await locks.acquire(['b|2']); // another account: independent
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bIn).toBe(false);
    const controller = new AbortController();
    const c = locks.acquire(['a|1'], controller.signal);
    controller.abort(new Error('stream failed'));
    await expect(c).rejects.toThrow('stream failed');
    releaseA();
    const releaseB = await b;
    expect(bIn).toBe(true);
    releaseB();
    other();
    expect(locks.size).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

interface AttributionRequest {
  query: URLSearchParams;
  ids: string[];
  account: string | undefined;
}

/** A fake /user-info, /sources, /ads and /attribution that logs requests and detects id overlap. */
function fakeAttribution(options: { timezone: string; sources?: unknown[]; ads?: unknown[]; delayMs?: number }) {
  const fake = new FakeHyros();
  const requests: AttributionRequest[] = [];
  const inFlight = new Set<string>();
  const overlaps: string[] = [];
  nock(ORIGIN)
    .persist()
    .get(`${BASE_PATH}/user-info`)
    .reply(200, { result: { userProfile: { timezone: options.timezone }, accessibleAccounts: [] }, request_id: 'r' });
  fake.serve('sources', (options.sources ?? []).map((data, i) => ({ id: `s${i}`, atMs: 0, data: data as Record<string, unknown> })));
  fake.serve('ads', (options.ads ?? []).map((data, i) => ({ id: `a${i}`, atMs: 0, data: data as Record<string, unknown> })));
  nock(ORIGIN)
    .persist()
    .get(`${BASE_PATH}/attribution`)
    .query(true)
    .reply(async function reply(uri) {
      const query = new URL(uri, ORIGIN).searchParams;
      const ids = (query.get('ids') ?? '').split(',');
      const account = this.req.headers['accessible-account-id'] as string | undefined;
      requests.push({ query, ids, account });
      for (const id of ids) {
        if (inFlight.has(id)) overlaps.push(id);
        inFlight.add(id);
      }
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 3));
      for (const id of ids) inFlight.delete(id);
      const fields = (query.get('fields') ?? '').split(',');
      const result = ids.map((id) => Object.fromEntries([['id', id], ...fields.map((f) => [f, f === 'name' ? `name ${id}` : f === 'revenue' ? 12.5 : 3])]));
      return [200, JSON.stringify({ result, request_id: 'r' }), { 'content-type': 'application/json' }];
    });
  return { fake, requests, overlaps };
}

const source = (id: string, platform: string) => ({ tag: `@${id}`, adSource: { adSourceId: id, platform, adAccountId: '1' } });
const FB_SOURCES = Array.from({ length: 60 }, (_, i) => source(`fb${String(i).padStart(3, '0')}`, 'FACEBOOK'));
const OTHER_SOURCES = [source('g1', 'GOOGLE'), source('g2', 'GOOGLE'), { tag: '@organic', adSource: null }];

describe('reading attribution reports (nock)', () => {
  const reports = [
    { name: 'adsets', level: 'facebook_adset', fields: ['sales', 'revenue', 'name'] },
    { name: 'adsets_scientific', level: 'facebook_adset', attribution_model: 'scientific', fields: ['sales'], source_configuration: 'only_paid' },
  ];

  it('requests each local day per id batch with exact bounds, shares ids, never overlaps an id, emits a record per (day, id)', async () => {
    const { fake, requests, overlaps } = fakeAttribution({ timezone: '-05:00', sources: [...FB_SOURCES, ...OTHER_SOURCES] });
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-03', max_concurrency: 6, attribution_reports: reports },
      streams: ['attribution_adsets', 'attribution_adsets_scientific'],
    });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(0);
    // ids fetched once for both reports (one page: 63 sources < page_size 250)
    expect(fake.requests.filter((r) => r.path === 'sources')).toHaveLength(1);
    expect(overlaps).toEqual([]);
    // end_date 2026-01-03T00:00Z is 2026-01-02 19:00 local: days 2026-01-01 and 2026-01-02, two batches each, two reports
    expect(requests).toHaveLength(8);
    const first = requests.find((r) => r.query.get('attributionModel') === 'last_click' && r.query.get('startDate') === '2026-01-01T00:00:00-05:00');
    expect(first?.query.get('endDate')).toBe('2026-01-01T23:59:59-05:00');
    expect([...(first?.query.keys() ?? [])]).toEqual([
      'attributionModel', 'startDate', 'endDate', 'level', 'fields', 'ids', 'currency', 'dayOfAttribution', 'scientificDaysRange',
      'windowAttributionDaysRange', 'ignoreRecurringSales', 'newCustomerConfiguration', 'pageSize',
    ]);
    expect(Object.fromEntries(first?.query ?? [])).toMatchObject({
      level: 'facebook_adset', fields: 'sales,revenue,name', currency: 'user_currency', dayOfAttribution: 'false', scientificDaysRange: '30',
      windowAttributionDaysRange: '0', ignoreRecurringSales: 'false', newCustomerConfiguration: 'all_customers',
    });
    const scientific = requests.filter((r) => r.query.get('attributionModel') === 'scientific');
    expect(scientific.every((r) => r.query.get('sourceConfiguration') === 'only_paid')).toBe(true);
    expect(requests.map((r) => r.ids.length).sort((a, b) => a - b)).toEqual([10, 10, 10, 10, 50, 50, 50, 50]);
    expect(requests.every((r) => r.ids.every((id) => id.startsWith('fb')) && r.account === undefined)).toBe(true);

    const records = recordsOf(out.messages, 'attribution_adsets');
    expect(records).toHaveLength(120);
    const keys = new Set(records.map((r) => `${r.date}|${r.id}`));
    expect(keys.size).toBe(120);
    expect(records.find((r) => r.id === 'fb007' && r.date === '2026-01-02')).toEqual({
      date: '2026-01-02', level: 'facebook_adset', id: 'fb007', occurred_at: '2026-01-02T05:00:00Z', sales: 3, revenue: 12.5, name: 'name fb007',
    });
    expect(recordsOf(out.messages, 'attribution_adsets_scientific')).toHaveLength(120);
    for (const stream of ['attribution_adsets', 'attribution_adsets_scientific']) {
      expect(statusesOf(out.messages, stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
      expect(statesOf(out.messages, stream).map((s) => s.stream.stream_state.occurred_at)).toEqual(['2026-01-02T05:00:00Z', '2026-01-03T00:00:00Z']);
      expect(statesOf(out.messages, stream).map((s) => s.sourceStats.recordCount)).toEqual([60, 60]);
    }
  });

  it('reads ad levels from /ads of the platform and follows an IANA timezone across daylight saving', async () => {
    const ads = [
      { id: '9001', adSource: { adSourceId: '9001', platform: 'FACEBOOK' } },
      { id: '9002', adSource: { adSourceId: '9002', platform: 'FACEBOOK' } },
      { id: '7001', adSource: { adSourceId: '7001', platform: 'TIKTOK' } },
    ];
    const { fake, requests } = fakeAttribution({ timezone: 'America/New_York', sources: FB_SOURCES, ads });
    const out = await read({
      config: { start_date: '2026-03-07T05:00:00Z', end_date: '2026-03-09T12:00:00Z', attribution_reports: [{ name: 'ads', level: 'facebook_ad', fields: ['clicks'] }] },
      streams: ['attribution_ads'],
    });
    expect(out.code).toBe(0);
    expect(fake.requests.filter((r) => r.path === 'sources')).toHaveLength(0);
    expect(requests.map((r) => [r.query.get('startDate'), r.query.get('endDate'), r.query.get('ids')?.split(',').sort().join(',')]).sort()).toEqual([
      ['2026-03-07T00:00:00-05:00', '2026-03-07T23:59:59-05:00', '9001,9002'],
      ['2026-03-08T00:00:00-05:00', '2026-03-08T23:59:59-04:00', '9001,9002'],
      ['2026-03-09T00:00:00-04:00', '2026-03-09T23:59:59-04:00', '9001,9002'],
    ]);
    const records = recordsOf(out.messages, 'attribution_ads');
    expect(records.map((r) => `${r.date} ${r.occurred_at} ${r.id}`).sort()).toEqual([
      '2026-03-07 2026-03-07T05:00:00Z 9001', '2026-03-07 2026-03-07T05:00:00Z 9002',
      '2026-03-08 2026-03-08T05:00:00Z 9001', '2026-03-08 2026-03-08T05:00:00Z 9002',
      '2026-03-09 2026-03-09T04:00:00Z 9001', '2026-03-09 2026-03-09T04:00:00Z 9002',
    ]);
  });

  it('resumes from the saved cursor minus the report lookback, on local-day boundaries', async () => {
    const { requests } = fakeAttribution({ timezone: '-05:00', sources: FB_SOURCES.slice(0, 2) });
    const out = await read({
      config: {
        start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 30,
        attribution_reports: [{ name: 'adsets', level: 'facebook_adset', fields: ['sales'], lookback_window_days: 2 }],
      },
      streams: ['attribution_adsets'],
      state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'attribution_adsets' }, stream_state: { occurred_at: '2026-01-10T05:00:00Z' } } }],
    });
    expect(out.code).toBe(0);
    expect([...new Set(requests.map((r) => r.query.get('startDate')))].sort()).toEqual([
      '2026-01-08T00:00:00-05:00', '2026-01-09T00:00:00-05:00', '2026-01-10T00:00:00-05:00', '2026-01-11T00:00:00-05:00',
    ]);
    expect([...new Set(recordsOf(out.messages, 'attribution_adsets').map((r) => r.date))].sort()).toEqual(['2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11']);
    expect(statesOf(out.messages, 'attribution_adsets').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-12T00:00:00Z' });
  });

  it('completes with no records and says why when the platform has no ids', async () => {
    const { requests } = fakeAttribution({ timezone: 'UTC', sources: OTHER_SOURCES });
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-05', attribution_reports: [{ name: 'tt', level: 'tiktok_adgroup', fields: ['sales'] }] },
      streams: ['attribution_tt'],
    });
    expect(out.code).toBe(0);
    expect(requests).toHaveLength(0);
    expect(recordsOf(out.messages, 'attribution_tt')).toEqual([]);
    expect(statusesOf(out.messages, 'attribution_tt')).toEqual(['STARTED', 'COMPLETE']);
    expect(logsOf(out.messages, 'INFO').some((m) => m.includes('attribution_tt') && m.includes('no TIKTOK sources'))).toBe(true);
    // Nothing was read: the state stays at the start.
    expect(statesOf(out.messages, 'attribution_tt').map((s) => s.stream.stream_state)).toEqual([{ occurred_at: '2026-01-01T00:00:00Z' }]);
  });

  it('fails only the report whose ids cannot be read, naming the role to add', async () => {
    nock(ORIGIN).persist().get(`${BASE_PATH}/user-info`).reply(200, { result: { userProfile: { timezone: '-05:00' } } });
    nock(ORIGIN).persist().get(`${BASE_PATH}/ads`).query(true).reply(403, { result: 'ERROR', message: ['Missing role GET_ADS'] });
    const { requests } = fakeAttribution({ timezone: '-05:00', sources: FB_SOURCES.slice(0, 3) });
    const out = await read({
      config: {
        start_date: '2026-01-01', end_date: '2026-01-03',
        attribution_reports: [{ name: 'ads', level: 'facebook_ad', fields: ['sales'] }, { name: 'adsets', level: 'facebook_adset', fields: ['sales'] }],
      },
      streams: ['attribution_ads', 'attribution_adsets'],
    });
    expect(out.code).toBe(1);
    expect(statusesOf(out.messages, 'attribution_ads')).toEqual(['STARTED', 'INCOMPLETE']);
    expect(statusesOf(out.messages, 'attribution_adsets')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(requests.every((r) => r.query.get('level') === 'facebook_adset')).toBe(true);
    const trace = out.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR' && m.trace.error.stream_descriptor?.name === 'attribution_ads');
    expect(trace?.trace.error.message).toMatch(/^Stream attribution_ads failed: .*role GET_ADS.*GET \/ads/);
  });
});
