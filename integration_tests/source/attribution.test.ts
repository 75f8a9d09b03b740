/**
 * Acceptance: attribution reports and agency accounts through the built CLI against the sandbox
 * (latency 20 ms, which is also how long the sandbox keeps an id locked, client accounts c1–c4).
 * discover shows the configured reports; two reports (ad-set level, ad level) read one record per
 * (account-local day, id) with the sandbox's exact metrics, valid against the discovered schema
 * with strict integers; resume re-reads only each report's lookback days; three client accounts
 * read leads + sales + a report with account_id everywhere and a cursor per account; a fourth
 * account added later backfills from start_date while the others resume; check names a client
 * account that is not connected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';
import { ofType, recordsOf, runCli, statesOf, statusesOf, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { catalogProblems, parseJsonStrict, validate } from './acceptance/json-schema.js';
import { attributionRow } from '../sandbox/attribution.js';
import { changePassRecords, idsOf as recordIds } from './change-pass.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const SEED = 7;
const DAY = 86_400_000;
const OFFSET_MS = -5 * 3_600_000; // sandbox timezone -05:00

const REPORTS = [
  { name: 'adsets', level: 'facebook_adset', fields: ['sales', 'revenue', 'clicks', 'roas', 'name'], lookback_window_days: 3 },
  { name: 'ads', level: 'facebook_ad', attribution_model: 'first_click', fields: ['impressions', 'cost', 'cost_per_click', 'parent_name'], lookback_window_days: 2 },
] as const;

/** Account-local dates from..to inclusive (YYYY-MM-DD). */
function dates(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && out.length < 400; t += DAY) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

describe('attribution reports and agency accounts (built CLI + sandbox)', () => {
  let sb: Sandbox;
  let files: TempFiles;
  let run = 0;

  beforeAll(async () => {
    sb = await startSandbox({ seed: SEED, latencyMs: 20, accounts: ['c1', 'c2', 'c3', 'c4'] });
    files = new TempFiles();
  });
  afterAll(async () => {
    await sb?.close();
    files?.cleanup();
  });

  const config = (overrides: Record<string, unknown>) => ({
    api_key: 'sandbox-key', base_url: sb.baseUrl, start_date: '2026-01-01', max_concurrency: 8, attribution_reports: REPORTS, ...overrides,
  });

  async function cli(command: 'read' | 'discover' | 'check', cfg: Record<string, unknown>, streams: string[] = [], state?: unknown): Promise<CliResult> {
    run++;
    const args = [command, '--config', files.write(`config-${run}.json`, cfg)];
    if (command === 'read') args.push('--catalog', files.write(`catalog-${run}.json`, catalogFor(streams)));
    if (state !== undefined) args.push('--state', files.write(`state-${run}.json`, state));
    return runCli(args, { timeoutMs: 20_000 });
  }

  /** The adSourceIds of the platform, from /sources (ad-set level) or /ads (ad level), of one account. */
  const idsOf = (level: string, account?: string): string[] =>
    sb
      .records(level.endsWith('_ad') ? 'ads' : 'sources', account)
      .map((r) => r.adSource as { adSourceId: string; platform: string } | null)
      .filter((a): a is { adSourceId: string; platform: string } => a !== null && a.platform === 'FACEBOOK')
      .map((a) => a.adSourceId);

  /** The sandbox's metrics of one id on one local day (numeric fields). */
  function expectedMetrics(report: (typeof REPORTS)[number], id: string, date: string, account = ''): Record<string, unknown> {
    const numeric = report.fields.filter((f) => f !== 'name' && f !== 'parent_name');
    const q = { model: 'attribution_model' in report ? report.attribution_model : 'last_click', level: report.level, fields: [...numeric], ids: [id], start: 0, end: 0 };
    const { id: _id, ...metrics } = attributionRow(`${SEED}|${account}`, q, id, [date], new Map());
    return metrics;
  }

  const lastStates = (result: CliResult, streams: string[]) => streams.map((s) => statesOf(result.messages, s).at(-1));
  const streamState = (result: CliResult, stream: string) => statesOf(result.messages, stream).at(-1)?.stream.stream_state;

  function assertCountsAndStatuses(result: CliResult, streams: string[]): void {
    expect(result.code, result.stderr).toBe(0);
    for (const stream of streams) {
      // CAT's rule: STARTED first, COMPLETE last, only RUNNING between (a 429 on a loaded machine
      // legitimately adds a RUNNING with reason RATE_LIMITED).
      const statuses = statusesOf(result.messages, stream);
      expect(statuses[0], stream).toBe('STARTED');
      expect(statuses.at(-1), stream).toBe('COMPLETE');
      expect(statuses.slice(1, -1).length, stream).toBeGreaterThan(0);
      expect(new Set(statuses.slice(1, -1)), stream).toEqual(new Set(['RUNNING']));
      const counted = statesOf(result.messages, stream).reduce((sum, s) => sum + (s.sourceStats.recordCount as number), 0);
      expect(counted, stream).toBe(recordsOf(result.messages, stream).length);
    }
  }

  let discovered: Array<Record<string, any>> = [];
  let firstRead: CliResult;

  it('discover shows one stream per configured report with its schema', async () => {
    const result = await cli('discover', config({}));
    expect(result.code).toBe(0);
    discovered = ofType(result.messages, 'CATALOG')[0]?.catalog.streams ?? [];
    expect(catalogProblems(discovered)).toEqual([]);
    const adsets = discovered.find((s) => s.name === 'attribution_adsets');
    const ads = discovered.find((s) => s.name === 'attribution_ads');
    expect(adsets).toMatchObject({
      supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['occurred_at'],
      source_defined_primary_key: [['date'], ['level'], ['id']], is_resumable: true,
    });
    expect(Object.keys(adsets?.json_schema.properties)).toEqual(['date', 'level', 'id', 'occurred_at', 'sales', 'revenue', 'clicks', 'roas', 'name']);
    expect(adsets?.json_schema.properties.sales).toEqual({ type: ['null', 'integer'] });
    expect(ads?.json_schema.properties.cost_per_click).toEqual({ type: ['null', 'number'] });
    expect(discovered.filter((s) => s.name.startsWith('attribution_')).map((s) => s.name)).toEqual(['attribution_adsets', 'attribution_ads']);
  });

  it('reads two reports: one exact, schema-valid record per (local day, id), statuses and day states', async () => {
    const streams = ['attribution_adsets', 'attribution_ads'];
    firstRead = await cli('read', config({ end_date: '2026-01-15' }), streams);
    assertCountsAndStatuses(firstRead, streams);
    // end_date 2026-01-15T00:00Z is 2026-01-14 19:00 in the account (-05:00): local days Jan 1 … Jan 14
    const days = dates('2026-01-01', '2026-01-14');
    const strictRecords = firstRead.stdout
      .split('\n')
      .filter((line) => line.startsWith('{"type":"RECORD"'))
      .map((line) => parseJsonStrict(line) as Record<string, any>);
    for (const report of REPORTS) {
      const stream = `attribution_${report.name}`;
      const ids = idsOf(report.level);
      expect(ids.length, stream).toBeGreaterThan(2);
      const records = recordsOf(firstRead.messages, stream).map((r) => r.data);
      expect(records.map((r) => `${r.date}|${r.id}`).sort()).toEqual(days.flatMap((d) => ids.map((id) => `${d}|${id}`)).sort());
      for (const r of records) {
        expect(r.level).toBe(report.level);
        expect(r.occurred_at).toBe(new Date(Date.parse(`${r.date}T00:00:00Z`) - OFFSET_MS).toISOString().replace('.000Z', 'Z'));
        expect(r, `${stream} ${r.date} ${r.id}`).toMatchObject(expectedMetrics(report, r.id, r.date));
      }
      const schema = discovered.find((s) => s.name === stream)?.json_schema;
      const problems = strictRecords.filter((m) => m.record.stream === stream).flatMap((m) => validate(schema, m.record.data, { failOnExtraColumns: true }));
      expect(problems, stream).toEqual([]);
      // one checkpoint per finished day; the last at the sync end
      const cursors = statesOf(firstRead.messages, stream).map((s) => s.stream.stream_state.occurred_at);
      expect(cursors.at(-1)).toBe('2026-01-15T00:00:00Z');
      expect(cursors.length).toBeGreaterThanOrEqual(2);
    }
    const adsetNames = new Map(sb.records('sources').map((s) => [(s.adSource as { adSourceId: string }).adSourceId, s.name]));
    for (const r of recordsOf(firstRead.messages, 'attribution_adsets')) expect(r.data.name).toBe(adsetNames.get(r.data.id));
    // No request hit a locked id: the connector never has two requests in flight for one id.
    expect(sb.stats().status['400'] ?? 0).toBe(0);
  });

  it('resumes from its own states, re-reading only each report\'s lookback days', async () => {
    const streams = ['attribution_adsets', 'attribution_ads'];
    const second = await cli('read', config({ end_date: '2026-01-20' }), streams, lastStates(firstRead, streams));
    assertCountsAndStatuses(second, streams);
    // cursor 2026-01-15T00:00Z = Jan 14 19:00 local; minus 3 (adsets) / 2 (ads) days, from that local day on, to Jan 19
    const readDates = (stream: string) => [...new Set(recordsOf(second.messages, stream).map((r) => r.data.date as string))].sort();
    expect(readDates('attribution_adsets')).toEqual(dates('2026-01-11', '2026-01-19'));
    expect(readDates('attribution_ads')).toEqual(dates('2026-01-12', '2026-01-19'));
    expect(recordsOf(second.messages, 'attribution_adsets')).toHaveLength(9 * idsOf('facebook_adset').length);
    for (const stream of streams) expect(streamState(second, stream)).toEqual({ occurred_at: '2026-01-20T00:00:00Z' });
  });

  const AGENCY_STREAMS = ['leads', 'sales', 'attribution_adsets'];
  let agencyRead: CliResult;

  it('reads three client accounts: account_id on every record, the right data per account, a cursor per account, one rate limiter', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the sandbox's 1 s window forgets the previous run
    sb.resetStats();
    const cfg = config({ end_date: '2026-01-10', account_ids: ['c1', 'c2', 'c3'], requests_per_second: 20, lookback_window_days: 1, attribution_reports: [REPORTS[0]] });
    agencyRead = await cli('read', cfg, AGENCY_STREAMS);
    assertCountsAndStatuses(agencyRead, AGENCY_STREAMS);
    const end = Date.parse('2026-01-10T00:00:00Z');
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (const account of ['c1', 'c2', 'c3']) {
      for (const stream of ['leads', 'sales'] as const) {
        const expected = sb.records(stream, account).filter((r) => {
          const t = parseHyrosTimestamp(r.creationDate) as number;
          return t >= start && t <= end;
        });
        const got = recordsOf(agencyRead.messages, stream).filter((r) => r.data.account_id === account);
        expect(got.map((r) => r.data.id).sort(), `${stream} ${account}`).toEqual(expected.map((r) => r.id).sort());
      }
      const rows = recordsOf(agencyRead.messages, 'attribution_adsets').filter((r) => r.data.account_id === account).map((r) => r.data);
      expect(rows.map((r) => `${r.date}|${r.id}`).sort()).toEqual(dates('2026-01-01', '2026-01-09').flatMap((d) => idsOf('facebook_adset', account).map((id) => `${d}|${id}`)).sort());
      for (const r of rows) expect(r, `${account} ${r.date} ${r.id}`).toMatchObject(expectedMetrics(REPORTS[0], r.id, r.date, account));
    }
    for (const stream of AGENCY_STREAMS) {
      expect(recordsOf(agencyRead.messages, stream).every((r) => ['c1', 'c2', 'c3'].includes(r.data.account_id)), stream).toBe(true);
      // leads and sales also carry changed_at (later changes caught), per account and as the minimum.
      const cursors = stream.startsWith('attribution_') ? { occurred_at: '2026-01-10T00:00:00Z' } : { occurred_at: '2026-01-10T00:00:00Z', changed_at: '2026-01-10T00:00:00Z' };
      expect(streamState(agencyRead, stream), stream).toEqual({ ...cursors, accounts: { c1: cursors, c2: cursors, c3: cursors } });
    }
    // All accounts share the key's one limiter (20/s here, under the sandbox's 30/s): three limiters
    // of 20/s (60/s together) would have run into the sandbox's limit with more than 30 requests at
    // 8 concurrent.
    expect(sb.stats().requests).toBeGreaterThan(40);
    expect(sb.stats().rateLimited).toBe(0);
    expect(sb.stats().status['400'] ?? 0).toBe(0);
  });

  it('a fourth account added later backfills from start_date while the others resume from their cursors', async () => {
    const cfg = config({ end_date: '2026-01-12', account_ids: ['c1', 'c2', 'c3', 'c4'], lookback_window_days: 1, attribution_reports: [REPORTS[0]] });
    const next = await cli('read', cfg, AGENCY_STREAMS, lastStates(agencyRead, AGENCY_STREAMS));
    assertCountsAndStatuses(next, AGENCY_STREAMS);
    const cursorMs = Date.parse('2026-01-10T00:00:00Z');
    const run = { startMs: Date.parse('2026-01-01T00:00:00Z'), cursorMs, endMs: Date.parse('2026-01-12T00:00:00Z'), lookbackDays: 1 };
    // The older leads that changed since the cursor come on top of the re-read (the change pass).
    const changed = (account: string) => new Set(recordIds(changePassRecords('leads', sb.records('leads', account), run)));
    const minLead = (account: string) =>
      Math.min(...recordsOf(next.messages, 'leads').filter((r) => r.data.account_id === account && !changed(account).has(r.data.id)).map((r) => Date.parse(r.data.occurred_at)));
    const reportDates = (account: string) =>
      [...new Set(recordsOf(next.messages, 'attribution_adsets').filter((r) => r.data.account_id === account).map((r) => r.data.date as string))].sort();
    for (const account of ['c1', 'c2', 'c3']) {
      expect(minLead(account), account).toBeGreaterThanOrEqual(Date.parse('2026-01-09T00:00:00Z')); // cursor − 1 day
      // cursor Jan 10 00:00Z = Jan 9 19:00 local, minus the report's 3 days → from local Jan 6
      expect(reportDates(account), account).toEqual(dates('2026-01-06', '2026-01-11'));
    }
    const c4Leads = sb.records('leads', 'c4').filter((r) => {
      const t = parseHyrosTimestamp(r.creationDate) as number;
      return t >= Date.parse('2026-01-01T00:00:00Z') && t <= Date.parse('2026-01-12T00:00:00Z');
    });
    expect(recordsOf(next.messages, 'leads').filter((r) => r.data.account_id === 'c4').map((r) => r.data.id).sort()).toEqual(c4Leads.map((r) => r.id).sort());
    expect(reportDates('c4')).toEqual(dates('2026-01-01', '2026-01-11'));
    const state = streamState(next, 'attribution_adsets');
    expect(Object.keys(state.accounts).sort()).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(state.occurred_at).toBe('2026-01-12T00:00:00Z');
  });

  it('a level without an id list (facebook_campaign) is read per ad account with isAdAccountId', async () => {
    const report = { name: 'campaigns', level: 'facebook_campaign', fields: ['sales', 'cost'], lookback_window_days: 1 };
    const result = await cli('read', config({ end_date: '2026-01-04', attribution_reports: [report] }), ['attribution_campaigns']);
    assertCountsAndStatuses(result, ['attribution_campaigns']);
    // Hyros answers with every entity of each Facebook ad account; the sandbox's are its sources.
    const facebookAccounts = new Set(sb.records('ad_accounts').filter((a) => a.type === 'FACEBOOK').map((a) => a.id as string));
    const entities = sb
      .records('sources')
      .map((s) => s.adSource as { adSourceId: string; adAccountId: string })
      .filter((ad) => facebookAccounts.has(ad.adAccountId))
      .map((ad) => ad.adSourceId)
      .sort();
    expect(entities.length).toBeGreaterThan(0);
    const records = recordsOf(result.messages, 'attribution_campaigns');
    for (const date of dates('2026-01-01', '2026-01-03')) {
      expect(records.filter((r) => r.data.date === date).map((r) => r.data.id as string).sort(), date).toEqual(entities);
    }
    expect(records.every((r) => r.data.level === 'facebook_campaign' && Number.isInteger(r.data.sales))).toBe(true);
  });

  it('check fails naming a client account that is not connected', async () => {
    const result = await cli('check', config({ account_ids: ['c1', 'acme-007'] }));
    expect(result.code).toBe(0);
    const status = ofType(result.messages, 'CONNECTION_STATUS')[0]?.connectionStatus;
    expect(status?.status).toBe('FAILED');
    expect(status?.message).toMatch(/^Client account acme-007: .*not one of your connected client accounts/);
    const ok = await cli('check', config({ account_ids: ['c1', 'c4'] }));
    expect(ofType(ok.messages, 'CONNECTION_STATUS')[0]?.connectionStatus).toEqual({ status: 'SUCCEEDED' });
  });
});
