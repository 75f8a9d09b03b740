/**
 * The other objects and modes end to end: refunds (after their order in one input, absolute amounts
 * that a replay does not double, an unknown order), subscriptions and carts under the same key twice
 * and under ambiguous faults, confirmed writes (FAILED requests become rejected records), and agency
 * writes into a client account.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../test/helpers/cli.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { killPastState, logs, orderRow, record, runWrite, streamInput, streamState, traceErrors, type Row } from './support.js';

let sandbox: Sandbox | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const refundedOf = (sb: Sandbox, orderId: string): number[] =>
  sb.entityRecords('order', orderId).flat().map((sale) => (sale.price as { refunded: number }).refunded);

const subscription = (i: number, status = 'ACTIVE'): Row => ({
  subscription_id: `sub-${i}`, email: `sub${i}@example.com`, status, occurred_at: '2026-02-01T00:00:00Z', price: '29.00', periodicity: 'MONTH', name: 'Pro monthly',
});
const cart = (i: number, amount = 10): Row => ({ cart_id: `cart-${i}`, email: `cart${i}@example.com`, product: `Cart item ${i}`, amount, occurred_at: '2026-02-03T10:00:00Z' });

describe('refunds', () => {
  it('a refund after its order in one input waits for the order to be processed, and its total amount is applied once, also on a replay', async () => {
    sandbox = await startSandbox({ processingDelayMs: 300 });
    const order: Row = { ...orderRow(0), items: [{ name: 'Course', price: 100 }, { name: 'Workbook', price: 20 }] };
    delete order.amount;
    delete order.product;
    const input = [
      record('orders', order), streamState('orders', 1, 1),
      record('refunds', { order_id: order.sale_id, refunded_amount: '30.00' }), streamState('refunds', 1, 1),
    ];
    const first = await runWrite(sandbox, input, { streams: ['orders', 'refunds'] });
    expect(traceErrors(first)).toEqual([]);
    expect(first.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 1, rejectedRecordCount: 0 }, { recordCount: 1, rejectedRecordCount: 0 }]);
    await sandbox.settle();
    expect(refundedOf(sandbox, 'S-1000')).toEqual([30, 0]);
    // The same refund again (a replay): the order's total refunded stays 30.
    const replay = await runWrite(sandbox, input.slice(2), { streams: ['refunds'] });
    expect(replay.code).toBe(0);
    await sandbox.settle();
    expect(refundedOf(sandbox, 'S-1000')).toEqual([30, 0]);
    // A later, larger total refunds the rest of the first line and part of the second.
    await runWrite(sandbox, [record('refunds', { order_id: 'S-1000', amount: 110 }), streamState('refunds', 2, 1)], { streams: ['refunds'] });
    await sandbox.settle();
    expect(refundedOf(sandbox, 'S-1000')).toEqual([100, 10]);
    expect(sandbox.duplicates()).toEqual([]);
  });

  it('a refund of an order Hyros does not know is rejected with a reason that says so', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100 });
    const result = await runWrite(sandbox, [record('refunds', { order_id: 'NEVER-SENT', refunded_amount: 5 }), streamState('refunds', 1, 1)], { streams: ['refunds'], config: { max_rejected_percent: 100 } });
    expect(result.code).toBe(0);
    expect(result.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 0, rejectedRecordCount: 1 }]);
    expect(logs(result, 'WARN')).toContain(
      'Hyros rejected refund record of stream refunds (order:NEVER-SENT): HTTP 400: Order not found: NEVER-SENT. Hyros does not know order NEVER-SENT (yet): a refund applies only to an order Hyros has processed. Send the order first; in the same input a refund waits for its order.',
    );
  });
});

describe('subscriptions and carts', () => {
  it('the same subscription and cart twice in one input, under lost answers: updated, never duplicated, nothing lost', async () => {
    sandbox = await startSandbox({
      processingDelayMs: 200,
      faults: [{ kind: 'accept-then-drop', path: '/subscriptions', every: 3, times: 2 }, { kind: 'accept-then-hang', path: '/carts', every: 4, times: 1 }],
    });
    const subs = [subscription(1), subscription(2), subscription(3), subscription(1, 'CANCELED'), subscription(4)];
    const carts = [cart(1), cart(2), cart(1, 15), cart(3), cart(4)];
    const input = [...streamInput('subscriptions', subs, 5), ...streamInput('carts', carts, 5)];
    const result = await runWrite(sandbox, input, { streams: ['subscriptions', 'carts'], config: { ambiguous_retry_after_seconds: 1, request_timeout_seconds: 1 } });
    expect(traceErrors(result)).toEqual([]);
    expect(result.states.map((s) => [s.stream.stream_descriptor.name, s.destinationStats.recordCount])).toEqual([['subscriptions', 5], ['carts', 5]]);
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    expect([1, 2, 3, 4].map((i) => sandbox?.entityRecords('subscription', `sub-${i}`).length)).toEqual([1, 1, 1, 1]);
    expect(sandbox.entityRecords('subscription', 'sub-1')[0]?.[0]?.status).toBe('CANCELED');
    expect([1, 2, 3, 4].map((i) => sandbox?.entityRecords('cart', `cart-${i}`).length)).toEqual([1, 1, 1, 1]);
    expect(JSON.stringify(sandbox.entityRecords('cart', 'cart-1'))).toContain('15');
  });

  it('SIGKILL mid-write of subscriptions, replay from the last echoed state: nothing lost, nothing doubled', async () => {
    sandbox = await startSandbox({ processingDelayMs: 200 });
    const subs = Array.from({ length: 80 }, (_, i) => subscription(i));
    const sb = sandbox;
    const kill = killPastState(sb, 2);
    const first = await runWrite(sb, streamInput('subscriptions', subs, 10), { streams: ['subscriptions'], cli: { onLine: kill.onLine } });
    expect(first.signal).toBe('SIGKILL');
    const cursor = kill.cursor();
    expect(new Set(sb.writes().map((w) => w.key)).size).toBeGreaterThan(cursor);
    await sandbox.settle();
    const replay = await runWrite(sandbox, streamInput('subscriptions', subs.slice(cursor), 10), { streams: ['subscriptions'] });
    expect(replay.code).toBe(0);
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    expect(subs.filter((_, i) => sandbox?.entityRecords('subscription', `sub-${i}`).length !== 1)).toEqual([]);
  });
});

describe('write_confirmation processed', () => {
  it('a record counts as written only once PROCESSED; a FAILED request is a rejected record with Hyros\' reason; states wait for that', async () => {
    sandbox = await startSandbox({ processingDelayMs: 300 });
    const rows = [orderRow(0), { ...orderRow(1), sale_id: 'fail-1' }, orderRow(2)];
    const sb = sandbox;
    let processedAtState = -1;
    const result = await runWrite(sb, streamInput('orders', rows, 3), {
      config: { write_confirmation: 'processed', max_rejected_percent: 50 },
      cli: { onLine: (line) => { if (line.includes('"STATE"')) processedAtState = sb.pendingCount(); } },
    });
    expect(traceErrors(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 2, rejectedRecordCount: 1 }]);
    expect(processedAtState).toBe(0);
    expect(logs(result, 'WARN')).toContain('Hyros rejected order record of stream orders (order:fail-1): Hyros could not process the write: Order could not be processed: test failure');
    expect(sb.stats().byPath['GET /requests']).toBeGreaterThanOrEqual(3);
  });

  it('on an API without GET /requests/{id}, or a key without its role: config_error saying which, no state', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100, requestStatusEndpoint: false });
    const noEndpoint = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { config: { write_confirmation: 'processed' } });
    expect(noEndpoint.code).not.toBe(0);
    expect(noEndpoint.states).toEqual([]);
    expect(traceErrors(noEndpoint)[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/^write_confirmation is processed, but GET \/requests\/\{id\} cannot be used: Hyros answered 404: Not found/) });
    await sandbox.close();
    sandbox = await startSandbox({ processingDelayMs: 100, missingRoles: ['Get Request Status'] });
    const noRole = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { config: { write_confirmation: 'processed' } });
    expect(traceErrors(noRole)[0]?.message).toContain('lacks the Hyros role Get Request Status');
    expect(traceErrors(noRole)[0]?.message).toContain('"Get Request Status" role; add the role, or set write_confirmation to accepted');
  });
});

describe('agency', () => {
  it('account_id writes into that client account (Accessible-Account-Id), nothing into the agency\'s own', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100, accounts: ['acc-1', 'acc-2'] });
    const result = await runWrite(sandbox, streamInput('orders', [orderRow(0), orderRow(1)], 2), { config: { account_id: 'acc-2' } });
    expect(result.code).toBe(0);
    expect(sandbox.writes().map((w) => w.accountId)).toEqual(['acc-2', 'acc-2']);
    await sandbox.settle();
    expect(sandbox.entityRecords('order', 'S-1000', 'acc-2')).toHaveLength(1);
    expect(sandbox.entityRecords('order', 'S-1000')).toHaveLength(0);
    const unconnected = await runWrite(sandbox, streamInput('orders', [orderRow(2)], 1), { config: { account_id: 'acc-9' } });
    expect(traceErrors(unconnected)[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('acc-9 is not one of your connected client accounts') });
  });
});
