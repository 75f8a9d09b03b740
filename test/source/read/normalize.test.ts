/**
 * Records through `read`: every declared timestamp, top level and nested, becomes ISO-8601 UTC
 * with Z whatever form Hyros sent; a value that is no timestamp is kept as sent and reported once
 * per field in a WARN log.
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeHyros, javaDate, logsOf, ms, read, recordsOf, type FakeRecord } from './harness.js';

afterEach(() => {
  nock.cleanAll();
});

const config = { start_date: '2026-02-01', end_date: '2026-02-05', window_size_days: 1, max_concurrency: 1 };
const AT = ms('2026-02-02T22:31:56Z');

describe('timestamp normalisation in records', () => {
  it('normalises nested lead timestamps (ISO with offsets) to UTC Z', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', [
      {
        id: 'l1',
        atMs: AT,
        data: {
          id: 'l1',
          email: 'a@example.com',
          creationDate: '2026-02-02T17:31:56-05:00',
          lastUpdatedDate: '2026-02-03T09:12:00+05:30',
          currentStage: { name: 'stage1', date: '2026-02-03T01:00:00-05:00' },
          firstSource: { name: 'fb', tag: '@fb', clickDate: '2026-02-01T22:14:07-05:00', organic: false },
          lastSource: { name: 'g', tag: '@g', clickDate: 'Mon Feb 02 20:00:00 CET 2026' },
          originLead: { id: 'o1', email: 'o@example.com', creationDate: '2025-12-30T09:12:00-05:00', isOriginLead: true },
        },
      },
    ]);
    const out = await read({ config, streams: ['leads'] });
    expect(out.code).toBe(0);
    expect(recordsOf(out.messages, 'leads')).toEqual([
      {
        id: 'l1',
        email: 'a@example.com',
        creationDate: '2026-02-02T22:31:56Z',
        lastUpdatedDate: '2026-02-03T03:42:00Z',
        currentStage: { name: 'stage1', date: '2026-02-03T06:00:00Z' },
        firstSource: { name: 'fb', tag: '@fb', clickDate: '2026-02-02T03:14:07Z', organic: false },
        lastSource: { name: 'g', tag: '@g', clickDate: '2026-02-02T19:00:00Z' },
        originLead: { id: 'o1', email: 'o@example.com', creationDate: '2025-12-30T14:12:00Z', isOriginLead: true },
        occurred_at: '2026-02-02T22:31:56Z',
      },
    ]);
    expect(logsOf(out.messages, 'WARN').filter((m) => /not a timestamp/.test(m))).toEqual([]);
  });

  it('normalises Java dates in sales (creationDate, refundDate, lead.creationDate, clickDate) and epoch ms', async () => {
    const fake = new FakeHyros();
    fake.serve('sales', [
      {
        id: 'sle-1',
        atMs: AT,
        data: {
          id: 'sle-1',
          creationDate: javaDate(AT, 'PST', -480),
          refundDate: 'Tue Feb 03 10:00:00 BRT 2026',
          lead: { id: 'l1', email: 'a@example.com', creationDate: 'Mon Feb 02 17:39:13 EST 2026' },
          firstSource: { name: 'fb', clickDate: 'Sun Feb 01 08:00:00 GMT+05:30 2026' },
          lastSource: { name: 'g', clickDate: 1769990400000 },
          price: { price: 84.34, hardCost: null },
        },
      },
    ]);
    const out = await read({ config, streams: ['sales'] });
    expect(out.code).toBe(0);
    const [record] = recordsOf(out.messages, 'sales');
    expect(record).toMatchObject({
      creationDate: '2026-02-02T22:31:56Z',
      occurred_at: '2026-02-02T22:31:56Z',
      refundDate: '2026-02-03T13:00:00Z',
      lead: { creationDate: '2026-02-02T22:39:13Z' },
      firstSource: { clickDate: '2026-02-01T02:30:00Z' },
      lastSource: { clickDate: '2026-02-02T00:00:00Z' },
      price: { price: 84.34, hardCost: null },
    });
  });

  it('keeps an unparseable value as sent and warns once per field', async () => {
    const fake = new FakeHyros();
    const bad = (id: string, at: string): FakeRecord => ({
      id,
      atMs: ms(at),
      data: { id, creationDate: javaDate(ms(at)), refundDate: 'soon', lastSource: { clickDate: 'n/a' }, lead: { creationDate: '' } },
    });
    fake.serve('sales', [bad('s1', '2026-02-01T10:00:00Z'), bad('s2', '2026-02-02T10:00:00Z'), bad('s3', '2026-02-03T10:00:00Z')]);
    const out = await read({ config, streams: ['sales'] });
    expect(out.code).toBe(0);
    const records = recordsOf(out.messages, 'sales');
    expect(records).toHaveLength(3);
    for (const r of records) {
      expect(r.refundDate).toBe('soon');
      expect(r.lastSource.clickDate).toBe('n/a');
      expect(r.lead.creationDate).toBe('');
      expect(r.creationDate).toMatch(/^2026-02-0\dT10:00:00Z$/);
    }
    const warnings = logsOf(out.messages, 'WARN').filter((m) => /not a timestamp/.test(m));
    expect(warnings).toHaveLength(2);
    expect(warnings.filter((m) => m.includes('refundDate') && m.includes('"soon"'))).toHaveLength(1);
    expect(warnings.filter((m) => m.includes('lastSource.clickDate') && m.includes('"n/a"'))).toHaveLength(1);
  });

  it('keeps a record whose cursor field is unparseable, creationDate as sent, and warns once', async () => {
    const fake = new FakeHyros();
    fake.serve('leads', [
      { id: 'l1', atMs: ms('2026-02-03T10:00:00Z'), data: { id: 'l1', creationDate: '03/02/2026 10:00' } },
      { id: 'l2', atMs: ms('2026-02-03T11:00:00Z'), data: { id: 'l2', creationDate: '03/02/2026 11:00' } },
    ]);
    const out = await read({ config, streams: ['leads'] });
    const records = recordsOf(out.messages, 'leads');
    expect(records.map((r) => r.creationDate).sort()).toEqual(['03/02/2026 10:00', '03/02/2026 11:00']);
    for (const r of records) expect(r.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(logsOf(out.messages, 'WARN').filter((m) => m.includes('creationDate'))).toHaveLength(1);
  });
});
