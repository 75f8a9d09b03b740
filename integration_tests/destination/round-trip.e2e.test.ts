/**
 * Round trip: orders, leads and calls written with destination-hyros, processed by the sandbox,
 * then read back with source-hyros and compared field by field (email, orderId, amounts, and the
 * instant of `date` = the source's `occurred_at`), whatever offset or timezone the input used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, recordsOf, runCli } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { record, runWrite, streamState, type Row } from './support.js';

let sandbox: Sandbox;
const files = new TempFiles();
beforeAll(async () => {
  assertBuilt();
  sandbox = await startSandbox({ processingDelayMs: 150 });
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

// Dates in three forms: UTC, an explicit offset, and naive (read in the configured America/Chicago).
const orders: Row[] = [
  { email: 'rt.ann@example.com', sale_id: 'RT-1', amount: '49.90', currency: 'USD', occurred_at: '2026-02-11T15:04:05Z', product: 'Pro plan' },
  { email: 'rt.bob@example.com', order_id: 'RT-2', occurred_at: '2026-02-12T09:30:00+05:30', items: [{ name: 'Starter kit', price: 19.5, quantity: 2 }, { name: 'Shipping box', price: '3.25' }] },
  { email: 'rt.cid@example.com', sale_id: 'RT-3', amount: 120, occurred_at: '2026-02-13 08:00:00', product: 'Coaching' },
];
const expectedInstants = ['2026-02-11T15:04:05Z', '2026-02-12T04:00:00Z', '2026-02-13T14:00:00Z'];
const leads: Row[] = [{ email: 'rt.lead@example.com', first_name: 'Rita', last_name: 'Tran', tags: ['@newsletter'], occurred_at: '2026-02-14T10:00:00Z' }];
const calls: Row[] = [{ external_id: 'RT-CALL-1', name: 'Closing call', email: 'rt.ann@example.com', occurred_at: '2026-02-15T16:45:00-06:00', state: 'QUALIFIED' }];

describe('round trip: destination-hyros → Hyros → source-hyros', () => {
  it('reads back what was written, field by field', async () => {
    const input = [
      ...orders.map((o) => record('orders', o)), streamState('orders', 3, 3),
      ...leads.map((l) => record('leads', l)), streamState('leads', 1, 1),
      ...calls.map((c) => record('calls', c)), streamState('calls', 1, 1),
    ];
    const written = await runWrite(sandbox, input, { streams: ['orders', 'leads', 'calls'], config: { timezone: 'America/Chicago' } });
    expect(written.code).toBe(0);
    expect(written.states).toHaveLength(3);
    await sandbox.settle();

    const config = files.write('source.json', { api_key: 'sandbox-key', base_url: sandbox.baseUrl, start_date: '2026-01-01', end_date: '2026-03-01' });
    const catalog = files.write('catalog.json', catalogFor(['sales', 'leads', 'calls'], { fullRefresh: true }));
    const read = await runCli(['read', '--config', config, '--catalog', catalog], { timeoutMs: 60_000 });
    expect(read.code).toBe(0);

    const sales = recordsOf(read.messages, 'sales').map((r) => r.data).filter((s) => String(s.orderId).startsWith('RT-'));
    const byOrder = (id: string) => sales.filter((s) => s.orderId === id);
    expect(byOrder('RT-1').map((s) => [s.lead.email, s.price.price, s.quantity, s.occurred_at])).toEqual([['rt.ann@example.com', 49.9, 1, expectedInstants[0]]]);
    expect(byOrder('RT-2').map((s) => [s.lead.email, s.price.price, s.quantity, s.occurred_at]).sort()).toEqual([
      ['rt.bob@example.com', 19.5, 2, expectedInstants[1]],
      ['rt.bob@example.com', 3.25, 1, expectedInstants[1]],
    ].sort());
    expect(byOrder('RT-3').map((s) => [s.lead.email, s.price.price, s.price.currency, s.occurred_at])).toEqual([['rt.cid@example.com', 120, 'USD', expectedInstants[2]]]);
    expect(sales).toHaveLength(4);

    const lead = recordsOf(read.messages, 'leads').map((r) => r.data).filter((l) => l.email === 'rt.lead@example.com');
    expect(lead.map((l) => [l.firstName, l.lastName, l.tags])).toEqual([['Rita', 'Tran', ['@newsletter']]]);

    const call = recordsOf(read.messages, 'calls').map((r) => r.data).filter((c) => c.externalId === 'RT-CALL-1');
    expect(call.map((c) => [c.name, c.lead.email, c.state, c.occurred_at])).toEqual([['Closing call', 'rt.ann@example.com', 'QUALIFIED', '2026-02-15T22:45:00Z']]);
  });
});
