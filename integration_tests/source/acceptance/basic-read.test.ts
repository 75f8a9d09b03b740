/**
 * CAT TestBasicRead and TestFullRefresh (Airbyte's connector acceptance tests) against the sandbox's default
 * dataset, and the drift check of integration_tests/expected_records.jsonl.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, recordsOf, runCli, statesOf, statusesOf, type CliResult } from '../../../test/helpers/cli.js';
import { TempFiles } from '../../../test/helpers/files.js';
import { EXPECTED_RECORDS_PATH } from '../generate-expected-records.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { parseJsonStrict, validate } from './json-schema.js';
import { ALL_STREAMS, fullRefreshCatalog, recordKey, repoJson, sandboxConfig, type Json } from './support.js';

let sandbox: Sandbox;
const files = new TempFiles();
let configPath: string;
let discovered: Map<string, Json>;
let read: CliResult;

beforeAll(async () => {
  sandbox = await startSandbox();
  configPath = files.write('config.json', sandboxConfig(sandbox.baseUrl));
  const discover = await runCli(['discover', '--config', configPath]);
  const streams = ofType(discover.messages, 'CATALOG')[0]?.catalog.streams as Json[];
  discovered = new Map(streams.map((s) => [s.name, s]));
  const catalog = files.write('catalog.json', fullRefreshCatalog(streams));
  read = await runCli(['read', '--config', configPath, '--catalog', catalog]);
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

const pkValues = (stream: string, data: Json): unknown[] =>
  (discovered.get(stream)?.source_defined_primary_key as string[][]).map((path) => path.reduce<any>((v, part) => (v == null ? undefined : v[part]), data));

describe('basic read of all twelve streams as full_refresh (CAT TestBasicRead)', () => {
  it('exits 0 and every configured stream has records', () => {
    expect(read.code).toBe(0);
    const counts = Object.fromEntries(ALL_STREAMS.map((s) => [s, recordsOf(read.messages, s).length]));
    expect(ALL_STREAMS.filter((s) => (counts[s] ?? 0) === 0)).toEqual([]);
  });

  it('every record validates against its discovered schema (strict integers, CAT date-time, no extra columns) and shares a field with it', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const line of read.stdout.split('\n')) {
      if (!line.startsWith('{"type":"RECORD"')) continue;
      const record = (parseJsonStrict(line) as Json).record as Json;
      const schema = discovered.get(record.stream)?.json_schema as Json;
      const errors = validate(schema, record.data, { failOnExtraColumns: true });
      if (!Object.keys(record.data).some((field) => field in schema.properties)) errors.push('shares no field with the schema');
      problems.push(...errors.map((e) => `${record.stream} ${JSON.stringify(pkValues(record.stream, record.data))} ${e}`));
      checked++;
    }
    expect(checked).toBe(recordsOf(read.messages).length);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('primary keys are non-null scalars, unique within each stream', () => {
    for (const stream of ALL_STREAMS) {
      const seen = new Set<string>();
      for (const record of recordsOf(read.messages, stream)) {
        const values = pkValues(stream, record.data);
        for (const value of values) expect(value === null || value === undefined || typeof value === 'object', `${stream} PK ${JSON.stringify(values)}`).toBe(false);
        seen.add(JSON.stringify(values));
      }
      expect(seen.size, stream).toBe(recordsOf(read.messages, stream).length);
    }
  });

  it('stream statuses: STARTED first, COMPLETE last, only RUNNING between, at least three per stream', () => {
    for (const stream of ALL_STREAMS) {
      const statuses = statusesOf(read.messages, stream);
      expect(statuses.length, stream).toBeGreaterThanOrEqual(3);
      expect(statuses[0], stream).toBe('STARTED');
      expect(statuses[statuses.length - 1], stream).toBe('COMPLETE');
      expect(new Set(statuses.slice(1, -1)), stream).toEqual(new Set(['RUNNING']));
    }
  });

  it('state messages: every stream has one, all STREAM with sourceStats, and recordCount adds up to the records', () => {
    const states = statesOf(read.messages);
    expect(states.length).toBeGreaterThanOrEqual(ALL_STREAMS.length);
    for (const state of states) {
      expect(state.type).toBe('STREAM');
      expect(Number.isInteger(state.sourceStats?.recordCount)).toBe(true);
    }
    for (const stream of ALL_STREAMS) {
      const own = statesOf(read.messages, stream);
      expect(own.length, stream).toBeGreaterThanOrEqual(1);
      const counted = own.reduce((sum, s) => sum + (s.sourceStats.recordCount as number), 0);
      expect(counted, stream).toBe(recordsOf(read.messages, stream).length);
    }
  });

  it('every record of integration_tests/expected_records.jsonl is read (CAT expect_records by primary key)', () => {
    const actual = new Set(recordsOf(read.messages).map((r) => recordKey(r.stream, r.data)));
    const expected = readFileSync(EXPECTED_RECORDS_PATH, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Json);
    expect(expected.length).toBeGreaterThan(0);
    for (const line of expected) expect(Object.keys(line).sort()).toEqual(['data', 'emitted_at', 'stream']);
    expect(expected.map((r) => recordKey(r.stream, r.data)).filter((key) => !actual.has(key))).toEqual([]);
  });

  it('expected_records.jsonl has not drifted from what the connector emits (regenerate: node dist/integration_tests/generate-expected-records.js)', () => {
    const expected = new Map<string, Json>();
    for (const line of readFileSync(EXPECTED_RECORDS_PATH, 'utf8').trim().split('\n')) {
      const record = JSON.parse(line) as Json;
      expected.set(recordKey(record.stream, record.data), record.data);
    }
    const actual = new Map<string, Json>(recordsOf(read.messages).map((r) => [recordKey(r.stream, r.data), r.data]));
    const missing = [...expected.keys()].filter((key) => !actual.has(key));
    const extra = [...actual.keys()].filter((key) => !expected.has(key));
    const changed = [...expected.keys()].filter((key) => actual.has(key) && !isDeepStrictEqual(actual.get(key), expected.get(key)));
    expect({ missing, extra, changed }).toEqual({ missing: [], extra: [], changed: [] });
  });

  it('a catalog with an unknown stream and sync_mode INVALID ends in a TRACE ERROR and a non-zero exit', async () => {
    const catalog = files.write('invalid-catalog.json', {
      streams: [
        {
          stream: {
            name: '__AIRBYTE__stream_that_does_not_exist',
            json_schema: { type: 'object', properties: { f1: { type: 'string' } } },
            supported_sync_modes: ['full_refresh'],
          },
          sync_mode: 'INVALID',
          destination_sync_mode: 'INVALID',
        },
      ],
    });
    const { code, messages } = await runCli(['read', '--config', configPath, '--catalog', catalog]);
    expect(code).not.toBe(0);
    const errors = ofType(messages, 'TRACE', 'ERROR');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.trace.error.message).toMatch(/__AIRBYTE__stream_that_does_not_exist/);
    expect(recordsOf(messages)).toEqual([]);
  });
});

describe('full refresh (CAT TestFullRefresh.test_sequential_reads)', () => {
  it('two sequential reads both return the same records, every emitted_at of read 2 after every one of read 1', async () => {
    const configured = repoJson<Json>('integration_tests/configured_catalog.json');
    const catalog = files.write('full-refresh.json', {
      streams: configured.streams.map((s: Json) => ({ ...s, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
    });
    const first = await runCli(['read', '--config', configPath, '--catalog', catalog]);
    const second = await runCli(['read', '--config', configPath, '--catalog', catalog]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const records1 = recordsOf(first.messages);
    const records2 = recordsOf(second.messages);
    expect(records1.length).toBeGreaterThan(0);
    expect(records2.length).toBeGreaterThan(0);
    const maxFirst = Math.max(...records1.map((r) => r.emitted_at as number));
    const minSecond = Math.min(...records2.map((r) => r.emitted_at as number));
    expect(maxFirst).toBeLessThan(minSecond);
    for (const r of [...records1, ...records2]) expect(Number.isInteger(r.emitted_at)).toBe(true);
    const keys = (records: Json[]) => records.map((r) => recordKey(r.stream, r.data)).sort();
    expect(keys(records2)).toEqual(keys(records1));
  });
});
