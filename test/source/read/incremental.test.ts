/**
 * Incremental leads/sales on occurred_at through the production `read` path (runRead → plan →
 * engine → HyrosClient → global fetch intercepted by nock): windows and their boundaries, paging,
 * lookback, resume, future cursors, statuses and failure handling.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertCheckpointContract,
  FakeHyros,
  idsOf,
  lead,
  logsOf,
  ms,
  read,
  recordsOf,
  sale,
  statesOf,
  statusesOf,
  type FakeRecord,
} from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

const stateArray = (cursors: Record<string, string>) =>
  Object.entries(cursors).map(([name, occurred_at]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: { occurred_at } },
  }));

describe('window splitting and boundary records', () => {
  const base = { start_date: '2026-01-01', end_date: '2026-01-04', window_size_days: 1, max_concurrency: 1, page_size: 2 };
  const inRange: FakeRecord[] = [
    lead('a-boundary', '2026-01-02T00:00:00Z'),
    lead('b-boundary', '2026-01-02T00:00:00Z'),
    lead('c-start', '2026-01-01T00:00:00Z'),
    lead('d-end', '2026-01-04T00:00:00Z'),
    lead('e-mid', '2026-01-03T12:00:00Z'),
    lead('f-before-midnight', '2026-01-01T23:59:59Z'),
    lead('g-midnight', '2026-01-03T00:00:00Z'),
  ];
  const outside = [lead('x-before', '2025-12-31T23:59:59Z'), lead('y-after', '2026-01-04T00:00:01Z')];

  it('sends one ISO-Z day window per day and emits each boundary record exactly once', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', [...inRange, ...outside]);
    const out = await read({ config: base, streams: ['leads'] });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(0);
    expect(fake.windows('leads')).toEqual([
      ['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'],
      ['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z'],
      ['2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z'],
    ]);
    // Hyros' bounds are inclusive, so the boundary records came back in two windows each.
    expect(idsOf(out.messages, 'leads').sort()).toEqual(inRange.map((r) => r.id).sort());
    const byId = new Map(recordsOf(out.messages, 'leads').map((r) => [r.id, r]));
    expect(byId.get('a-boundary')?.occurred_at).toBe('2026-01-02T00:00:00Z');
    expect(byId.get('c-start')?.occurred_at).toBe('2026-01-01T00:00:00Z');
    expect(byId.get('d-end')?.occurred_at).toBe('2026-01-04T00:00:00Z');
    expect(byId.get('d-end')?.creationDate).toBe('2026-01-04T00:00:00Z');
    expect(statesOf(out.messages, 'leads').map((s) => s.stream.stream_state)).toEqual([
      // A first run: every lead is read after the sync end was fixed, so changed_at is the sync end throughout.
      { occurred_at: '2026-01-02T00:00:00Z', changed_at: '2026-01-04T00:00:00Z' },
      { occurred_at: '2026-01-03T00:00:00Z', changed_at: '2026-01-04T00:00:00Z' },
      { occurred_at: '2026-01-04T00:00:00Z', changed_at: '2026-01-04T00:00:00Z' },
    ]);
    assertCheckpointContract(out.messages, 'leads', inRange, ms('2026-01-04T00:00:00Z'));
  });

  it('drops records a sloppy server returns from outside the window, without duplicates', async () => {
    const fake = new FakeHyros();
    // Every window answers with an extra hour on each side: neighbours' records and out-of-range ones.
    fake.serve('leads', [...inRange, ...outside], { slackMs: 3_600_000 });
    const out = await read({ config: base, streams: ['leads'] });
    expect(out.code).toBe(0);
    expect(idsOf(out.messages, 'leads').sort()).toEqual(inRange.map((r) => r.id).sort());
    assertCheckpointContract(out.messages, 'leads', inRange, ms('2026-01-04T00:00:00Z'));
  });

  it('includes a record exactly at an end_date that is a date-time, not a day', async () => {
    const fake = new FakeHyros();
    const records = [lead('at-end', '2026-01-02T10:20:30Z'), lead('after-end', '2026-01-02T10:20:31Z'), lead('at-start', '2026-01-01T08:00:00Z')];
    fake.serve('leads', records);
    const out = await read({ config: { ...base, start_date: '2026-01-01T08:00:00Z', end_date: '2026-01-02T10:20:30Z' }, streams: ['leads'] });
    expect(idsOf(out.messages, 'leads').sort()).toEqual(['at-end', 'at-start']);
    const windows = fake.windows('leads');
    expect(windows[0]?.[0]).toBe('2026-01-01T08:00:00Z');
    expect(windows[windows.length - 1]?.[1]).toBe('2026-01-02T10:20:30Z');
    for (const [from, to] of windows) {
      expect(from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(to).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    expect(statesOf(out.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-02T10:20:30Z', changed_at: '2026-01-02T10:20:30Z' });
  });

  it('pages newest-first windows to the end over nextPageId and emits every record', async () => {
    const fake = new FakeHyros();
    const records: FakeRecord[] = [];
    for (let day = 1; day <= 2; day++) {
      for (let i = 0; i < 7; i++) records.push(sale(`s${day}-${i}`, `2026-01-0${day}T${String(10 + i).padStart(2, '0')}:00:00Z`));
    }
    fake.serve('sales', records);
    const out = await read({ config: { ...base, end_date: '2026-01-03', page_size: 3 }, streams: ['sales'] });
    expect(out.code).toBe(0);
    const salesRequests = fake.requests.filter((r) => r.path === 'sales');
    // 7 records per window at 3 per page: 3 pages per window, the 2nd and 3rd carry the pageId.
    expect(salesRequests).toHaveLength(6);
    expect(salesRequests.filter((r) => r.query.get('pageId') !== null).map((r) => r.query.get('pageId')).sort()).toEqual(['p3', 'p3', 'p6', 'p6']);
    for (const r of salesRequests) expect(r.query.get('pageSize')).toBe('3');
    expect(idsOf(out.messages, 'sales').sort()).toEqual(records.map((r) => r.id).sort());
    // Newest first within a window, as Hyros sent them; the older window's records come first.
    expect(idsOf(out.messages, 'sales')).toEqual(['s1-6', 's1-5', 's1-4', 's1-3', 's1-2', 's1-1', 's1-0', 's2-6', 's2-5', 's2-4', 's2-3', 's2-2', 's2-1', 's2-0']);
    expect(statesOf(out.messages, 'sales').map((s) => s.sourceStats.recordCount)).toEqual([7, 7]);
    assertCheckpointContract(out.messages, 'sales', records, ms('2026-01-03T00:00:00Z'));
  });
});

describe('lookback and resume', () => {
  const records = [
    lead('old', '2026-01-06T23:00:00Z'),
    lead('just-before-lookback', '2026-01-07T05:59:59Z'),
    lead('at-lookback', '2026-01-07T06:00:00Z'),
    lead('in-lookback', '2026-01-09T00:00:00Z'),
    lead('at-cursor', '2026-01-10T06:00:00Z'),
    lead('new', '2026-01-11T00:00:00Z'),
  ];

  it('starts the first window at the saved occurred_at minus lookback_window_days', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 3, window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      state: stateArray({ leads: '2026-01-10T06:00:00Z' }),
    });
    expect(out.code).toBe(0);
    const windows = fake.windows('leads');
    expect(windows[0]?.[0]).toBe('2026-01-07T06:00:00Z');
    expect(windows.at(-1)?.[1]).toBe('2026-01-12T00:00:00Z');
    expect(idsOf(out.messages, 'leads').sort()).toEqual(['at-cursor', 'at-lookback', 'in-lookback', 'new']);
    // The fake ignores updatedFromDate (an API before v1.39): changed_at stays at the incoming cursor.
    expect(statesOf(out.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-12T00:00:00Z', changed_at: '2026-01-10T06:00:00Z' });
    assertCheckpointContract(out.messages, 'leads', records.slice(2), ms('2026-01-12T00:00:00Z'));
  });

  it('never reports a cursor below the saved one while the lookback is re-read; a failure there keeps it', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const config = { start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 3, window_size_days: 1, max_concurrency: 1 };
    const out = await read({ config, streams: ['leads'], state: stateArray({ leads: '2026-01-10T06:00:00Z' }) });
    const states = statesOf(out.messages, 'leads').map((s) => [s.stream.stream_state.occurred_at, s.sourceStats.recordCount]);
    // Windows (1 day from 01-07T06:00) ending before the saved cursor give no state; the first
    // state, past the cursor, counts the lookback records re-read before it.
    expect(states).toEqual([
      ['2026-01-11T06:00:00Z', 4],
      ['2026-01-12T00:00:00Z', 0],
    ]);
    nock.cleanAll();

    const failing = new FakeHyros();
    failing.serve('leads', records, {
      failWith: { status: 500, body: { result: 'ERROR', message: ['Internal error'] } },
      failIf: (fromMs) => fromMs >= ms('2026-01-09T06:00:00Z'),
    });
    const failed = await read({ config, streams: ['leads'], state: stateArray({ leads: '2026-01-10T06:00:00Z' }) });
    expect(failed.code).toBe(1);
    // Only lookback windows completed: no state at all, so the next run resumes from the saved cursor.
    expect(statesOf(failed.messages, 'leads')).toEqual([]);
  });

  it('a rerun that cannot move past its saved cursor reports its re-read progress', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 2, window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      state: stateArray({ leads: '2026-01-12T00:00:00Z' }),
    });
    const states = statesOf(out.messages, 'leads').map((s) => s.stream.stream_state.occurred_at);
    expect(states).toEqual(['2026-01-11T00:00:00Z', '2026-01-12T00:00:00Z']);
    assertCheckpointContract(out.messages, 'leads', records.filter((r) => r.atMs >= ms('2026-01-10T00:00:00Z')), ms('2026-01-12T00:00:00Z'));
  });

  it('lets a start_date later than cursor minus lookback win', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const out = await read({
      config: { start_date: '2026-01-09', end_date: '2026-01-12', lookback_window_days: 3, window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      state: stateArray({ leads: '2026-01-10T06:00:00Z' }),
    });
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-09T00:00:00Z');
    expect(idsOf(out.messages, 'leads').sort()).toEqual(['at-cursor', 'in-lookback', 'new']);
  });

  it('with lookback 0 resumes exactly at the cursor (a record at the cursor is re-read)', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 0, window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      state: stateArray({ leads: '2026-01-10T06:00:00Z' }),
    });
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-10T06:00:00Z');
    expect(idsOf(out.messages, 'leads').sort()).toEqual(['at-cursor', 'new']);
  });

  it('a cursor in the future yields zero records and a state that is not in the future', async () => {
    const fake = new FakeHyros();
    const now = Date.now();
    // Recent data the lookback would cover if it were counted back from "now" instead of the cursor.
    fake.serve('leads', [lead('recent', new Date(now - 3_600_000).toISOString()), lead('yesterday', new Date(now - 86_400_000).toISOString())]);
    const before = Date.now();
    const out = await read({
      config: { start_date: '2026-01-01', lookback_window_days: 3 },
      streams: ['leads'],
      state: stateArray({ leads: '2099-01-01T00:00:00Z' }),
    });
    const after = Date.now();
    expect(out.code).toBe(0);
    expect(recordsOf(out.messages, 'leads')).toEqual([]);
    const states = statesOf(out.messages, 'leads');
    expect(states.length).toBeGreaterThanOrEqual(1);
    for (const state of states) {
      const cursor = ms(state.stream.stream_state.occurred_at);
      expect(cursor).toBeLessThanOrEqual(after);
      expect(cursor).toBeGreaterThanOrEqual(before - 1000);
      expect(state.sourceStats.recordCount).toBe(0);
    }
    expect(statusesOf(out.messages, 'leads')).toEqual(['STARTED', 'COMPLETE']);
  });

  it('ignores the state of streams that are not in the catalog', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', records);
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-12', lookback_window_days: 1, window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      state: stateArray({ leads: '2026-01-10T00:00:00Z', sales: '2026-01-05T00:00:00Z', no_such_stream: '2026-01-01T00:00:00Z' }),
    });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(0);
    expect(fake.requests.every((r) => r.path === 'leads')).toBe(true);
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-09T00:00:00Z');
    const named = new Set(out.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_descriptor.name));
    expect([...named]).toEqual(['leads']);
  });
});

describe('statuses, failures and every stream checkpoints', () => {
  it('STARTED → RUNNING → COMPLETE; a failing stream is INCOMPLETE with a stream ERROR; exit code 1', async () => {
    const fake = new FakeHyros();
    const leads = [lead('l1', '2026-01-01T10:00:00Z'), lead('l2', '2026-01-02T10:00:00Z')];
    fake.serve('leads', leads);
    fake.serve('sales', [], { failWith: { status: 403, body: { result: 'ERROR', message: ['Missing role GET_SALES'] } } });
    fake.serve('calls', []);
    nock('https://api.hyros.test')
      .persist()
      .get('/v1/api/v1.0/stages')
      .query(true)
      .reply(200, { result: [{ name: 'lead', amount: null }, { name: 'customer', amount: 10 }], request_id: 'x' });
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-03', window_size_days: 1, max_concurrency: 2 },
      streams: ['leads', 'sales', 'calls', 'stages'],
    });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(1);

    expect(statusesOf(out.messages, 'leads')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    const firstRecord = out.messages.findIndex((m) => m.type === 'RECORD' && m.record.stream === 'leads');
    const running = out.messages.findIndex((m) => m.type === 'TRACE' && m.trace.stream_status?.status === 'RUNNING' && m.trace.stream_status.stream_descriptor.name === 'leads');
    expect(running).toBeGreaterThanOrEqual(0);
    expect(running).toBeLessThan(firstRecord);
    assertCheckpointContract(out.messages, 'leads', leads, ms('2026-01-03T00:00:00Z'));
    expect(statesOf(out.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-03T00:00:00Z', changed_at: '2026-01-03T00:00:00Z' });

    expect(statusesOf(out.messages, 'sales')).toEqual(['STARTED', 'INCOMPLETE']);
    expect(statesOf(out.messages, 'sales')).toEqual([]);
    const errors = out.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.trace.error.stream_descriptor).toEqual({ name: 'sales' });
    expect(errors[0]?.trace.error.failure_type).toBe('config_error');
    expect(errors[0]?.trace.error.message).toContain('GET_SALES');
    expect(errors[0]?.trace.error.message).not.toContain('test-key');

    // An empty incremental stream still checkpoints, at the sync end, with recordCount 0.
    expect(statusesOf(out.messages, 'calls')).toEqual(['STARTED', 'COMPLETE']);
    // (2 workers over 3 windowed streams: the minimum of two windows a stream, 1-day windows here,
    // one state per window.)
    expect(statesOf(out.messages, 'calls').map((s) => [s.stream.stream_state, s.sourceStats.recordCount])).toEqual([
      [{ occurred_at: '2026-01-02T00:00:00Z' }, 0],
      [{ occurred_at: '2026-01-03T00:00:00Z' }, 0],
    ]);
    // A full-refresh stream ends with the no-cursor state counting its records.
    expect(statusesOf(out.messages, 'stages')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(statesOf(out.messages, 'stages').map((s) => [s.stream.stream_state, s.sourceStats.recordCount])).toEqual([
      [{ __ab_no_cursor_state_message: true }, 2],
    ]);
    expect(recordsOf(out.messages, 'stages').map((r) => r.occurred_at)).toEqual([undefined, undefined]);
  });

  it('a stream run in full_refresh keeps its records and occurred_at but reads from start_date despite a state', async () => {
    const fake = new FakeHyros();
    const leads = [lead('l1', '2026-01-01T10:00:00Z'), lead('l2', '2026-01-02T10:00:00Z')];
    fake.serve('leads', leads);
    const out = await read({
      config: { start_date: '2026-01-01', end_date: '2026-01-03', window_size_days: 1, max_concurrency: 1 },
      streams: ['leads'],
      fullRefresh: ['leads'],
      state: stateArray({ leads: '2026-01-02T12:00:00Z' }),
    });
    expect(out.code).toBe(0);
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-01T00:00:00Z');
    expect(idsOf(out.messages, 'leads')).toEqual(['l1', 'l2']);
    expect(recordsOf(out.messages, 'leads').map((r) => r.occurred_at)).toEqual(['2026-01-01T10:00:00Z', '2026-01-02T10:00:00Z']);
    assertCheckpointContract(out.messages, 'leads', leads, ms('2026-01-03T00:00:00Z'));
  });
});

describe('401 answers', () => {
  it('a bare 401 (older Hyros: key lacks the role) fails only its stream; "Api key not valid" stops every stream, reported once', async () => {
    const bare = new FakeHyros();
    bare.serve('leads', [lead('l1', '2026-01-01T10:00:00Z')]);
    bare.serve('calls', [], { failWith: { status: 401, body: { message: ['Unauthorized'] } } });
    const one = await read({ config: { start_date: '2026-01-01', end_date: '2026-01-03', max_concurrency: 1 }, streams: ['leads', 'calls'] });
    expect(one.code).toBe(1);
    expect(statusesOf(one.messages, 'leads')).toEqual(['STARTED', 'RUNNING', 'COMPLETE']);
    expect(statusesOf(one.messages, 'calls')).toEqual(['STARTED', 'INCOMPLETE']);
    const callsError = one.messages.find((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')?.trace.error;
    expect(callsError?.message).toBe(
      'Stream calls failed: Hyros answered HTTP 401: Unauthorized for GET /calls: the API key is missing or invalid, or lacks the role this endpoint needs. Check the key and its roles under Settings → API in Hyros.',
    );
    nock.cleanAll();

    const rejected = new FakeHyros();
    rejected.serve('leads', [lead('l1', '2026-01-01T10:00:00Z')], { delayMs: () => 200 });
    rejected.serve('calls', [], { failWith: { status: 401, body: { result: 'ERROR', message: ['Api key not valid'] } } });
    const all = await read({ config: { start_date: '2026-01-01', end_date: '2026-01-03', max_concurrency: 2 }, streams: ['leads', 'calls'] });
    expect(statusesOf(all.messages, 'leads').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(all.messages, 'calls').at(-1)).toBe('INCOMPLETE');
    // One cause: no stream reports it; read throws it once (the runner turns it into the one TRACE ERROR).
    expect(all.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(all.code).toBeUndefined();
    expect(all.error).toMatchObject({
      failureType: 'config_error',
      keyRejected: true,
      message: 'Hyros rejected the API key (HTTP 401: Api key not valid). Check the API key under Settings → API in Hyros.',
    });
    expect(logsOf(all.messages, 'ERROR')).toEqual([]);
  });

  it('a bare 401 on the first request of every stream is the key: one error naming each endpoint, no error per stream', async () => {
    const fake = new FakeHyros();
    for (const stream of ['leads', 'sales', 'calls']) fake.serve(stream, [], { failWith: { status: 401, body: { message: ['Unauthorized'] } } });
    const out = await read({ config: { start_date: '2026-01-01', end_date: '2026-01-03', max_concurrency: 2 }, streams: ['leads', 'sales', 'calls'] });
    for (const stream of ['leads', 'sales', 'calls']) expect(statusesOf(out.messages, stream)).toEqual(['STARTED', 'INCOMPLETE']);
    expect(out.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR')).toEqual([]);
    expect(out.error).toMatchObject({
      failureType: 'config_error',
      message:
        'Hyros answered HTTP 401 (Unauthorized) to the first request of every stream (GET /calls, GET /leads, GET /sales): the API key is not valid, or has none of the roles these streams need. Check the API key and its roles under Settings → API in Hyros.',
    });
  });
});
