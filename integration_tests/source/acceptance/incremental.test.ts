/**
 * CAT TestIncremental (Airbyte's connector acceptance tests) against the sandbox's default dataset with
 * integration_tests/configured_catalog.json (its incremental streams) and the sample config
 * (lookback_window_days left at its default; client pacing lifted).
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsOf, runCli, statesOf, type CliResult } from '../../../test/helpers/cli.js';
import { TempFiles } from '../../../test/helpers/files.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { parseHyrosTimestamp } from '../../../src/hyros/timestamps.js';
import { changePassRecords } from '../change-pass.js';
import { incrementalOnly, INCREMENTAL_STREAMS, recordKey, repoJson, ROOT, sandboxConfig, stateForNextRead, type Json } from './support.js';

const DAY_MS = 86_400_000;
const SYNC_END = '2026-03-01T00:00:00Z';

let sandbox: Sandbox;
const files = new TempFiles();
let configPath: string;
let lookbackDays: number;
const configured = repoJson<Json>('integration_tests/configured_catalog.json');
let catalogPath: string;
let first: CliResult;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimit: false });
  // The sample config with the client-side pacing lifted (the sandbox does not rate limit here):
  // a single-stream read plans dozens of windows, and the re-reads below run many of them.
  configPath = files.write('config.json', sandboxConfig(sandbox.baseUrl, { requests_per_second: 1000, requests_per_minute: 60000 }));
  lookbackDays = repoJson<Json>('spec/spec.json').connectionSpecification.properties.lookback_window_days.default as number;
  catalogPath = files.write('catalog.json', incrementalOnly(configured));
  first = await runCli(['read', '--config', configPath, '--catalog', catalogPath]);
  expect(first.code).toBe(0);
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

const occurredMs = (record: Json): number => Date.parse(record.data.occurred_at as string);
/** Streams whose state also has changed_at (they catch later changes to older records). */
const CHANGE_STREAMS = ['leads', 'sales', 'subscriptions'] as const;
const TRACKS_CHANGES = new Set<string>([...CHANGE_STREAMS, 'lead_clicks']);
/** lead_clicks follow their leads: a click's place in the sync is its lead's creation time. */
const leadCreatedMs = (): Map<string, number> =>
  new Map(sandbox.records('leads').map((lead) => [lead.id as string, parseHyrosTimestamp(lead.creationDate) as number]));
const anchorMs = (stream: string, record: Json, leads: Map<string, number>): number =>
  stream === 'lead_clicks' ? (leads.get(record.data.leadId as string) as number) : occurredMs(record);
const dataOf = (records: Json[]): Json[] => records.map((r) => r.data as Json);
/** CAT's naive_diff_records: do the two reads' record data differ (ignoring order)? */
const differ = (a: Json[], b: Json[]): boolean => {
  const sort = (records: Json[]) => dataOf(records).map((d) => JSON.stringify(d)).sort();
  return !isDeepStrictEqual(sort(a), sort(b));
};

describe('two sequential reads (CAT test_two_sequential_reads)', () => {
  it('read 2, given the last state per stream, emits the lookback tail and the older records changed since: different records, nothing else', async () => {
    expect(recordsOf(first.messages).length).toBeGreaterThan(0);
    expect(statesOf(first.messages).length).toBeGreaterThan(0);
    const state = stateForNextRead(statesOf(first.messages));
    expect(state.map((s) => s.stream.stream_descriptor.name).sort()).toEqual([...INCREMENTAL_STREAMS].sort());
    for (const s of state) {
      const name = s.stream.stream_descriptor.name as string;
      expect(s.stream.stream_state, name).toEqual(TRACKS_CHANGES.has(name) ? { occurred_at: SYNC_END, changed_at: SYNC_END } : { occurred_at: SYNC_END });
    }
    const statePath = files.write('state-2.json', state);
    const second = await runCli(['read', '--config', configPath, '--catalog', catalogPath, '--state', statePath]);
    expect(second.code).toBe(0);
    const records2 = recordsOf(second.messages);
    expect(differ(recordsOf(first.messages), records2)).toBe(true);
    const floor = Date.parse(SYNC_END) - lookbackDays * DAY_MS;
    // The older records that changed since the cursor − lookback (the change pass), and the clicks of those leads.
    const run = { startMs: Date.parse('2026-01-01T00:00:00Z'), cursorMs: Date.parse(SYNC_END), endMs: Date.parse(SYNC_END), lookbackDays };
    const changed = new Set(CHANGE_STREAMS.flatMap((stream) => changePassRecords(stream, sandbox.records(stream), run).map((r) => `${stream}|${JSON.stringify([r.id])}`)));
    expect(changed.size).toBeGreaterThan(0);
    const leads = leadCreatedMs();
    const changedLead = (id: unknown) => changed.has(`leads|${JSON.stringify([id])}`);
    // Nothing inside the lookback is skipped: read 2 has every read-1 record from the floor on, the changed ones, and nothing else.
    const expected = recordsOf(first.messages)
      .filter((r) => anchorMs(r.stream, r, leads) >= floor || changed.has(recordKey(r.stream, r.data)) || (r.stream === 'lead_clicks' && changedLead(r.data.leadId)))
      .map((r) => recordKey(r.stream, r.data))
      .sort();
    expect(records2.map((r) => recordKey(r.stream, r.data)).sort()).toEqual(expected);
    for (const stream of INCREMENTAL_STREAMS) expect(statesOf(second.messages, stream).length, stream).toBeGreaterThanOrEqual(1);
  });
});

/** Runs the jobs at most `width` at a time. */
async function pool(width: number, jobs: Array<() => Promise<void>>): Promise<void> {
  const queue = [...jobs];
  const lane = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await job();
  };
  await Promise.all(Array.from({ length: width }, lane));
}

describe('sequential slices (CAT test_read_sequential_slices)', () => {
  /**
   * Per stream, as CAT does: read it alone; dedupe consecutive identical states (summing
   * recordCount) and drop the zero-count ones; at least one must remain. Then re-read from a sample
   * of the intermediate checkpoints (every len/5-th, not the first, not the last): each re-read
   * returns at least the records not counted up to that checkpoint, differs from the first read,
   * and (beyond CAT) contains every first-read record from the checkpoint's cursor on.
   */
  const checkStream = async (stream: string): Promise<number> => {
    const streamCatalog = files.write(`catalog-${stream}.json`, incrementalOnly(configured, [stream]));
    const read1 = await runCli(['read', '--config', configPath, '--catalog', streamCatalog]);
    expect(read1.code, stream).toBe(0);
    const records1 = recordsOf(read1.messages, stream);
    const total = records1.length;
    expect(total, stream).toBeGreaterThan(0);
    const unique: Array<{ state: Json; count: number }> = [];
    for (const state of statesOf(read1.messages, stream)) {
      const last = unique[unique.length - 1];
      const count = state.sourceStats.recordCount as number;
      if (last && isDeepStrictEqual(last.state.stream.stream_state, state.stream.stream_state)) last.count += count;
      else unique.push({ state, count });
    }
    const checkpoints = unique.filter((u) => u.count > 0);
    expect(checkpoints.length, `${stream}: no suitable state checkpoint, likely due to a zero record count`).toBeGreaterThanOrEqual(1);
    expect(checkpoints.reduce((sum, c) => sum + c.count, 0), `${stream}: recordCount adds up`).toBe(total);
    const sampleRate = Math.floor(checkpoints.length / 5) || 1;
    const jobs: Array<() => Promise<void>> = [];
    let counted = 0;
    checkpoints.forEach((checkpoint, idx) => {
      counted += checkpoint.count;
      if (idx === 0 || idx % sampleRate !== 0 || idx === checkpoints.length - 1) return;
      const expectedAtLeast = total - counted;
      const cursor = checkpoint.state.stream.stream_state.occurred_at as string;
      jobs.push(async () => {
        const statePath = files.write(`state-${stream}-${idx}.json`, stateForNextRead([checkpoint.state]));
        const next = await runCli(['read', '--config', configPath, '--catalog', streamCatalog, '--state', statePath]);
        expect(next.code, `${stream} from ${cursor}`).toBe(0);
        const recordsN = recordsOf(next.messages, stream);
        expect(recordsN.length, `${stream} from ${cursor}: at least ${total} − ${counted} records`).toBeGreaterThanOrEqual(expectedAtLeast);
        expect(differ(records1, recordsN), `${stream} from ${cursor}`).toBe(true);
        const got = new Set(recordsN.map((r) => r.data.id as string));
        const leads = leadCreatedMs();
        const lost = records1.filter((r) => anchorMs(stream, r, leads) >= Date.parse(cursor) && !got.has(r.data.id as string)).map((r) => r.data.id);
        expect(lost, `${stream} from ${cursor}`).toEqual([]);
      });
    });
    await pool(2, jobs);
    return jobs.length;
  };

  it('re-reading from sampled intermediate checkpoints returns at least the records not counted before them, and loses none', { timeout: 90_000 }, async () => {
    const tested = new Map<string, number>();
    await pool(2, INCREMENTAL_STREAMS.map((stream) => async () => void tested.set(stream, await checkStream(stream))));
    // Every stream had intermediate checkpoints to test: the check was not vacuous.
    for (const stream of INCREMENTAL_STREAMS) expect(tested.get(stream), stream).toBeGreaterThanOrEqual(1);
  });
});

describe('abnormally large state (CAT test_state_with_abnormally_large_values)', () => {
  it('integration_tests/abnormal_state.json: zero records, a state per stream that stays at the sync end, exit 0', async () => {
    const result = await runCli(['read', '--config', configPath, '--catalog', catalogPath, '--state', `${ROOT}/integration_tests/abnormal_state.json`]);
    expect(result.code).toBe(0);
    expect(recordsOf(result.messages)).toEqual([]);
    expect(statesOf(result.messages).length).toBeGreaterThanOrEqual(1);
    for (const stream of INCREMENTAL_STREAMS) {
      const states = statesOf(result.messages, stream);
      expect(states.length, stream).toBeGreaterThanOrEqual(1);
      for (const state of states) expect(Date.parse(state.stream.stream_state.occurred_at), stream).toBeLessThanOrEqual(Date.parse(SYNC_END));
    }
  });
});
