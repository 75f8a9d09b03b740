/**
 * Changes after the fact reach the warehouse on the next incremental run (built CLI + sandbox with
 * its clock): a lead updated 40 days after its creation, a sale refunded 30 days after it was made
 * and a subscription cancelled 90 days after it started — all with lookback_window_days 3 — plus
 * the clicks of the updated lead; a crash in the middle of each change pass loses nothing; an older
 * Hyros API falls back with one WARN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';
import { ofType, recordsOf, runCli, statesOf, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { stateForNextRead, type Json } from './acceptance/support.js';
import { changePassRecords, idsOf } from './change-pass.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.js';

const DAY = 86_400_000;
const START = '2026-01-01';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const at = (value: unknown) => parseHyrosTimestamp(value) as number;

let sb: Sandbox;
const files = new TempFiles();
let runs = 0;

beforeAll(async () => {
  sb = await startSandbox({ seed: 7, rateLimit: false, counts: { subscriptions: 300 } });
});
afterAll(async () => {
  await sb.close();
  files.cleanup();
});

/** One incremental read with the sandbox clock at `endMs` (end_date = the clock). */
async function readAt(streams: string[], endMs: number, state?: Json[], config: Json = {}, options: { killAfterRequests?: number; sandbox?: Sandbox } = {}): Promise<CliResult> {
  const sandbox = options.sandbox ?? sb;
  sandbox.setAsOf(iso(endMs));
  const n = ++runs;
  const args = [
    'read',
    '--config', files.write(`config-${n}.json`, { api_key: 'sandbox-key', base_url: sandbox.baseUrl, start_date: START, end_date: iso(endMs), lookback_window_days: 3, requests_per_second: 1000, requests_per_minute: 60000, ...config }),
    '--catalog', files.write(`catalog-${n}.json`, catalogFor(streams)),
  ];
  if (state) args.push('--state', files.write(`state-${n}.json`, state));
  sandbox.resetStats();
  let poll: NodeJS.Timeout | undefined;
  const kill = options.killAfterRequests;
  const result = await runCli(args, {
    timeoutMs: 30_000,
    // The connector's output is chunked: the kill goes by the requests the sandbox answered instead.
    onSpawn: kill === undefined ? undefined : (child) => {
      poll = setInterval(() => {
        if (sandbox.stats().requests >= kill) child.kill('SIGKILL');
      }, 2);
    },
  });
  clearInterval(poll);
  return result;
}

const recordOf = (result: CliResult, stream: string, id: string) => recordsOf(result.messages, stream).find((r) => r.data.id === id)?.data;

describe('a change long after creation reaches the warehouse on the next run (lookback 3 days)', () => {
  it('a lead updated 40 days after its creation, with its clicks', async () => {
    const lead = sb.records('leads').find((l) => at(l.lastUpdatedDate) - at(l.creationDate) >= 40 * DAY && at(l.creationDate) < Date.parse('2026-02-20T00:00:00Z')) as Json;
    expect(lead, 'the sandbox has a lead updated 40+ days after creation').toBeDefined();
    const created = at(lead.creationDate);
    const updated = at(lead.lastUpdatedDate);
    const first = await readAt(['leads', 'lead_clicks'], created + 5 * DAY);
    expect(first.code).toBe(0);
    const before = recordOf(first, 'leads', lead.id);
    expect(before?.lastUpdatedDate).not.toBe(iso(updated));

    const second = await readAt(['leads', 'lead_clicks'], updated + DAY, stateForNextRead(statesOf(first.messages)));
    expect(second.code).toBe(0);
    // Created 40+ days before the cursor: only the change pass can have read it.
    expect(recordOf(second, 'leads', lead.id)).toMatchObject({ lastUpdatedDate: iso(updated), currentStage: lead.currentStage && { date: iso(at((lead.currentStage as Json).date)) } });
    const clicks = sb.records('lead_clicks').filter((c) => c.leadId === lead.id && at(c.date) <= updated + DAY);
    expect(clicks.length).toBeGreaterThan(0);
    expect(recordsOf(second.messages, 'lead_clicks').filter((r) => r.data.leadId === lead.id).map((r) => r.data.id).sort()).toEqual(idsOf(clicks));
    for (const stream of ['leads', 'lead_clicks']) expect(statesOf(second.messages, stream).at(-1)?.stream.stream_state, stream).toEqual({ occurred_at: iso(updated + DAY), changed_at: iso(updated + DAY) });
  });

  it('a sale refunded 30 days after it was made', async () => {
    const sale = sb.records('sales').find((s) => s.refundDate !== undefined && at(s.refundDate) - at(s.creationDate) >= 30 * DAY) as Json;
    expect(sale, 'the sandbox has a sale refunded 30+ days later').toBeDefined();
    const first = await readAt(['sales'], at(sale.creationDate) + 5 * DAY);
    expect(recordOf(first, 'sales', sale.id)).toMatchObject({ price: { refunded: 0 } });
    expect(recordOf(first, 'sales', sale.id)?.refundDate).toBeUndefined();
    const second = await readAt(['sales'], at(sale.refundDate) + DAY, stateForNextRead(statesOf(first.messages)));
    expect(second.code).toBe(0);
    expect(recordOf(second, 'sales', sale.id)).toMatchObject({ refundDate: iso(at(sale.refundDate)), price: { refunded: (sale.price as Json).refunded } });
  });

  it('a subscription cancelled 90 days after it started', async () => {
    const subscription = sb.records('subscriptions').find((s) => s.status === 'CANCELED' && at(s.cancelAtDate) - at(s.startDate) >= 90 * DAY) as Json;
    expect(subscription, 'the sandbox has a subscription cancelled 90+ days after its start').toBeDefined();
    const first = await readAt(['subscriptions'], at(subscription.startDate) + 5 * DAY);
    expect(recordOf(first, 'subscriptions', subscription.id)).toMatchObject({ status: 'ACTIVE', cancelAtDate: null });
    const second = await readAt(['subscriptions'], at(subscription.cancelAtDate) + DAY, stateForNextRead(statesOf(first.messages)));
    expect(second.code).toBe(0);
    expect(recordOf(second, 'subscriptions', subscription.id)).toMatchObject({ status: 'CANCELED', cancelAtDate: iso(at(subscription.cancelAtDate)) });
  });
});

describe('a crash in the middle of a change pass loses nothing', () => {
  // Run 1 at T1; run 2 at T2 (after every change in the sandbox) is killed once two requests were
  // answered: with one worker that is inside the change pass (it goes first, 3 records a page); run 3 resumes.
  const T1 = Date.parse('2026-02-01T00:00:00Z');
  const T2 = Date.parse('2026-07-01T00:00:00Z');
  const config = { max_concurrency: 1, page_size: 3, refund_lookback_days: 200 };
  // Latency keeps the killed run inside the pass until the kill lands.
  let slow: Sandbox;
  beforeAll(async () => {
    slow = await startSandbox({ seed: 7, rateLimit: false, latencyMs: 40, counts: { subscriptions: 300 } });
  });
  afterAll(async () => slow.close());

  it.each(['leads', 'sales', 'subscriptions', 'lead_clicks'])('%s', async (stream) => {
    const first = await readAt([stream], T1, undefined, config, { sandbox: slow });
    expect(first.code).toBe(0);
    const state1 = stateForNextRead(statesOf(first.messages));
    const killed = await readAt([stream], T2, state1, config, { killAfterRequests: 2, sandbox: slow });
    expect(killed.signal).toBe('SIGKILL');
    // No checkpoint moved changed_at before the pass completed.
    for (const state of statesOf(killed.messages, stream)) expect(state.stream.stream_state.changed_at).toBe(iso(T1));
    const resumed = await readAt([stream], T2, stateForNextRead([...statesOf(first.messages), ...statesOf(killed.messages)]), config, { sandbox: slow });
    expect(resumed.code).toBe(0);

    const run = { startMs: Date.parse(`${START}T00:00:00Z`), cursorMs: T1, endMs: T2, lookbackDays: 3, refundDays: 200 };
    const parent = stream === 'lead_clicks' ? 'leads' : stream;
    const changed = changePassRecords(parent as 'leads', sb.records(parent as 'leads'), run);
    expect(changed.length, 'records changed between the runs: the pass has several pages').toBeGreaterThan(3);
    const expected = stream === 'lead_clicks' ? idsOf(sb.records('lead_clicks').filter((c) => changed.some((l) => l.id === c.leadId))) : idsOf(changed);
    const got = new Set(recordsOf(resumed.messages, stream).map((r) => r.data.id as string));
    expect(expected.filter((id) => !got.has(id)), `${stream}: changes lost`).toEqual([]);
    expect(statesOf(resumed.messages, stream).at(-1)?.stream.stream_state).toEqual({ occurred_at: iso(T2), changed_at: iso(T2) });
  });
});

describe('an older Hyros API', () => {
  let old: Sandbox;
  const read = async (sandbox: Sandbox, name: string, state?: Json[]) => {
    const args = ['read', '--config', files.write(`${name}-config.json`, { api_key: 'sandbox-key', base_url: sandbox.baseUrl, start_date: START, end_date: '2026-03-01', requests_per_second: 1000, requests_per_minute: 60000 }), '--catalog', files.write(`${name}-catalog.json`, catalogFor(['leads', 'lead_clicks']))];
    if (state) args.push('--state', files.write(`${name}-state.json`, state));
    return runCli(args, { timeoutMs: 30_000 });
  };
  const warnings = (result: CliResult) => ofType(result.messages, 'LOG').filter((m) => m.log.level === 'WARN').map((m) => m.log.message as string);
  const state = [
    { type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { occurred_at: '2026-02-15T00:00:00Z', changed_at: '2026-02-15T00:00:00Z' } } },
    { type: 'STREAM', stream: { stream_descriptor: { name: 'lead_clicks' }, stream_state: { occurred_at: '2026-02-15T00:00:00Z', changed_at: '2026-02-15T00:00:00Z' } } },
  ];
  afterAll(async () => old?.close());

  it.each([
    ['ignores updatedFromDate and leadIds (v1.38)', { apiVersion: '1.38' }],
    ['rejects them with 400 Unknown parameter', { apiVersion: '1.38', unknownParams: 'reject' }],
  ] as Array<[string, SandboxOptions]>)('%s: one WARN, the lookback only, clicks one lead per request', async (_name, options) => {
    old = await startSandbox({ seed: 7, rateLimit: false, ...options });
    const result = await read(old, `old-${options.unknownParams ?? 'ignore'}`, state);
    expect(result.code).toBe(0);
    const warned = warnings(result);
    expect(warned.filter((w) => w.includes('does not filter on updatedFromDate'))).toHaveLength(1);
    expect(warned.filter((w) => w.includes('one lead per request'))).toHaveLength(1);
    // Only the creation windows (from the cursor − 3 days) were emitted, and changed_at stayed.
    const floor = Date.parse('2026-02-12T00:00:00Z');
    const leads = recordsOf(result.messages, 'leads');
    expect(leads.map((r) => r.data.id).sort()).toEqual(idsOf(old.records('leads').filter((l) => at(l.creationDate) >= floor)));
    expect(statesOf(result.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-03-01T00:00:00Z', changed_at: '2026-02-15T00:00:00Z' });
    // One request per lead (plus the probe), and the same clicks a v1.41 API gives.
    const leadIds = new Set(leads.map((r) => r.data.id as string));
    expect(old.stats().byPath['/leads/clicks']).toBe(leadIds.size + 1);
    expect(recordsOf(result.messages, 'lead_clicks').map((r) => r.data.id).sort()).toEqual(idsOf(old.records('lead_clicks').filter((c) => leadIds.has(c.leadId as string))));
    for (const click of recordsOf(result.messages, 'lead_clicks')) expect(leadIds.has(click.data.leadId)).toBe(true);
    await old.close();
  });
});
