/**
 * Every `--state` form Airbyte hands a source, through runRead: the saved cursor must
 * be found (first window = cursor − lookback) or, for the empty forms, the read starts at start_date.
 * Broken state files are config errors naming the file.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../src/common/errors.js';
import { parseState } from '../../../src/protocol/inputs.js';
import { FakeHyros, idsOf, lead, read, statesOf } from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

const CURSOR = '2026-01-05T12:00:00Z';
const LOOKBACK_START = '2026-01-04T12:00:00Z'; // CURSOR − 1 day
const config = { start_date: '2026-01-01', end_date: '2026-01-07', lookback_window_days: 1, window_size_days: 1, max_concurrency: 1 };
const leadsState = { occurred_at: CURSOR };
const streamState = (descriptor: Record<string, unknown>) => ({
  type: 'STREAM',
  stream: { stream_descriptor: descriptor, stream_state: leadsState },
});

const resumingForms: Array<[string, unknown]> = [
  ['array of STREAM states, descriptor without namespace', [streamState({ name: 'leads' })]],
  ['array of STREAM states, descriptor with namespace', [streamState({ name: 'leads', namespace: 'hyros' })]],
  ['array of STREAM states, null namespace', [streamState({ name: 'leads', namespace: null })]],
  ['array of {"type":"STATE","state":STREAM} envelopes', [{ type: 'STATE', state: streamState({ name: 'leads' }) }]],
  ['array of STREAM states with sourceStats, several streams', [
    { ...streamState({ name: 'leads' }), sourceStats: { recordCount: 3 } },
    { type: 'STREAM', stream: { stream_descriptor: { name: 'sales' }, stream_state: { occurred_at: '2026-01-02T00:00:00Z' } } },
  ]],
  ['one-element GLOBAL array', [{ type: 'GLOBAL', global: { shared_state: {}, stream_states: [{ stream_descriptor: { name: 'leads' }, stream_state: leadsState }] } }]],
  ['one-element GLOBAL array in a STATE envelope', [{ type: 'STATE', state: { type: 'GLOBAL', global: { stream_states: [{ stream_descriptor: { name: 'leads' }, stream_state: leadsState }] } } }]],
  ['legacy object keyed by stream name', { leads: leadsState, sales: { occurred_at: '2026-01-02T00:00:00Z' } }],
  ['legacy {"data": {...}} object', { data: { leads: leadsState } }],
  ['a single STREAM state object (not in an array)', streamState({ name: 'leads' })],
];

const emptyForms: Array<[string, unknown]> = [
  ['empty file', ''],
  ['whitespace-only file', '  \n'],
  ['[]', []],
  ['{}', {}],
  ['null', 'null'],
  ['a STREAM state whose stream_state is null (reset)', [{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: null } }]],
  ['a legacy state with an empty object for the stream', { leads: {} }],
];

describe('--state forms', () => {
  it.each(resumingForms)('%s → resumes leads from cursor − lookback', async (_name, state) => {
    const fake = new FakeHyros();
    fake.serve('leads', [lead('before', '2026-01-04T12:00:00Z'), lead('older', '2026-01-04T11:59:59Z'), lead('after', '2026-01-06T00:00:00Z')]);
    const out = await read({ config, streams: ['leads'], state });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(0);
    expect(fake.windows('leads')[0]?.[0]).toBe(LOOKBACK_START);
    expect(idsOf(out.messages, 'leads').sort()).toEqual(['after', 'before']);
    // The fake ignores updatedFromDate (like an API before v1.39): changed_at stays at the incoming cursor.
    expect(statesOf(out.messages, 'leads').at(-1)?.stream.stream_state).toEqual({ occurred_at: '2026-01-07T00:00:00Z', changed_at: CURSOR });
  });

  it.each(emptyForms)('%s → starts from start_date', async (_name, state) => {
    const fake = new FakeHyros();
    fake.serve('leads', [lead('first', '2026-01-01T00:00:00Z')]);
    const out = await read({ config, streams: ['leads'], state });
    expect(out.error).toBeUndefined();
    expect(out.code).toBe(0);
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-01T00:00:00Z');
    expect(idsOf(out.messages, 'leads')).toEqual(['first']);
  });

  it('no --state at all starts from start_date', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', []);
    const out = await read({ config, streams: ['leads'] });
    expect(out.code).toBe(0);
    expect(fake.windows('leads')[0]?.[0]).toBe('2026-01-01T00:00:00Z');
  });
});

describe('broken --state files', () => {
  const broken: Array<[string, unknown, RegExp]> = [
    ['invalid JSON', '[{"type": "STREAM",', /not valid JSON/],
    ['a cursor that is not a date', [{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { occurred_at: 'yesterday' } } }], /"yesterday".*not an ISO-8601/],
    ['a numeric cursor', { leads: { occurred_at: 1767225600000 } }, /not an ISO-8601/],
    [
      'a cursor with an impossible day',
      { leads: { occurred_at: '2026-02-29T00:00:00Z' } },
      /stream leads has occurred_at "2026-02-29T00:00:00Z", which is not a real date-time \(day 29 does not exist in February 2026, which has 28 days\)\. Fix or remove/,
    ],
    [
      'a cursor with an offset past 18:00',
      { leads: { occurred_at: '2026-01-02T00:00:00+99:00' } },
      /stream leads has occurred_at "2026-01-02T00:00:00\+99:00", which is not a real date-time \(offset \+99:00 is outside -18:00…\+18:00\)\. Fix or remove/,
    ],
    ['a STREAM state without a descriptor name', [{ type: 'STREAM', stream: { stream_state: leadsState } }], /stream_descriptor\.name/],
    ['a string', '"leads"', /expected a JSON array or object/],
  ];

  it.each(broken)('%s → config_error naming the state file, before any request', async (_name, state, message) => {
    const fake = new FakeHyros();
    fake.serve('leads', [lead('x', '2026-01-02T00:00:00Z')]);
    const out = await read({ config, streams: ['leads'], state });
    expect(out.code).toBeUndefined();
    expect(out.error).toBeInstanceOf(ConnectorError);
    const error = out.error as ConnectorError;
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`state file ${out.statePath}`);
    expect(error.message).toMatch(message);
    expect(fake.requests).toEqual([]);
    expect(out.messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE')).toEqual([]);
  });
});

describe('parseState', () => {
  it('keeps the per-stream objects of every form, other keys included', () => {
    const withAccounts = { occurred_at: CURSOR, accounts: { 'acc-1': { occurred_at: CURSOR } } };
    expect(parseState([{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: withAccounts } }], 's.json')).toEqual(
      new Map([['leads', withAccounts]]),
    );
    expect(parseState({ leads: leadsState, sales: null }, 's.json')).toEqual(new Map([['leads', leadsState], ['sales', null]]));
    expect(parseState(undefined, 's.json')).toEqual(new Map());
  });
});
