/**
 * End to end: the built CLI reads leads + sales incrementally from the sandbox, then resumes from
 * its own last states with lookback_window_days 2 — re-reading exactly the records with
 * occurred_at ≥ cursor − 2 days, plus the older ones that changed since (updated leads, refunded
 * sales: the change pass) — and finally, with the cursor past the data, reads nothing but still
 * checkpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHyrosTimestamp } from '../../src/hyros/timestamps.js';
import { recordsOf, runCli, statesOf, statusesOf, type CliResult } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { changePassRecords, idsOf } from './change-pass.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const STREAMS = ['leads', 'sales'] as const;
const DAY = 86_400_000;

describe('incremental leads and sales across runs (built CLI + sandbox)', () => {
  let sb: Sandbox;
  let files: TempFiles;
  const occurredMs = (record: Record<string, unknown>) => parseHyrosTimestamp(record.creationDate) as number;
  const sandboxIds = (stream: (typeof STREAMS)[number], fromMs: number, toMs: number) =>
    sb
      .records(stream)
      .filter((r) => occurredMs(r) >= fromMs && occurredMs(r) <= toMs)
      .map((r) => r.id as string)
      .sort();

  beforeAll(async () => {
    sb = await startSandbox({ seed: 11, rateLimit: false });
    files = new TempFiles();
  });
  afterAll(async () => {
    await sb.close();
    files.cleanup();
  });

  async function read(name: string, config: Record<string, unknown>, state?: unknown): Promise<CliResult> {
    const args = [
      'read',
      '--config', files.write(`${name}-config.json`, { api_key: 'sandbox-key', base_url: sb.baseUrl, max_concurrency: 4, ...config }),
      '--catalog', files.write(`${name}-catalog.json`, catalogFor([...STREAMS])),
    ];
    if (state !== undefined) args.push('--state', files.write(`${name}-state.json`, state));
    const result = await runCli(args, { timeoutMs: 20_000 });
    expect(result.code, result.stderr).toBe(0);
    for (const stream of STREAMS) expect(statusesOf(result.messages, stream)).toEqual(['STARTED', 'RUNNING', 'COMPLETE'].filter((s) => s !== 'RUNNING' || recordsOf(result.messages, stream).length > 0));
    return result;
  }

  /** The last STATE message per stream, as the platform would hand it back. */
  const lastStates = (result: CliResult) => STREAMS.map((stream) => statesOf(result.messages, stream).at(-1));
  const cursorOf = (result: CliResult, stream: string) => Date.parse(statesOf(result.messages, stream).at(-1)?.stream.stream_state.occurred_at);
  const emittedIds = (result: CliResult, stream: string) => recordsOf(result.messages, stream).map((r) => r.data.id as string).sort();

  function assertCounts(result: CliResult): void {
    for (const stream of STREAMS) {
      const total = statesOf(result.messages, stream).reduce((sum, s) => sum + (s.sourceStats.recordCount as number), 0);
      expect(total, stream).toBe(recordsOf(result.messages, stream).length);
    }
  }

  it('backfills to end_date, resumes with a 2-day lookback, then reads nothing once past the data', async () => {
    // Run 1: a fixed end_date in the middle of the data (inclusive).
    const end = Date.parse('2026-02-15T00:00:00Z');
    const first = await read('run1', { start_date: '2026-01-01', end_date: '2026-02-15', lookback_window_days: 2 });
    for (const stream of STREAMS) {
      const ids = emittedIds(first, stream);
      expect(new Set(ids).size, stream).toBe(ids.length);
      expect(ids, stream).toEqual(sandboxIds(stream, Date.parse('2026-01-01T00:00:00Z'), end));
      expect(ids.length, stream).toBeGreaterThan(50);
      expect(cursorOf(first, stream), stream).toBe(end);
      for (const r of recordsOf(first.messages, stream)) expect(r.data.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    assertCounts(first);

    // Run 2: from run 1's states (an array of STREAM messages), end_date unset (now).
    const state1 = lastStates(first);
    expect(state1.every((s) => s?.type === 'STREAM')).toBe(true);
    const before2 = Date.now();
    const second = await read('run2', { start_date: '2026-01-01', lookback_window_days: 2 }, state1);
    const after2 = Date.now();
    for (const stream of STREAMS) {
      const ids = emittedIds(second, stream);
      const reread = sandboxIds(stream, end - 2 * DAY, Number.POSITIVE_INFINITY);
      const run = { startMs: Date.parse('2026-01-01T00:00:00Z'), cursorMs: end, endMs: cursorOf(second, stream), lookbackDays: 2 };
      const changed = idsOf(changePassRecords(stream, sb.records(stream), run));
      // Leads updated since run 1 are re-read; no sale lies in the refund lookback (90 days before now).
      expect(changed.length > 0, `${stream}: older records changed since run 1`).toBe(stream === 'leads');
      expect(ids, stream).toEqual([...reread, ...changed].sort());
      // The lookback really re-read records run 1 had already emitted, and nothing older than it but the changed ones.
      expect(ids.filter((id) => emittedIds(first, stream).includes(id)).length, stream).toBeGreaterThan(0);
      const oldest = Math.min(...recordsOf(second.messages, stream).filter((r) => !changed.includes(r.data.id)).map((r) => Date.parse(r.data.occurred_at)));
      expect(oldest, stream).toBeGreaterThanOrEqual(end - 2 * DAY);
      const cursor = cursorOf(second, stream);
      expect(cursor, stream).toBeGreaterThanOrEqual(before2 - 1000);
      expect(cursor, stream).toBeLessThanOrEqual(after2);
    }
    assertCounts(second);

    // Run 3: the cursor is now; the sandbox's data ends on 2026-03-01, long before cursor − 2 days.
    const third = await read('run3', { start_date: '2026-01-01', lookback_window_days: 2 }, lastStates(second));
    const after3 = Date.now();
    for (const stream of STREAMS) {
      expect(recordsOf(third.messages, stream), stream).toEqual([]);
      const states = statesOf(third.messages, stream);
      expect(states.length, stream).toBeGreaterThanOrEqual(1);
      expect(states.every((s) => s.sourceStats.recordCount === 0), stream).toBe(true);
      expect(cursorOf(third, stream), stream).toBeGreaterThanOrEqual(cursorOf(second, stream));
      expect(cursorOf(third, stream), stream).toBeLessThanOrEqual(after3);
    }
  });
});
