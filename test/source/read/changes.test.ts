/** The change pass a run plans from its state (src/source/read/changes.ts): when, which query, which records. */
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/source/config.js';
import { changePass } from '../../../src/source/read/changes.js';
import type { ChangeTracking } from '../../../src/source/streams/declaration.js';
import { STREAMS } from '../../../src/source/streams/definitions.js';

const ms = (iso: string) => Date.parse(iso);
const config = resolveConfig({ api_key: 'k', start_date: '2026-01-01', lookback_window_days: 3, refund_lookback_days: 30 });
const END = ms('2026-03-01T00:00:00Z');
const windowsFrom = (startIso: string) => [{ startMs: ms(startIso), endMs: END, inclusiveEnd: true }];
const tracking = (name: string): ChangeTracking => {
  const partitioning = STREAMS.find((s) => s.name === name)?.partitioning;
  if (partitioning?.kind !== 'date-windows' || !partitioning.changes) throw new Error(`${name} tracks no changes`);
  return partitioning.changes;
};
const input = (over: object = {}) => ({ config, syncEndMs: END, windows: windowsFrom('2026-02-15T00:00:00Z'), cursorSource: 'creationDate', savedMs: ms('2026-02-18T00:00:00Z'), ...over });

describe('change pass planning', () => {
  it('a first sync has none: changed_at is the sync end from the start', () => {
    expect(changePass(tracking('leads'), input({ savedMs: undefined }))).toEqual({ plan: { initialMs: undefined, completedMs: END, pass: false } });
  });

  it('leads: updated since changed_at − lookback, created before the windows; a record older than asked means the API ignored the filter', () => {
    const { plan, query } = changePass(tracking('leads'), input({ changedMs: ms('2026-02-20T00:00:00Z') }));
    expect(plan).toEqual({ initialMs: ms('2026-02-20T00:00:00Z'), completedMs: END, pass: true });
    expect(query?.params).toEqual([
      ['fromDate', '2026-01-01T00:00:00Z'],
      ['toDate', '2026-02-15T00:00:00Z'],
      ['updatedFromDate', '2026-02-17T00:00:00Z'],
      ['updatedToDate', '2026-03-01T00:00:00Z'],
    ]);
    expect(query?.check({ creationDate: '2026-01-10T00:00:00-05:00', lastUpdatedDate: '2026-02-18T00:00:00Z' })).toBe('keep');
    expect(query?.check({ creationDate: '2026-02-15T00:00:00Z', lastUpdatedDate: '2026-02-18T00:00:00Z' })).toBe('skip');
    expect(query?.check({ creationDate: '2026-01-10T00:00:00Z', lastUpdatedDate: '2026-01-11T00:00:00Z' })).toBe('filter-ignored');
    expect(query?.check({ creationDate: '2026-01-10T00:00:00Z' })).toBe('filter-ignored');
  });

  it('a state without changed_at counts from its occurred_at; a cursor in the future plans nothing', () => {
    expect(changePass(tracking('leads'), input()).query?.params).toContainEqual(['updatedFromDate', '2026-02-15T00:00:00Z']);
    expect(changePass(tracking('leads'), input({ savedMs: ms('2099-01-01T00:00:00Z'), windows: [] }))).toEqual({ plan: { initialMs: END, completedMs: END, pass: false } });
  });

  it('sales: refunded sales of the last refund_lookback_days, emitted when refunded since changed_at − lookback and not after the sync end', () => {
    const { query } = changePass(tracking('sales'), input());
    expect(query?.params).toEqual([
      ['fromDate', '2026-01-30T00:00:00Z'],
      ['toDate', '2026-02-15T00:00:00Z'],
      ['saleRefundedState', 'REFUNDED'],
    ]);
    const sale = (created: string, refunded?: string) => ({ creationDate: created, ...(refunded ? { refundDate: refunded } : {}) });
    expect(query?.check(sale('Sun Feb 01 10:00:00 UTC 2026', 'Mon Feb 16 10:00:00 UTC 2026'))).toBe('keep');
    expect(query?.check(sale('Sun Feb 01 10:00:00 UTC 2026', 'Fri Feb 13 10:00:00 UTC 2026'))).toBe('skip');
    expect(query?.check(sale('Sun Feb 01 10:00:00 UTC 2026', 'Tue Mar 03 10:00:00 UTC 2026'))).toBe('skip');
    expect(query?.check(sale('Sun Jan 25 10:00:00 UTC 2026', 'Mon Feb 16 10:00:00 UTC 2026'))).toBe('skip');
    expect(changePass(tracking('sales'), input({ config: { ...config, refund_lookback_days: 0 } })).plan.pass).toBe(false);
  });

  it('subscriptions: a scheduled end after the sync end still counts, and one without any date is always emitted', () => {
    const { query } = changePass(tracking('subscriptions'), input({ cursorSource: 'startDate' }));
    expect(query?.params).toContainEqual(['subscriptionStates', 'CANCELED,PAST_DUE,INCOMPLETE,INCOMPLETE_EXPIRED,UNPAID,COMPLETED,PAUSED']);
    expect(query?.check({ startDate: 'Sat Jan 10 10:00:00 UTC 2026', cancelAtDate: 'Wed Apr 01 00:00:00 UTC 2026' })).toBe('keep');
    expect(query?.check({ startDate: 'Sat Jan 10 10:00:00 UTC 2026', cancelAtDate: null, endDate: 'Sat Jan 31 00:00:00 UTC 2026' })).toBe('skip');
    expect(query?.check({ startDate: 'Sat Jan 10 10:00:00 UTC 2026', status: 'PAUSED' })).toBe('keep');
    // Started inside the windows: they read it.
    expect(query?.check({ startDate: 'Mon Feb 16 10:00:00 UTC 2026', status: 'PAUSED' })).toBe('skip');
  });
});
