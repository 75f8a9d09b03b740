/**
 * Standalone incremental runs (cron, the image, no Airbyte): `read --state-out FILE` keeps FILE up to
 * date with every stream's last state (per account, attribution reports, full-refresh streams), and
 * FILE is the next run's `--state` as is. Two runs against the sandbox (two client accounts, every
 * stream and an attribution report): the second, from the first's file, re-reads only each stream's
 * lookback (and the change pass's changed records). A run killed mid-way leaves a file holding only
 * states it had printed, from which the next run resumes with nothing lost.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';
import { ofType, recordsOf, runCli, statesOf, statusesOf, type CliOptions, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { ALL_STREAMS, stateForNextRead } from './acceptance/support.js';
import { changePassRecords, idsOf } from './change-pass.js';
import { DEFAULT_COUNTS } from '../sandbox/dataset.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const DAY = 86_400_000;
const ACCOUNTS = ['a1', 'a2'];
const LOOKBACK_DAYS = 3;
const REPORT = { name: 'adsets', level: 'facebook_adset', fields: ['sales', 'revenue'], lookback_window_days: 2 };
const STREAMS = [...ALL_STREAMS, 'attribution_adsets'];
const START = Date.parse('2026-02-01T00:00:00Z');
const END_1 = Date.parse('2026-02-15T00:00:00Z');
const END_2 = Date.parse('2026-03-01T00:00:00Z');
/** Streams read in date windows from their own records' creation time (lead_clicks follows its leads). */
const CREATED = { leads: 'creationDate', sales: 'creationDate', calls: 'creationDate', subscriptions: 'startDate', carts: 'creationDate' } as const;

describe('read --state-out: two standalone runs carry every stream\'s state', () => {
  let sb: Sandbox;
  let files: TempFiles;
  beforeAll(async () => {
    // Enough records of every windowed stream that each one has some inside the lookback and some before it.
    sb = await startSandbox({ seed: 5, rateLimit: false, accounts: ACCOUNTS, counts: { ...DEFAULT_COUNTS, calls: 200, subscriptions: 200, carts: 200 } });
    files = new TempFiles();
  });
  afterAll(async () => {
    await sb.close();
    files.cleanup();
  });

  const config = (endDate: string, extra: Record<string, unknown> = {}) =>
    files.write(`config-${endDate}-${Math.random().toString(36).slice(2)}.json`, {
      api_key: 'sandbox-key', base_url: sb.baseUrl, start_date: '2026-02-01', end_date: endDate, account_ids: ACCOUNTS,
      lookback_window_days: LOOKBACK_DAYS, attribution_reports: [REPORT], max_concurrency: 8, ...extra,
    });

  async function read(endDate: string, stateArgs: string[], options: CliOptions = {}, extra: Record<string, unknown> = {}): Promise<CliResult> {
    return runCli(['read', '--config', config(endDate, extra), '--catalog', files.write('catalog.json', catalogFor(STREAMS)), ...stateArgs], { timeoutMs: 60_000, ...options });
  }

  const readFile = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Array<Record<string, any>>;
  const accountCursor = (file: Array<Record<string, any>>, stream: string, account: string, key = 'occurred_at') =>
    Date.parse(file.find((s) => s.stream.stream_descriptor.name === stream)?.stream.stream_state.accounts[account][key]);
  const emitted = (result: CliResult, stream: string, account: string) => recordsOf(result.messages, stream).map((r) => r.data).filter((d) => d.account_id === account);

  it('the second run, from the first one\'s file, re-reads only the lookback of every stream and account', async () => {
    const statePath = join(files.dir, 'state.json');
    const first = await read('2026-02-15', ['--state-out', statePath]);
    expect(first.code, first.stderr).toBe(0);
    // The file is what Airbyte would hand the next read: the last state of every stream, nothing else.
    const firstFile = readFile(statePath);
    expect(firstFile).toEqual(stateForNextRead(statesOf(first.messages)));
    expect(firstFile.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([...STREAMS].sort());
    for (const stream of [...Object.keys(CREATED), 'lead_clicks', 'attribution_adsets']) {
      for (const account of ACCOUNTS) expect(accountCursor(firstFile, stream, account), `${stream} ${account}`).toBe(END_1);
    }

    // The same file as --state and --state-out: what a cron line does.
    const second = await read('2026-03-01', ['--state', statePath, '--state-out', statePath]);
    expect(second.code, second.stderr).toBe(0);
    for (const stream of STREAMS) expect(statusesOf(second.messages, stream).at(-1), stream).toBe('COMPLETE');
    const byName = (states: Array<Record<string, any>>) => [...states].sort((a, b) => a.stream.stream_descriptor.name.localeCompare(b.stream.stream_descriptor.name));
    expect(byName(readFile(statePath))).toEqual(byName(stateForNextRead(statesOf(second.messages))));

    for (const account of ACCOUNTS) {
      const from = END_1 - LOOKBACK_DAYS * DAY;
      for (const [stream, field] of Object.entries(CREATED) as Array<[keyof typeof CREATED, string]>) {
        const all = sb.records(stream, account);
        const created = (r: Record<string, unknown>) => parseHyrosTimestamp(r[field]) as number;
        const lookback = all.filter((r) => created(r) >= from && created(r) <= END_2);
        const changed = stream === 'leads' || stream === 'sales' || stream === 'subscriptions'
          ? changePassRecords(stream, all, { startMs: START, cursorMs: END_1, endMs: END_2, lookbackDays: LOOKBACK_DAYS })
          : [];
        const ids = emitted(second, stream, account).map((r) => r.id as string).sort();
        expect(ids, `${stream} ${account}`).toEqual(idsOf([...lookback, ...changed]));
        // Both sides are there: records the first run emitted inside the lookback (read again), and
        // older ones it emitted that are not read again (unless changed since).
        const firstIds = emitted(first, stream, account).map((r) => r.id as string);
        expect(ids.filter((id) => firstIds.includes(id)).length, `${stream} ${account}`).toBeGreaterThan(0);
        expect(firstIds.filter((id) => !ids.includes(id)).length, `${stream} ${account}`).toBeGreaterThan(0);
      }
      // lead_clicks: the clicks of the leads this run read (its own windows and change pass, as leads').
      const leadIds = new Set(emitted(second, 'leads', account).map((r) => r.id));
      const clicks = emitted(second, 'lead_clicks', account);
      expect(clicks.length, `lead_clicks ${account}`).toBeGreaterThan(0);
      expect(clicks.filter((c) => !leadIds.has(c.leadId)), `lead_clicks ${account}`).toEqual([]);
      expect(idsOf(clicks), `lead_clicks ${account}`).toEqual(idsOf(sb.records('lead_clicks', account).filter((c) => leadIds.has(c.leadId))));
      // The report re-reads its own lookback (2 days) before the cursor, by account-local day.
      const days = emitted(second, 'attribution_adsets', account).map((r) => Date.parse(r.occurred_at as string));
      expect(days.length, `attribution ${account}`).toBeGreaterThan(0);
      expect(Math.min(...days), `attribution ${account}`).toBeGreaterThanOrEqual(END_1 - (REPORT.lookback_window_days + 1) * DAY);
      expect(Math.min(...days), `attribution ${account}`).toBeLessThan(END_1);
    }
  });

  it('a run killed mid-way leaves a file of states it had printed; the next run resumes from it and nothing is lost', async () => {
    const statePath = join(files.dir, 'killed-state.json');
    let states = 0;
    const killed = await read('2026-03-01', ['--state-out', statePath], {
      onLine: (line, child) => {
        // Past the first few checkpoints, once a second has passed (the file is rewritten at most once a second).
        if (line.includes('"type":"STATE"') && ++states === 20) setTimeout(() => child.kill('SIGKILL'), 1100);
      },
    }, { max_concurrency: 2, page_size: 25, requests_per_second: 20 });
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(statePath)).toBe(true);
    const file = readFile(statePath);
    expect(file.length).toBeGreaterThan(0);
    // Never ahead of stdout: every state in the file is one the run had printed for that stream.
    const printed = statesOf(killed.messages);
    for (const entry of file) {
      const name = entry.stream.stream_descriptor.name;
      expect(printed.some((s) => s.stream.stream_descriptor.name === name && JSON.stringify(s.stream.stream_state) === JSON.stringify(entry.stream.stream_state)), name).toBe(true);
    }
    // Killed mid-way: some stream is missing from the file, or not at the sync end yet.
    expect(file.length < STREAMS.length || file.some((e) => e.stream.stream_state.occurred_at !== undefined && Date.parse(e.stream.stream_state.occurred_at) < END_2)).toBe(true);

    const resumed = await read('2026-03-01', ['--state', statePath, '--state-out', statePath], {}, { lookback_window_days: 0 });
    expect(resumed.code, resumed.stderr).toBe(0);
    // Nothing lost: every record of the windowed streams was emitted by one of the two runs.
    for (const account of ACCOUNTS) {
      for (const [stream, field] of Object.entries(CREATED) as Array<[keyof typeof CREATED, string]>) {
        const seen = new Set([...emitted(killed, stream, account), ...emitted(resumed, stream, account)].map((r) => r.id));
        const inRange = sb.records(stream, account).filter((r) => (parseHyrosTimestamp(r[field]) as number) >= START && (parseHyrosTimestamp(r[field]) as number) <= END_2);
        expect(inRange.length, `${stream} ${account}`).toBeGreaterThan(0);
        const missing = inRange.map((r) => r.id).filter((id) => !seen.has(id));
        expect(missing, `${stream} ${account}`).toEqual([]);
      }
    }
    expect(ofType(resumed.messages, 'TRACE', 'ERROR')).toEqual([]);
  });

  it('--state-out in a folder that does not exist: a config_error before any request', async () => {
    sb.resetStats();
    const result = await read('2026-02-15', ['--state-out', join(files.dir, 'missing', 'state.json')]);
    expect(result.code).toBe(1);
    const message = `--state-out ${join(files.dir, 'missing', 'state.json')} is in a folder that does not exist (${join(files.dir, 'missing')}): give a file in an existing folder this user may write.`;
    expect(ofType(result.messages, 'TRACE', 'ERROR').map((m) => [m.trace.error.failure_type, m.trace.error.message])).toEqual([['config_error', message]]);
    expect(result.stderr).toBe(`source-hyros: ${message}\n`);
    expect(sb.stats().requests).toBe(0);
  });
});
