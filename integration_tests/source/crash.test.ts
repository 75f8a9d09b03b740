/**
 * A sync killed mid-way (SIGKILL: no chance to flush or clean up) and resumed from the last state
 * the platform received must lose nothing, and must not start over: with lookback_window_days 0
 * the resumed run reads only from the saved cursor on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsOf, runCli, statesOf, statusesOf } from '../../test/helpers/cli.js';
import { catalogFor, TempFiles } from '../../test/helpers/files.js';
import { sandboxConfig, stateForNextRead, type Json } from './acceptance/support.js';
import { changePassRecords, idsOf } from './change-pass.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

const STREAMS = ['leads', 'sales'] as const;
const COUNT = 3000;
const KILL_AT = 0.4;

let sandbox: Sandbox;
const files = new TempFiles();

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false, latencyMs: 25, counts: { leads: COUNT, sales: COUNT } });
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

/** Runs `read` and SIGKILLs it once `killAfter` records came out; returns the run and the states seen before. */
async function readUntilKilled(config: string, catalog: string, killAfter: number) {
  let seen = 0;
  let killed = false;
  const statesBeforeKill: Json[] = [];
  const first = await runCli(['read', '--config', config, '--catalog', catalog], {
    timeoutMs: 60_000,
    onLine: (line, child) => {
      if (killed || line === '') return;
      const message = JSON.parse(line) as Json;
      if (message.type === 'STATE') statesBeforeKill.push(message.state);
      if (message.type === 'RECORD' && ++seen >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    },
  });
  return { first, statesBeforeKill };
}

describe('crash and resume', () => {
  it('SIGKILL after ~40% of the records, resume from the last states seen: nothing lost, only the rest re-read', async () => {
    const config = files.write('config.json', sandboxConfig(sandbox.baseUrl, { max_concurrency: 4, page_size: 100, window_size_days: 5, lookback_window_days: 0 }));
    const catalog = files.write('catalog.json', catalogFor([...STREAMS]));
    const total = STREAMS.length * COUNT;

    const { first, statesBeforeKill } = await readUntilKilled(config, catalog, total * KILL_AT);
    expect(first.signal).toBe('SIGKILL');
    expect(recordsOf(first.messages).length).toBeLessThan(total);
    for (const stream of STREAMS) expect(statusesOf(first.messages, stream)).not.toContain('COMPLETE');

    const saved = stateForNextRead(statesBeforeKill);
    // A checkpoint per stream had been reached: the resume has something to resume from.
    expect(saved.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([...STREAMS].sort());
    const cursors = new Map<string, string>(saved.map((s) => [s.stream.stream_descriptor.name, s.stream.stream_state.occurred_at as string]));
    // A first run is current as of its sync end: that is the changed_at of its checkpoints.
    for (const s of saved) expect(s.stream.stream_state.changed_at).toBe('2026-03-01T00:00:00Z');

    const state = files.write('state.json', saved);
    const second = await runCli(['read', '--config', config, '--catalog', catalog, '--state', state], { timeoutMs: 60_000 });
    expect(second.code).toBe(0);

    let reread = 0;
    for (const stream of STREAMS) {
      const cursor = cursors.get(stream) as string;
      const all = sandbox.records(stream).map((r) => r.id as string);
      const firstRecords = recordsOf(first.messages, stream);
      // The change pass adds the older records that changed since changed_at (refunds after the sync end).
      const run = { startMs: Date.parse('2026-01-01T00:00:00Z'), cursorMs: Date.parse(cursor), changedMs: Date.parse('2026-03-01T00:00:00Z'), endMs: Date.parse('2026-03-01T00:00:00Z'), lookbackDays: 0 };
      const changed = new Set(idsOf(changePassRecords(stream, sandbox.records(stream), run)));
      const secondRecords = recordsOf(second.messages, stream).filter((r) => !changed.has(r.data.id as string));
      // Nothing lost: together the two runs emitted every record of the sandbox.
      const union = new Set([...firstRecords, ...secondRecords].map((r) => r.data.id as string));
      expect(all.filter((id) => !union.has(id)), `${stream}: records lost`).toEqual([]);
      // The resumed run starts at the saved cursor (lookback 0) and reads everything from there on.
      expect(secondRecords.filter((r) => r.data.occurred_at < cursor).map((r) => r.data.occurred_at), stream).toEqual([]);
      const occurred = new Map([...firstRecords, ...secondRecords].map((r) => [r.data.id as string, r.data.occurred_at as string]));
      const fromCursor = [...occurred].filter(([, at]) => at >= cursor).map(([id]) => id).sort();
      expect(secondRecords.map((r) => r.data.id as string).sort(), stream).toEqual(fromCursor);
      expect(statusesOf(second.messages, stream).at(-1), stream).toBe('COMPLETE');
      expect(recordsOf(second.messages, stream).length, stream).toBe(secondRecords.length + changed.size);
      expect(statesOf(second.messages, stream).at(-1)?.stream.stream_state, stream).toEqual({ occurred_at: '2026-03-01T00:00:00Z', changed_at: '2026-03-01T00:00:00Z' });
      reread += secondRecords.length + changed.size;
    }
    // It did not start over: the first run's checkpointed records are not read again.
    expect(reread).toBeLessThan(total);
  });

  it('one worker: the resumed run re-reads at most the one window that was in flight', async () => {
    const windowDays = 5;
    const config = files.write('config-seq.json', sandboxConfig(sandbox.baseUrl, { max_concurrency: 1, page_size: 100, window_size_days: windowDays, lookback_window_days: 0 }));
    const catalog = files.write('catalog-seq.json', catalogFor(['leads']));
    const { first, statesBeforeKill } = await readUntilKilled(config, catalog, COUNT * KILL_AT);
    expect(first.signal).toBe('SIGKILL');
    const saved = stateForNextRead(statesBeforeKill);
    const cursor = Date.parse(saved[0]?.stream.stream_state.occurred_at as string);
    const second = await runCli(['read', '--config', config, '--catalog', catalog, '--state', files.write('state-seq.json', saved)], { timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    const firstIds = new Set(recordsOf(first.messages, 'leads').map((r) => r.data.id as string));
    const run = { startMs: Date.parse('2026-01-01T00:00:00Z'), cursorMs: cursor, changedMs: Date.parse(saved[0]?.stream.stream_state.changed_at as string), endMs: Date.parse('2026-03-01T00:00:00Z'), lookbackDays: 0 };
    const changed = new Set(idsOf(changePassRecords('leads', sandbox.records('leads'), run)));
    const reread = recordsOf(second.messages, 'leads').filter((r) => firstIds.has(r.data.id as string) && !changed.has(r.data.id as string));
    // Something was in flight at the kill, and all of it lies in the one window after the cursor.
    expect(reread.length).toBeGreaterThan(0);
    for (const record of reread) {
      const at = Date.parse(record.data.occurred_at as string);
      expect(at).toBeGreaterThanOrEqual(cursor);
      expect(at).toBeLessThan(cursor + windowDays * 86_400_000);
    }
    const union = new Set([...firstIds, ...recordsOf(second.messages, 'leads').map((r) => r.data.id as string)]);
    expect(sandbox.records('leads').filter((r) => !union.has(r.id as string))).toEqual([]);
  });
});
