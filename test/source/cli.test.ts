/**
 * The CLI as Airbyte runs it: the built connector in a child process. Covers every command's happy
 * path and the error rows of the source's contract that apply to spec/check/discover (and catalog errors of read).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../integration_tests/sandbox/server.js';
import { ofType, recordsOf, runCli, statesOf } from '../helpers/cli.js';
import { catalogFor, TempFiles } from '../helpers/files.js';

const KEY = 'sandbox-key-CLI-7f3e9a';
let sandbox: Sandbox;
const files = new TempFiles();
const specFile = JSON.parse(readFileSync(new URL('../../spec/spec.json', import.meta.url), 'utf8'));

const config = (extra: Record<string, unknown> = {}) =>
  files.write(`config-${Math.random().toString(36).slice(2)}.json`, {
    api_key: KEY,
    start_date: '2026-01-01',
    end_date: '2026-03-01',
    base_url: sandbox.baseUrl,
    ...extra,
  });

function connectionStatus(messages: Array<Record<string, any>>) {
  const statuses = ofType(messages, 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  return statuses[0]?.connectionStatus as { status: string; message?: string };
}

beforeAll(async () => {
  sandbox = await startSandbox({ apiKey: KEY });
});
afterAll(async () => {
  await sandbox.close();
  files.cleanup();
});

describe('spec', () => {
  it('prints exactly one SPEC message equal to spec/spec.json, nothing else', async () => {
    const result = await runCli(['spec']);
    expect(result.code).toBe(0);
    expect(result.messages).toEqual([{ type: 'SPEC', spec: specFile }]);
    expect(result.stderr).toBe('');
  });
});

describe('check', () => {
  it('succeeds with a valid key', async () => {
    const result = await runCli(['check', '--config', config()]);
    expect(result.code).toBe(0);
    expect(connectionStatus(result.messages)).toEqual({ status: 'SUCCEEDED' });
  });

  it('fails with the API message and what to fix when the key is wrong (exit 0)', async () => {
    const result = await runCli(['check', '--config', config({ api_key: 'wrong-key-123456' })]);
    expect(result.code).toBe(0);
    expect(connectionStatus(result.messages)).toEqual({
      status: 'FAILED',
      message: 'Hyros rejected the API key (HTTP 401: Api key not valid). Check the API key under Settings → API in Hyros.',
    });
  });

  it.each([
    ['a config file that does not exist', () => `${files.dir}/missing.json`, /The config file .*missing\.json does not exist/],
    ['a config file that is not JSON', () => files.write('bad.json', '{"api_key": '), /The config file .*bad\.json is not valid JSON/],
    ['a config that is not an object', () => files.write('array.json', [1]), /must be a JSON object/],
    ['a schema violation', () => config({ start_date: '2026-02-30' }), /start_date: "2026-02-30" is not a real calendar date\/time: day 30 does not exist in February 2026/],
    [
      'a start_date offset past 18:00',
      () => config({ start_date: '2020-08-19T03:05:48+99:00' }),
      /^Invalid config: start_date: "2020-08-19T03:05:48\+99:00" is not a real calendar date\/time: offset \+99:00 is outside -18:00…\+18:00; expected YYYY-MM-DD/,
    ],
    ['http to a remote host', () => config({ base_url: 'http://api.hyros.com/v1/api/v1.0' }), /base_url: plain http:\/\/ is only allowed for a loopback host/],
    ['requests_per_second 0', () => config({ requests_per_second: 0 }), /requests_per_second: expected an integer from 1 to 1000/],
  ])('reports FAILED naming the problem for %s', async (_name, makePath, expected) => {
    const result = await runCli(['check', '--config', makePath()]);
    expect(result.code).toBe(0);
    const status = connectionStatus(result.messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(expected);
  });

  it('reports FAILED naming api_key, before any request, when the key cannot travel in a header', async () => {
    sandbox.resetStats();
    const result = await runCli(['check', '--config', config({ api_key: `${KEY}\u2019` })]);
    expect(result.code).toBe(0);
    expect(connectionStatus(result.messages)).toEqual({
      status: 'FAILED',
      message: expect.stringMatching(/^Invalid config: api_key: contains a character outside Latin-1 \(U\+2019 at position 23\) that cannot be sent in an HTTP header/),
    });
    expect(sandbox.stats().requests).toBe(0);
  });

  it('succeeds with a key copied with surrounding whitespace', async () => {
    const result = await runCli(['check', '--config', config({ api_key: `  ${KEY}\n` })]);
    expect(connectionStatus(result.messages)).toEqual({ status: 'SUCCEEDED' });
  });

  it('reports FAILED after its bounded retries when nothing listens at base_url', async () => {
    const port = await freePort();
    const result = await runCli(['check', '--config', config({ base_url: `http://127.0.0.1:${port}/v1/api/v1.0` })]);
    expect(result.code).toBe(0);
    const status = connectionStatus(result.messages);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/Could not reach Hyros at 127\.0\.0\.1:\d+: GET \/user-info failed after 2 retries; last error: ECONNREFUSED/);
  });

  it('reports FAILED within the bounded time when the server never answers', async () => {
    const silent = await silentServer();
    try {
      const result = await runCli(['check', '--config', config({ base_url: `http://127.0.0.1:${silent.port}/v1/api/v1.0`, request_timeout_seconds: 1 })]);
      const status = connectionStatus(result.messages);
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(/timed out after 1000 ms/);
    } finally {
      silent.server.close();
    }
  });
});

describe('discover', () => {
  it('lists every stream with keys, cursors and draft-07 schemas', async () => {
    const result = await runCli(['discover', '--config', config()]);
    expect(result.code).toBe(0);
    const catalogs = ofType(result.messages, 'CATALOG');
    expect(catalogs).toHaveLength(1);
    const streams = catalogs[0]?.catalog.streams as Array<Record<string, any>>;
    expect(streams.map((s) => s.name)).toEqual(['leads', 'sales', 'calls', 'subscriptions', 'carts', 'lead_clicks', 'sources', 'ads', 'ad_accounts', 'products', 'stages', 'tags']);
    const leads = streams[0] as Record<string, any>;
    expect(leads).toMatchObject({
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_cursor: true,
      default_cursor_field: ['occurred_at'],
      source_defined_primary_key: [['id']],
      is_resumable: true,
    });
    expect(leads.json_schema.properties.occurred_at).toEqual({ type: 'string', format: 'date-time' });
    for (const stream of streams) {
      expect(stream.json_schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(JSON.stringify(stream.json_schema)).not.toMatch(/"\$ref"|"allOf"|"anyOf"/);
    }
    expect(streams.find((s) => s.name === 'tags')).toMatchObject({ supported_sync_modes: ['full_refresh'], source_defined_primary_key: [['name']] });
  });

  it('fails with a config_error TRACE on an invalid config', async () => {
    const result = await runCli(['discover', '--config', config({ page_size: 0 })]);
    expect(result.code).toBe(1);
    const traces = ofType(result.messages, 'TRACE', 'ERROR');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.trace.error).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('page_size: expected an integer from 1 to 250') });
  });
});

describe('read input errors', () => {
  it('emits a TRACE ERROR and exits non-zero for an unknown stream and an invalid sync mode', async () => {
    const catalog = files.write('invalid-catalog.json', {
      streams: [{ stream: { name: '__AIRBYTE__stream_that_does_not_exist', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'INVALID', destination_sync_mode: 'append' }],
    });
    const result = await runCli(['read', '--config', config(), '--catalog', catalog]);
    expect(result.code).toBe(1);
    const traces = ofType(result.messages, 'TRACE', 'ERROR');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.trace.error.failure_type).toBe('config_error');
    expect(traces[0]?.trace.error.message).toContain('names the stream "__AIRBYTE__stream_that_does_not_exist", which this connector does not have');
  });

  it('rejects a sync mode that is not one', async () => {
    const catalog = files.write('bad-mode.json', { streams: [{ stream: { name: 'tags' }, sync_mode: 'sometimes', destination_sync_mode: 'append' }] });
    const result = await runCli(['read', '--config', config(), '--catalog', catalog]);
    expect(result.code).toBe(1);
    expect(ofType(result.messages, 'TRACE', 'ERROR')[0]?.trace.error.message).toContain('stream tags has sync_mode "sometimes"; it supports full_refresh');
  });

  it('reads a stream without a cursor asked for incrementally in full, as the Python CDK does (PyAirbyte asks every stream for incremental)', async () => {
    const catalog = files.write('incremental-tags.json', { streams: [{ stream: { name: 'tags' }, sync_mode: 'incremental', destination_sync_mode: 'overwrite' }] });
    const result = await runCli(['read', '--config', config(), '--catalog', catalog]);
    expect(result.code).toBe(0);
    expect(recordsOf(result.messages, 'tags')).toHaveLength(10);
    expect(statesOf(result.messages, 'tags').map((m) => m.stream.stream_state)).toEqual([{ __ab_no_cursor_state_message: true }]);
  });

  it('fails at once with a config_error naming api_key when the key has a control character', async () => {
    sandbox.resetStats();
    const catalog = files.write('sales-only.json', catalogFor(['sales']));
    const result = await runCli(['read', '--config', config({ api_key: `${KEY}\u0007` }), '--catalog', catalog]);
    expect(result.code).toBe(1);
    const traces = ofType(result.messages, 'TRACE', 'ERROR');
    expect(traces).toHaveLength(1);
    expect(traces[0]?.trace.error).toMatchObject({ failure_type: 'config_error', message: expect.stringContaining('api_key: contains a control character (U+0007 at position 23)') });
    expect(ofType(result.messages, 'RECORD')).toHaveLength(0);
    expect(sandbox.stats().requests).toBe(0);
  });

  it('names the state file when it is not JSON or its cursor is not a date', async () => {
    const catalog = files.write('leads.json', catalogFor(['leads']));
    const notJson = files.write('state-bad.json', '[{"type": "STREAM"');
    const badCursor = files.write('state-cursor.json', [{ type: 'STREAM', stream: { stream_descriptor: { name: 'leads' }, stream_state: { occurred_at: 'yesterday' } } }]);
    for (const [path, expected] of [
      [notJson, /The state file .*state-bad\.json is not valid JSON/],
      [badCursor, /The state file .*state-cursor\.json: stream leads has occurred_at "yesterday", which is not an ISO-8601 date-time/],
    ] as const) {
      const result = await runCli(['read', '--config', config(), '--catalog', catalog, '--state', path]);
      expect(result.code).toBe(1);
      const error = ofType(result.messages, 'TRACE', 'ERROR')[0]?.trace.error;
      expect(error.failure_type).toBe('config_error');
      expect(error.message).toMatch(expected);
    }
  });
});

describe('usage errors', () => {
  it.each([[[]], [['check']], [['read', '--config', 'x.json']], [['spec', '--bogus']], [['frobnicate']]])('%j prints usage on stderr and exits 2', async (args) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('source-hyros');
  });
});

describe('the API key never leaves the process', () => {
  it('does not appear in any output of succeeding and failing runs', async () => {
    const outputs: string[] = [];
    const catalog = files.write('all.json', catalogFor(['leads', 'sales', 'stages']));
    for (const args of [
      ['check', '--config', config()],
      ['discover', '--config', config()],
      ['read', '--config', config(), '--catalog', catalog],
      ['check', '--config', config({ base_url: 'http://127.0.0.1:1/v1/api/v1.0' })],
      ['read', '--config', config({ base_url: 'http://127.0.0.1:1/v1/api/v1.0', max_retries: 0 }), '--catalog', catalog],
      ['read', '--config', config({ page_size: 'many' }), '--catalog', catalog],
    ]) {
      const result = await runCli(args);
      outputs.push(result.stdout, result.stderr);
    }
    expect(outputs.join('\n')).toContain('RECORD');
    for (const output of outputs) expect(output).not.toContain(KEY);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function silentServer(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer(() => {
      /* accept and never answer */
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}
