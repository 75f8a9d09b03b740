/**
 * destination-hyros write, end to end: the built CLI as a child process, Airbyte messages on stdin,
 * the sandbox's write API on 127.0.0.1. States are watched against what the sandbox has received.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../test/helpers/cli.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { callRow, catalog, leadRow, logs, orderRow, record, runWrite, streamInput, streamState, traceErrors } from './support.js';

let sandbox: Sandbox | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const orderIds = (sb: Sandbox): string[] => sb.writes().filter((w) => w.object === 'order').map((w) => w.key as string);

describe('destination-hyros write against the sandbox', () => {
  it('writes orders, leads and calls; echoes every state in order, only once its records reached Hyros, with exact destinationStats', async () => {
    sandbox = await startSandbox({ processingDelayMs: 200 });
    const sb = sandbox;
    const input = [
      ...streamInput('orders', Array.from({ length: 25 }, (_, i) => orderRow(i)), 10),
      ...streamInput('leads', Array.from({ length: 12 }, (_, i) => leadRow(i)), 5),
      ...streamInput('calls', Array.from({ length: 7 }, (_, i) => callRow(i)), 7),
    ];
    // For every state line: the keys the sandbox had accepted at that moment.
    const seenAtState: Array<{ stream: string; cursor: number; accepted: Set<string> }> = [];
    const result = await runWrite(sb, input, {
      streams: ['orders', 'leads', 'calls'],
      cli: {
        onLine: (line) => {
          const message = JSON.parse(line) as Record<string, any>;
          if (message.type !== 'STATE') return;
          seenAtState.push({
            stream: message.state.stream.stream_descriptor.name,
            cursor: message.state.stream.stream_state.cursor,
            accepted: new Set(sb.writes().map((w) => `${w.object}:${w.key}`)),
          });
        },
      },
    });
    expect(traceErrors(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.states.map((s) => [s.stream.stream_descriptor.name, s.stream.stream_state.cursor, s.destinationStats])).toEqual([
      ['orders', 10, { recordCount: 10, rejectedRecordCount: 0 }],
      ['orders', 20, { recordCount: 10, rejectedRecordCount: 0 }],
      ['orders', 25, { recordCount: 5, rejectedRecordCount: 0 }],
      ['leads', 5, { recordCount: 5, rejectedRecordCount: 0 }],
      ['leads', 10, { recordCount: 5, rejectedRecordCount: 0 }],
      ['leads', 12, { recordCount: 2, rejectedRecordCount: 0 }],
      ['calls', 7, { recordCount: 7, rejectedRecordCount: 0 }],
    ]);
    // sourceStats and every other property of the incoming state are kept.
    expect(result.states.map((s) => s.sourceStats.recordCount)).toEqual([10, 10, 5, 5, 5, 2, 7]);
    for (const { stream, cursor, accepted } of seenAtState) {
      const rows = stream === 'orders' ? Array.from({ length: cursor }, (_, i) => `order:${orderRow(i).sale_id}`)
        : stream === 'leads' ? Array.from({ length: cursor }, (_, i) => `lead:${leadRow(i).email}`)
        : Array.from({ length: cursor }, (_, i) => `call:${callRow(i).external_id}`);
      expect(rows.filter((key) => !accepted.has(key)), `${stream} state at ${cursor}`).toEqual([]);
    }
    expect(sb.writes()).toHaveLength(25 + 12 + 7);
    await sb.settle();
    expect(sb.duplicates()).toEqual([]);
    const summary = logs(result, 'INFO').filter((m) => m.startsWith('Stream '));
    expect(summary).toHaveLength(3);
    expect(summary[0]).toMatch(/^Stream orders: 25 accepted, 0 rejected, 0 invalid, 25 requests, 0 answered 429, \d+\.\d s\.$/);
  });

  it('rejected (Hyros 400) and invalid records get an outcome, count in rejectedRecordCount, go to rejected_records_path, and never block the states', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100 });
    const { mkdtempSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const rejectedPath = join(mkdtempSync(join(tmpdir(), 'dest-rej-')), 'rejected.jsonl');
    const rows = [orderRow(0), { ...orderRow(1), currency: 'DOLLARS' }, { ...orderRow(2), occurred_at: 'last tuesday' }, orderRow(3)];
    const result = await runWrite(sandbox, streamInput('orders', rows, 4), { config: { rejected_records_path: rejectedPath, max_rejected_percent: 60 } });
    expect(result.code).toBe(0);
    expect(result.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 2, rejectedRecordCount: 2 }]);
    const warnings = logs(result, 'WARN');
    expect(warnings).toContain('Hyros rejected order record of stream orders (order:S-1001): HTTP 400: Invalid currency');
    expect(warnings.some((w) => w.startsWith('Invalid order record of stream orders (order:S-1002): date (from occurred_at): expected an ISO-8601'))).toBe(true);
    expect(warnings.join('\n')).not.toContain('buyer1@example.com');
    const lines = readFileSync(rejectedPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    // Invalid records are known at once, rejected ones when Hyros answers: compare without order.
    expect(lines.map((l) => [l.outcome, l.key, l.record.sale_id, l.stream, l.object]).sort()).toEqual([
      ['invalid', 'order:S-1002', 'S-1002', 'orders', 'order'],
      ['rejected', 'order:S-1001', 'S-1001', 'orders', 'order'],
    ]);
    expect(lines.find((l) => l.outcome === 'rejected')?.reasons).toEqual(['HTTP 400: Invalid currency']);
    expect(orderIds(sandbox).sort()).toEqual(['S-1000', 'S-1003']);
  });

  it('more rejected than max_rejected_percent: every state is still echoed, then a config_error and a non-zero exit', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100 });
    const rows = [orderRow(0), { ...orderRow(1), currency: 'DOLLARS' }];
    const result = await runWrite(sandbox, streamInput('orders', rows, 1), { config: { max_rejected_percent: 10 } });
    expect(result.code).not.toBe(0);
    expect(result.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 1, rejectedRecordCount: 0 }, { recordCount: 0, rejectedRecordCount: 1 }]);
    const [error] = traceErrors(result);
    expect(error?.failure_type).toBe('config_error');
    expect(error?.message).toMatch(/^1 of 2 records \(50\.0 %\) were rejected by Hyros or invalid, more than max_rejected_percent \(10 %\)/);
  });

  it('a dry run sends no request at all and echoes no state', async () => {
    sandbox = await startSandbox();
    const result = await runWrite(sandbox, streamInput('orders', Array.from({ length: 5 }, (_, i) => orderRow(i)), 2), { args: ['--dry-run'] });
    expect(result.code).toBe(0);
    expect(result.states).toEqual([]);
    expect(sandbox.stats().requests).toBe(0);
    const info = logs(result, 'INFO');
    expect(info.filter((m) => m.startsWith('Dry run, stream orders: would send POST /orders'))).toHaveLength(3);
    expect(info).toContain("Dry run: 3 state message(s) were not echoed, so the source's cursor does not move past data that was not written.");
  });

  it('the same input written twice changes nothing in Hyros', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100 });
    const input = [...streamInput('orders', Array.from({ length: 8 }, (_, i) => orderRow(i)), 4), ...streamInput('calls', [callRow(1), callRow(2)], 2)];
    const first = await runWrite(sandbox, input, { streams: ['orders', 'calls'] });
    expect(first.code).toBe(0);
    await sandbox.settle();
    const salesAfterFirst = sandbox.records('sales');
    const callsAfterFirst = sandbox.records('calls');
    const second = await runWrite(sandbox, input, { streams: ['orders', 'calls'] });
    expect(second.code).toBe(0);
    expect(second.states).toEqual(first.states);
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    expect(sandbox.records('sales').length).toBe(salesAfterFirst.length);
    expect(sandbox.records('calls').length).toBe(callsAfterFirst.length);
  });

  it('the same order twice in one input: the later one waits until the first is PROCESSED, so it updates instead of duplicating', async () => {
    sandbox = await startSandbox({ processingDelayMs: 400 });
    const updated = { ...orderRow(0), amount: '99.00' };
    const input = [record('orders', orderRow(0)), record('orders', orderRow(1)), record('orders', updated), streamState('orders', 3, 3)];
    const result = await runWrite(sandbox, input, { config: { ambiguous_retry_after_seconds: 30 } });
    expect(result.code).toBe(0);
    const writes = sandbox.writes().filter((w) => w.key === 'S-1000');
    expect(writes).toHaveLength(2);
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    // The status API said PROCESSED well before the 30 s fallback.
    expect((writes[1] as { receivedAt: number }).receivedAt - (writes[0] as { receivedAt: number }).receivedAt).toBeLessThan(10_000);
    const sales = sandbox.entityRecords('order', 'S-1000');
    expect(sales).toHaveLength(1);
    expect(JSON.stringify(sales[0])).toContain('99');
  });

  it('refuses overwrite before sending anything', async () => {
    sandbox = await startSandbox();
    const result = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { catalog: catalog(['orders'], 'overwrite') });
    expect(result.code).not.toBe(0);
    expect(traceErrors(result)[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('overwrite is not supported: Hyros data cannot be bulk-deleted') });
    expect(sandbox.stats().requests).toBe(0);
  });

  it('a truncating refresh (minimum_generation_id > 0, what PyAirbyte sends every destination) writes by natural key and says earlier records stay', async () => {
    sandbox = await startSandbox();
    const refresh = { streams: [{ ...(catalog(['orders']) as { streams: Record<string, unknown>[] }).streams[0], generation_id: 1, minimum_generation_id: 1 }] };
    const refreshed = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { catalog: refresh });
    expect(refreshed.code).toBe(0);
    expect(logs(refreshed, 'WARN').some((m) => m.includes('generations before 1') && m.includes('cannot be bulk-deleted'))).toBe(true);
    expect(sandbox.writes().map((w) => w.key)).toEqual(['S-1000']);
  });

  it('a stream that maps to no object is a config_error naming it before any request', async () => {
    sandbox = await startSandbox();
    const result = await runWrite(sandbox, [], { streams: ['orders', 'invoices'] });
    expect(result.code).not.toBe(0);
    expect(traceErrors(result)[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringMatching(/^No Hyros object for stream\(s\) invoices\. Map each one in the streams setting/) });
    const mapped = await runWrite(sandbox, streamInput('invoices', [orderRow(0)], 1), { streams: ['invoices'], config: { streams: [{ stream: 'invoices', object: 'order' }] } });
    expect(mapped.code).toBe(0);
    expect(orderIds(sandbox)).toEqual(['S-1000']);
  });
});
