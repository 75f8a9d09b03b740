/**
 * Exactly once into Hyros under faults: every transient and ambiguous
 * fault of the sandbox, a SIGKILL mid-write followed by an Airbyte-style replay from the last echoed
 * state, and a key that dies mid-run. "No duplicate" is the sandbox's own count of natural keys
 * that became more than one order; "nothing lost" is every order id present after processing.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../test/helpers/cli.js';
import type { FaultKind } from '../sandbox/faults.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { killPastState, orderRow, runWrite, streamInput, traceErrors, type Row } from './support.js';

let sandbox: Sandbox | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => orderRow(i));

/** Order ids Hyros ended up with after processing (one entry per distinct order). */
function processedOrderIds(sb: Sandbox, ids: string[]): string[] {
  return ids.filter((id) => sb.entityRecords('order', id).length > 0);
}

describe('exactly once under faults', () => {
  const kinds: FaultKind[] = ['500', '502-html', '503-retry-after', '429-burst', 'reset-mid-body', 'truncated', 'hang', 'accept-then-drop', 'accept-then-hang'];
  it.each(kinds)('fault %s on POST /orders: every record written once, every state echoed, exit 0', async (kind) => {
    sandbox = await startSandbox({ processingDelayMs: 100, faults: [{ kind, path: '/orders', every: 6, times: 3 }] });
    const input = streamInput('orders', rows(24), 6);
    const result = await runWrite(sandbox, input, { config: { request_timeout_seconds: 1, ambiguous_retry_after_seconds: 1 } });
    expect(traceErrors(result)).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.states.map((s) => s.destinationStats)).toEqual(Array(4).fill({ recordCount: 6, rejectedRecordCount: 0 }));
    expect(sandbox.stats().faults).toBe(3);
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    const ids = rows(24).map((r) => r.sale_id as string);
    expect(processedOrderIds(sandbox, ids)).toEqual(ids);
    if (kind.startsWith('accept-then') || kind === 'reset-mid-body' || kind === 'hang') {
      // Lost answers: the resend reached Hyros at least ambiguous_retry_after_seconds after the lost one.
      const accepted = sandbox.writes().filter((w) => w.object === 'order');
      const byKey = new Map<string, number[]>();
      for (const w of accepted) byKey.set(w.key as string, [...(byKey.get(w.key as string) ?? []), w.receivedAt]);
      for (const times of byKey.values()) {
        for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(1000);
      }
    }
  });

  it('SIGKILL mid-write, then a replay from the last echoed state after Hyros processed the pending writes: nothing lost, nothing doubled', async () => {
    sandbox = await startSandbox({ processingDelayMs: 300 });
    const all = rows(150);
    const input = streamInput('orders', all, 10);
    const sb = sandbox;
    const kill = killPastState(sb, 4);
    const first = await runWrite(sb, input, { cli: { onLine: kill.onLine } });
    expect(first.signal).toBe('SIGKILL');
    expect(first.states.length).toBeLessThan(15);
    const lastCursor = kill.cursor();
    expect(lastCursor).toBeGreaterThanOrEqual(40);
    // The kill left writes past the last state the platform read: the replay sends those keys again.
    expect(new Set(sb.writes().map((w) => w.key)).size).toBeGreaterThan(lastCursor);
    // Airbyte retries after ≥ 10 s; here Hyros (the sandbox) has processed everything by then.
    await sandbox.settle();
    const replay = await runWrite(sandbox, streamInput('orders', all.slice(lastCursor), 10));
    expect(replay.code).toBe(0);
    expect(replay.states.length).toBe(Math.ceil((150 - lastCursor) / 10));
    await sandbox.settle();
    expect(sandbox.duplicates()).toEqual([]);
    const ids = all.map((r) => r.sale_id as string);
    expect(processedOrderIds(sandbox, ids)).toEqual(ids);
  });

  it('a key that dies mid-run: config_error, non-zero exit, and no state after the failure', async () => {
    sandbox = await startSandbox({ processingDelayMs: 100, faults: [{ kind: 'key-invalid', path: '/orders', after: 30, times: 1 }] });
    const result = await runWrite(sandbox, streamInput('orders', rows(60), 5));
    expect(result.code).not.toBe(0);
    const errors = traceErrors(result);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('Hyros rejected the API key (HTTP 401') });
    expect(result.states.length).toBeLessThanOrEqual(6);
    const lines = result.stdout.trim().split('\n');
    const traceIndex = lines.findIndex((l) => l.includes('"failure_type"'));
    expect(lines.slice(traceIndex).some((l) => l.includes('"type":"STATE"'))).toBe(false);
    // Every echoed state's records did reach Hyros.
    const accepted = new Set(sandbox.writes().map((w) => w.key));
    const covered = (result.states.at(-1)?.stream.stream_state.cursor as number | undefined) ?? 0;
    expect(rows(covered).filter((r) => !accepted.has(r.sale_id as string))).toEqual([]);
    expect(JSON.stringify(result.messages)).not.toContain('sandbox-key');
    // Nothing is sent after the failure but what was already in flight (max_concurrency 16).
    expect(sandbox.stats().status['401']).toBeLessThanOrEqual(16);
  });

  it('a missing role stops the run with a config_error naming the role', async () => {
    sandbox = await startSandbox({ missingRoles: ['Create Orders'] });
    const result = await runWrite(sandbox, streamInput('orders', rows(3), 3));
    expect(result.code).not.toBe(0);
    expect(result.states).toEqual([]);
    expect(traceErrors(result)[0]).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('lacks the Hyros role Create Orders') });
  });
});
