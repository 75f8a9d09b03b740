/**
 * Windows fetched concurrently (max_concurrency 4) finish out of order; the state only advances
 * over the contiguous run of completed windows from the oldest (low-water mark), counts stay exact,
 * and a failed window stops the cursor before it.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertCheckpointContract,
  FakeHyros,
  idsOf,
  iso,
  lead,
  ms,
  read,
  sale,
  statesOf,
  statusesOf,
  type FakeRecord,
  type Msg,
} from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

const START = ms('2026-01-01T00:00:00Z');
const END = ms('2026-01-05T00:00:00Z');
const WINDOW_MS = 24 * 3_600_000;
const WINDOWS = 4;
// max_concurrency 4 over one 4-day stream: a window per worker → four 1-day windows. (Three
// records a window, two a page: no window has enough left to be worth splitting.)
const config = { start_date: '2026-01-01', end_date: '2026-01-05', max_concurrency: 4, window_size_days: 1, page_size: 2 };
const windowIndex = (fromMs: number) => Math.round((fromMs - START) / WINDOW_MS);

/** Three leads per 1-day window, the first exactly at the window start. */
function leadsPerWindow(): FakeRecord[] {
  const records: FakeRecord[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    for (const offsetMin of [0, 61, 239]) records.push(lead(`w${w}-${offsetMin}`, iso(START + w * WINDOW_MS + offsetMin * 60_000)));
  }
  return records;
}

const windowOf = (id: string) => Number(/^w(\d+)/.exec(id)?.[1]);

/** Indexes (in the message list) of the leads records of window `w`. */
function recordPositions(messages: Msg[], predicate: (id: string) => boolean): number[] {
  return messages.flatMap((m, i) => (m.type === 'RECORD' && m.record.stream === 'leads' && predicate(m.record.data.id) ? [i] : []));
}
function statePositions(messages: Msg[]): Array<[number, number]> {
  return messages.flatMap((m, i) =>
    m.type === 'STATE' && m.state.stream.stream_descriptor.name === 'leads' ? [[i, ms(m.state.stream.stream_state.occurred_at)] as [number, number]] : [],
  );
}

describe('out-of-order window completion', () => {
  it('holds the state back while the oldest window is slow, then checkpoints once it lands', async () => {
    const fake = new FakeHyros();
    const records = leadsPerWindow();
    // Window 0 is slow; the later a window, the faster it answers.
    fake.serve('leads', records, { delayMs: (from) => (windowIndex(from) === 0 ? 800 : (WINDOWS - windowIndex(from)) * 2) });
    const out = await read({ config, streams: ['leads'] });
    expect(out.code).toBe(0);
    expect(fake.windows('leads')).toHaveLength(WINDOWS);
    expect(idsOf(out.messages, 'leads').sort()).toEqual(records.map((r) => r.id).sort());

    const slow = recordPositions(out.messages, (id) => windowOf(id) === 0);
    const others = recordPositions(out.messages, (id) => windowOf(id) !== 0);
    // The test only means something if later windows really finished first.
    expect(Math.min(...others)).toBeLessThan(Math.min(...slow));
    // No checkpoint until window 0 has been emitted; then one state covers everything.
    const states = statesOf(out.messages, 'leads');
    for (const [position] of statePositions(out.messages)) expect(position).toBeGreaterThan(Math.max(...slow));
    expect(states.map((s) => [s.stream.stream_state.occurred_at, s.sourceStats.recordCount])).toEqual([['2026-01-05T00:00:00Z', 3 * WINDOWS]]);
    assertCheckpointContract(out.messages, 'leads', records, END);
  });

  it('advances over the finished windows before a slow middle one, never past it until it lands', async () => {
    const fake = new FakeHyros();
    const records = leadsPerWindow();
    const delays = [5, 20, 300];
    fake.serve('leads', records, { delayMs: (from) => delays[windowIndex(from)] ?? 40 });
    const out = await read({ config, streams: ['leads'] });
    expect(out.code).toBe(0);
    const slowStart = START + 2 * WINDOW_MS;
    const slow = recordPositions(out.messages, (id) => windowOf(id) === 2);
    const later = recordPositions(out.messages, (id) => windowOf(id) > 2);
    expect(Math.min(...later)).toBeLessThan(Math.min(...slow));
    const lastSlow = Math.max(...slow);
    const states = statePositions(out.messages);
    // Before window 2's records: only states up to its start. After: the end.
    for (const [position, cursor] of states) {
      if (position < lastSlow) expect(cursor).toBeLessThanOrEqual(slowStart);
    }
    expect(states.some(([position, cursor]) => position < Math.min(...slow) && cursor === slowStart)).toBe(true);
    expect(states.at(-1)?.[1]).toBe(END);
    assertCheckpointContract(out.messages, 'leads', records, END);
  });

  it('a failed window stops the cursor at its start although later windows completed', async () => {
    const fake = new FakeHyros();
    const records = leadsPerWindow();
    fake.serve('leads', records, {
      delayMs: (from) => (windowIndex(from) === 2 ? 120 : 5),
      failWith: { status: 500, body: { result: 'ERROR', message: ['Internal error'] } },
      failIf: (from) => windowIndex(from) === 2,
    });
    const out = await read({ config, streams: ['leads'] });
    expect(out.code).toBe(1);
    expect(statusesOf(out.messages, 'leads')).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    const states = statesOf(out.messages, 'leads');
    const failedStart = START + 2 * WINDOW_MS;
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) expect(ms(state.stream.stream_state.occurred_at)).toBeLessThanOrEqual(failedStart);
    expect(states.at(-1)?.stream.stream_state).toEqual({ occurred_at: iso(failedStart), changed_at: iso(END) });
    // Window 3 completed while 2 was failing: its records went out but are not covered by a state.
    expect(idsOf(out.messages, 'leads').some((id) => windowOf(id) > 2)).toBe(true);
    const error = out.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(error?.trace.error.stream_descriptor).toEqual({ name: 'leads' });
    expect(error?.trace.error.failure_type).toBe('transient_error');
    // Counting up to the last state still holds.
    const covered = records.filter((r) => r.atMs < failedStart);
    const lastState = out.messages.findLastIndex((m) => m.type === 'STATE');
    const beforeLastState = out.messages.slice(0, lastState);
    expect(statesOf(out.messages, 'leads').reduce((sum, s) => sum + s.sourceStats.recordCount, 0)).toBe(
      beforeLastState.filter((m) => m.type === 'RECORD').length,
    );
    expect(covered.every((r) => idsOf(beforeLastState, 'leads').includes(r.id))).toBe(true);
  });

  it('two streams sharing the pool, with scattered delays, both keep exact counts and covered states', async () => {
    const fake = new FakeHyros();
    const leads = leadsPerWindow();
    const sales: FakeRecord[] = [];
    for (let i = 0; i < 40; i++) sales.push(sale(`s${String(i).padStart(2, '0')}`, iso(START + i * 8_640_000 + (i % 3) * 1000)));
    sales.push(sale('s-at-day-2', '2026-01-02T00:00:00Z'), sale('s-at-day-2b', '2026-01-02T00:00:00Z'), sale('s-at-end', '2026-01-05T00:00:00Z'));
    const jitter = (from: number) => ((Math.abs(from / 1000) * 2654435761) % 997) % 60;
    fake.serve('leads', leads, { delayMs: jitter });
    fake.serve('sales', sales, { delayMs: (from) => 60 - jitter(from) });
    const out = await read({ config, streams: ['leads', 'sales'] });
    expect(out.code).toBe(0);
    expect(idsOf(out.messages, 'sales').sort()).toEqual(sales.map((r) => r.id).sort());
    expect(idsOf(out.messages, 'leads').sort()).toEqual(leads.map((r) => r.id).sort());
    assertCheckpointContract(out.messages, 'leads', leads, END);
    assertCheckpointContract(out.messages, 'sales', sales, END);
    expect(statesOf(out.messages, 'sales').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-05T00:00:00Z', changed_at: '2026-01-05T00:00:00Z' });
    // Both streams' windows were in flight together (the pool is shared, round-robin).
    const firstSales = fake.requests.findIndex((r) => r.path === 'sales');
    const lastLeads = fake.requests.map((r) => r.path).lastIndexOf('leads');
    expect(firstSales).toBeLessThan(lastLeads);
  });
});

describe('splitting a busy window when workers fall idle', () => {
  const DAY = 86_400_000;
  const splitConfig = { start_date: '2026-01-01', end_date: '2026-01-05', max_concurrency: 4, window_size_days: 1, page_size: 10 };
  /** Days 0–2: three leads each; day 3: 200 leads, one every 7 minutes (20 pages). */
  function denseLastDay(): FakeRecord[] {
    const records: FakeRecord[] = [];
    for (let day = 0; day < 3; day++) for (const minute of [0, 61, 239]) records.push(lead(`d${day}-${minute}`, iso(START + day * DAY + minute * 60_000)));
    for (let i = 0; i < 200; i++) records.push(lead(`dense-${String(i).padStart(3, '0')}`, iso(START + 3 * DAY + i * 7 * 60_000)));
    return records;
  }
  const isDenseChain = (from: number, to: number) => from === START + 3 * DAY && to === END;

  it('idle workers take the older part of the dense window; every record once, states never pass an open part', async () => {
    const fake = new FakeHyros();
    const records = denseLastDay();
    fake.serve('leads', records, { delayMs: (from) => (from >= START + 3 * DAY ? 15 : 1) });
    const out = await read({ config: splitConfig, streams: ['leads'] });
    expect(out.code).toBe(0);
    expect(idsOf(out.messages, 'leads').sort()).toEqual(records.map((r) => r.id).sort());
    assertCheckpointContract(out.messages, 'leads', records, END);
    expect(statesOf(out.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: iso(END), changed_at: iso(END) });
    // Windows beyond the four planned ones were requested, all inside day 3 and ending before its end.
    const planned = fake.windows('leads').filter(([from, to]) => ms(to) - ms(from) === DAY);
    const splits = fake.windows('leads').filter(([from, to]) => ms(to) - ms(from) < DAY);
    expect(planned).toHaveLength(4);
    expect(splits.length).toBeGreaterThan(0);
    for (const [from, to] of splits) {
      expect(ms(from)).toBeGreaterThanOrEqual(START + 3 * DAY);
      expect(ms(to)).toBeLessThan(END);
    }
    // The original dense chain stopped once it was past its narrowed start: fewer than its 20 pages.
    const denseChainPages = fake.requests.filter((r) => isDenseChain(ms(r.query.get('fromDate') as string), ms(r.query.get('toDate') as string))).length;
    expect(denseChainPages).toBeLessThan(20);
    // And splitting cost little: at most one partial page per split over the 20 + 3 pages the data needs.
    expect(fake.requests.length).toBeLessThanOrEqual(23 + splits.length);
  });

  it('a failed split-off part holds the state at its start; the next run resumes there and loses nothing', async () => {
    const fake = new FakeHyros();
    const records = denseLastDay();
    fake.serve('leads', records, {
      delayMs: (from) => (from >= START + 3 * DAY ? 15 : 1),
      failWith: { status: 500, body: { result: 'ERROR', message: ['Internal error'] } },
      // Only the oldest split-off part of day 3 fails (never the planned windows).
      failIf: (from, to) => from === START + 3 * DAY && to < END,
    });
    const first = await read({ config: splitConfig, streams: ['leads'] });
    expect(first.code).toBe(1);
    const states = statesOf(first.messages, 'leads');
    for (const state of states) expect(ms(state.stream.stream_state.occurred_at)).toBeLessThanOrEqual(START + 3 * DAY);
    const lastState = states.at(-1)?.stream.stream_state;
    expect(lastState).toEqual({ occurred_at: iso(START + 3 * DAY), changed_at: iso(END) });

    nock.cleanAll();
    const healthy = new FakeHyros();
    healthy.serve('leads', records);
    const second = await read({ config: { ...splitConfig, lookback_window_days: 0 }, streams: ['leads'], state: [{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: lastState } }] });
    expect(second.code).toBe(0);
    // The resume re-reads day 3 whole: together the runs emitted every record, and the second run
    // nothing before its cursor.
    const all = new Set([...idsOf(first.messages, 'leads'), ...idsOf(second.messages, 'leads')]);
    expect([...all].sort()).toEqual(records.map((r) => r.id).sort());
    expect(idsOf(second.messages, 'leads').sort()).toEqual(records.filter((r) => r.atMs >= START + 3 * DAY).map((r) => r.id).sort());
    expect(statesOf(second.messages, 'leads').at(-1)?.stream.stream_state).toMatchObject({ occurred_at: iso(END) });
  });
});
