/**
 * Faults a user's sync meets, injected by the sandbox into a real `read` of the built
 * CLI: transient failures are retried and lose nothing; a rejected key, a failing endpoint, a
 * missing role or an endpoint this API version lacks end the right stream the right way, and no
 * state ever claims records that were not emitted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, recordsOf, runCli, statesOf, statusesOf, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { sandboxConfig, type Json } from './acceptance/support.js';
import { startSandbox, type Fault, type FaultKind, type SandboxOptions } from '../sandbox/server.js';

const STREAMS = ['leads', 'sales'];
/** Small pages, so that most requests carry a pageId and faults land mid-window too. */
const BASE_CONFIG = { page_size: 20, max_concurrency: 4 };

const files = new TempFiles();
let clean: CliResult;
/** id → occurred_at of every record of a fault-free read, per stream. */
const cleanRecords = new Map<string, Map<string, string>>();

async function readWith(options: SandboxOptions, config: Json, streams: string[], args: string[] = []): Promise<CliResult & { faults: number }> {
  const sandbox = await startSandbox({ rateLimit: false, ...options });
  try {
    const tag = Math.random().toString(36).slice(2);
    const configPath = files.write(`config-${tag}.json`, sandboxConfig(sandbox.baseUrl, { ...BASE_CONFIG, ...config }));
    const catalogPath = files.write(`catalog-${tag}.json`, catalogFor(streams));
    const command = args[0] === 'check' ? ['check', '--config', configPath] : ['read', '--config', configPath, '--catalog', catalogPath];
    const result = await runCli(command, { timeoutMs: 45_000 });
    return { ...result, faults: sandbox.stats().faults };
  } finally {
    await sandbox.close();
  }
}

const idsOf = (result: CliResult, stream: string): string[] => [...new Set(recordsOf(result.messages, stream).map((r) => r.data.id as string))].sort();

beforeAll(async () => {
  const sandbox = await startSandbox({ rateLimit: false });
  try {
    const expected = Object.fromEntries(STREAMS.map((s) => [s, sandbox.records(s as 'leads').map((r) => r.id as string).sort()]));
    clean = await readWith({}, {}, STREAMS);
    expect(clean.code).toBe(0);
    for (const stream of STREAMS) {
      // The sandbox's whole dataset lies in [start_date, end_date): the clean read is all of it.
      expect(idsOf(clean, stream), stream).toEqual(expected[stream]);
      cleanRecords.set(stream, new Map(recordsOf(clean.messages, stream).map((r) => [r.data.id as string, r.data.occurred_at as string])));
    }
  } finally {
    await sandbox.close();
  }
});
afterAll(() => files.cleanup());

interface Case {
  kind: FaultKind;
  fault: Fault;
  config?: Json;
}

const CASES: Case[] = [
  { kind: '500', fault: { kind: '500', every: 3, times: 4 } },
  { kind: '502-html', fault: { kind: '502-html', every: 3, times: 4 } },
  { kind: '503-retry-after', fault: { kind: '503-retry-after', every: 3, times: 4 } },
  { kind: 'reset-mid-body', fault: { kind: 'reset-mid-body', every: 3, times: 4 } },
  { kind: 'truncated', fault: { kind: 'truncated', every: 3, times: 4 } },
  { kind: 'hang', fault: { kind: 'hang', every: 3, times: 3 }, config: { request_timeout_seconds: 1 } },
  { kind: '429-burst', fault: { kind: '429-burst', every: 3, times: 4 } },
  // The connector restarts a window once when its cursor expires. One worker, 7-day windows and 10-record pages (at
  // most three pages per window) make the schedule deterministic: every 3rd paged request expires, and a
  // restarted window never meets a second expiry.
  { kind: 'expired-page', fault: { kind: 'expired-page', every: 3, times: 4 }, config: { max_concurrency: 1, window_size_days: 7, page_size: 10 } },
];

describe('transient faults spread through a read of leads + sales', () => {
  it.concurrent.each(CASES)('$kind: the same records as a clean read, both streams COMPLETE, exit 0', async ({ kind, fault, config }) => {
    const result = await readWith({ faults: [fault] }, config ?? {}, STREAMS);
    expect(result.faults, `${kind} faults injected`).toBe(fault.times);
    expect(ofType(result.messages, 'TRACE', 'ERROR').map((m) => m.trace.error.message)).toEqual([]);
    expect(result.code).toBe(0);
    for (const stream of STREAMS) {
      expect(idsOf(result, stream), stream).toEqual([...(cleanRecords.get(stream) as Map<string, string>).keys()].sort());
      expect(statusesOf(result.messages, stream).at(-1), stream).toBe('COMPLETE');
      expect(statesOf(result.messages, stream).at(-1)?.stream.stream_state, stream).toEqual(statesOf(clean.messages, stream).at(-1)?.stream.stream_state);
    }
    if (kind === '429-burst') {
      const rateLimited = ofType(result.messages, 'TRACE', 'STREAM_STATUS').filter((m) => m.trace.stream_status.reasons?.[0]?.type === 'RATE_LIMITED');
      expect(rateLimited.length).toBeGreaterThanOrEqual(1);
      expect(rateLimited[0]?.trace.stream_status.status).toBe('RUNNING');
    }
  });
});

describe('faults that end a stream', () => {
  it('key invalidated mid-sync: TRACE ERROR config_error, non-zero exit, and no state covers a record that was not emitted', async () => {
    // 16 workers: eight small windows a stream (about a page each), so the oldest windows complete
    // and checkpoint within the six requests before the key dies.
    const result = await readWith({ faults: [{ kind: 'key-invalid', after: 6 }] }, { max_concurrency: 16 }, STREAMS);
    expect(result.code).not.toBe(0);
    const errors = ofType(result.messages, 'TRACE', 'ERROR');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.every((e) => e.trace.error.failure_type === 'config_error')).toBe(true);
    expect(errors[0]?.trace.error.message).toMatch(/API key/);
    // Checkpoints were reached before the key died, so the check below has something to check.
    expect(statesOf(result.messages).filter((s) => s.stream.stream_state.occurred_at > '2026-01-01T00:00:00Z').length).toBeGreaterThan(0);
    let emittedTotal = 0;
    for (const stream of STREAMS) {
      const emitted = new Set(idsOf(result, stream));
      emittedTotal += emitted.size;
      expect(statusesOf(result.messages, stream).at(-1), stream).toBe('INCOMPLETE');
      const all = cleanRecords.get(stream) as Map<string, string>;
      for (const state of statesOf(result.messages, stream)) {
        const cursor = state.stream.stream_state.occurred_at as string;
        const covered = [...all].filter(([, occurredAt]) => occurredAt < cursor).map(([id]) => id);
        expect(covered.filter((id) => !emitted.has(id)), `${stream} state ${cursor}`).toEqual([]);
      }
    }
    // The key died after six requests: the sync really stopped part-way.
    expect(emittedTotal).toBeLessThan(cleanRecords.get('leads')!.size + cleanRecords.get('sales')!.size);
  });

  it('an endpoint that keeps failing (500 on /calls): calls INCOMPLETE with a TRACE ERROR naming it, leads COMPLETE, non-zero exit', async () => {
    const result = await readWith({ faults: [{ kind: '500', path: '/calls', every: 1 }] }, { max_retries: 1 }, ['leads', 'calls']);
    expect(result.code).not.toBe(0);
    expect(statusesOf(result.messages, 'calls').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(result.messages, 'leads').at(-1)).toBe('COMPLETE');
    expect(idsOf(result, 'leads')).toEqual(idsOf(clean, 'leads'));
    const errors = ofType(result.messages, 'TRACE', 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.trace.error).toMatchObject({ failure_type: 'transient_error', stream_descriptor: { name: 'calls' } });
    expect(errors[0]?.trace.error.message).toMatch(/calls/);
  });

  it('a role missing (/calls): calls INCOMPLETE with a config_error naming the role, the others COMPLETE, non-zero exit', async () => {
    const result = await readWith({ missingRoles: ['/calls'] }, {}, ['leads', 'sales', 'calls']);
    expect(result.code).not.toBe(0);
    expect(statusesOf(result.messages, 'calls').at(-1)).toBe('INCOMPLETE');
    for (const stream of STREAMS) {
      expect(statusesOf(result.messages, stream).at(-1), stream).toBe('COMPLETE');
      expect(idsOf(result, stream), stream).toEqual(idsOf(clean, stream));
    }
    const errors = ofType(result.messages, 'TRACE', 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.trace.error).toMatchObject({ failure_type: 'config_error', stream_descriptor: { name: 'calls' } });
    expect(errors[0]?.trace.error.message).toMatch(/GET_CALLS/);
    expect(recordsOf(result.messages, 'calls')).toEqual([]);
  });

  it('check with a role missing: CONNECTION_STATUS FAILED naming the stream and the role, exit 0', async () => {
    const result = await readWith({ missingRoles: ['/calls'] }, {}, [], ['check']);
    expect(result.code).toBe(0);
    const statuses = ofType(result.messages, 'CONNECTION_STATUS');
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.connectionStatus.status).toBe('FAILED');
    expect(statuses[0]?.connectionStatus.message).toMatch(/calls/);
    expect(statuses[0]?.connectionStatus.message).toMatch(/GET_CALLS/);
  });

  it('an endpoint this API version lacks (/products → 404): products INCOMPLETE with a message about the API version, no crash', async () => {
    const result = await readWith({ missingEndpoints: ['/products'] }, {}, ['products', 'leads']);
    expect(result.code).not.toBe(0);
    expect(statusesOf(result.messages, 'products').at(-1)).toBe('INCOMPLETE');
    expect(statusesOf(result.messages, 'leads').at(-1)).toBe('COMPLETE');
    const errors = ofType(result.messages, 'TRACE', 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.trace.error.stream_descriptor).toEqual({ name: 'products' });
    expect(errors[0]?.trace.error.message).toMatch(/API version/);
    expect(errors[0]?.trace.error.message).not.toMatch(/Something went wrong/);
  });
});
