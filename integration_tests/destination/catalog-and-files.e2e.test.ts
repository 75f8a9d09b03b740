/**
 * destination-hyros as a new user meets it, through the built CLI against the sandbox: a record of a
 * stream (name and namespace) the catalog does not hold stops the write, never silently skipped;
 * `rejected_records_path` is checked before anything is written, and a dry run does not leave rows a
 * real run adds again; `--state-out` keeps the source's next `--state`; a base_url without the API
 * path is named as such; a failed write leaves one line on stderr.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, DESTINATION_CLI_PATH, ofType, runCli } from '../../test/helpers/cli.js';
import { TempFiles } from '../../test/helpers/files.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';
import { catalog, orderRow, runWrite, streamInput, traceErrors, type Row } from './support.js';

let sandbox: Sandbox | undefined;
beforeAll(() => assertBuilt());
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const nsRecord = (stream: string, namespace: string | null | undefined, data: Row): string =>
  JSON.stringify({ type: 'RECORD', record: { stream, ...(namespace === undefined ? {} : { namespace }), data, emitted_at: 1 } });
const nsState = (stream: string, namespace: string | undefined, cursor: number, count: number): string =>
  JSON.stringify({
    type: 'STATE',
    state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace === undefined ? {} : { namespace }) }, stream_state: { cursor } }, sourceStats: { recordCount: count } },
  });
const namespacedCatalog = (streams: Array<{ name: string; namespace?: string }>) => ({
  streams: streams.map(({ name, namespace }) => ({
    stream: { name, ...(namespace === undefined ? {} : { namespace }), json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: 'incremental',
    destination_sync_mode: 'append_dedup',
  })),
});
const orderIds = (sb: Sandbox): string[] => sb.writes().filter((w) => w.object === 'order').map((w) => w.key as string).sort();
const tempDir = () => mkdtempSync(join(tmpdir(), 'dest-files-'));

describe('a record of a stream the catalog does not hold', () => {
  it('stops the write: one TRACE ERROR naming both, no state after it, the record and the rest never sent', async () => {
    sandbox = await startSandbox({ processingDelayMs: 50 });
    const input = [
      nsRecord('orders', 'crm', orderRow(0)),
      nsRecord('orders', 'crm', orderRow(1)),
      nsState('orders', 'crm', 2, 2),
      // The same stream name without the catalog's namespace (a source that sends none).
      nsRecord('orders', undefined, orderRow(2)),
      nsRecord('orders', 'crm', orderRow(3)),
      nsState('orders', 'crm', 4, 2),
    ];
    const result = await runWrite(sandbox, input, { catalog: namespacedCatalog([{ name: 'orders', namespace: 'crm' }, { name: 'leads' }]) });
    expect(result.code).toBe(1);
    const message =
      'Message contained a record of stream orders (no namespace), which is not in the configured catalog (it holds orders (namespace crm), leads (no namespace)). ' +
      'The write stopped there: that record and everything after it were not written, and no later state was echoed. ' +
      "Make the catalog's stream names and namespaces match the records' (a source's namespace is often its schema name).";
    expect(traceErrors(result)).toEqual([{ message, failure_type: 'config_error' }]);
    expect(result.states.map((s) => [s.stream.stream_descriptor, s.stream.stream_state.cursor, s.destinationStats])).toEqual([
      [{ name: 'orders', namespace: 'crm' }, 2, { recordCount: 2, rejectedRecordCount: 0 }],
    ]);
    expect(orderIds(sandbox)).toEqual(['S-1000', 'S-1001']);
    expect(result.stderr).toBe(`destination-hyros: ${message}\n`);
  });

  it('a namespace the catalog lacks is named; a record whose namespace is null or "" matches a catalog stream without one', async () => {
    sandbox = await startSandbox({ processingDelayMs: 50 });
    const input = [nsRecord('orders', null, orderRow(0)), nsRecord('orders', '', orderRow(1)), nsRecord('orders', undefined, orderRow(2)), nsState('orders', undefined, 3, 3), nsRecord('orders', 'public', orderRow(3))];
    const result = await runWrite(sandbox, input, { catalog: catalog(['orders']) });
    expect(result.code).toBe(1);
    expect(traceErrors(result).map((e) => e.message)).toEqual([expect.stringMatching(/^Message contained a record of stream orders \(namespace public\), which is not in the configured catalog \(it holds orders \(no namespace\)\)\. /)]);
    expect(result.states.map((s) => s.destinationStats)).toEqual([{ recordCount: 3, rejectedRecordCount: 0 }]);
    expect(orderIds(sandbox)).toEqual(['S-1000', 'S-1001', 'S-1002']);
  });
});

describe('rejected_records_path', () => {
  async function check(sb: Sandbox, config: Record<string, unknown>) {
    const files = new TempFiles();
    try {
      const path = files.write('config.json', { api_key: 'sandbox-key', base_url: sb.baseUrl, ...config });
      const result = await runCli(['check', '--config', path], { bin: DESTINATION_CLI_PATH });
      return { result, status: ofType(result.messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus) };
    } finally {
      files.cleanup();
    }
  }

  it('check: FAILED when its folder does not exist or it is a folder, without creating anything; SUCCEEDED (file not created) when writable', async () => {
    sandbox = await startSandbox();
    const dir = tempDir();
    const missing = join(dir, 'no-such-folder', 'rejected.jsonl');
    const inMissing = await check(sandbox, { rejected_records_path: missing });
    expect(inMissing.result.code).toBe(0);
    expect(inMissing.status).toEqual([
      { status: 'FAILED', message: `rejected_records_path ${missing} is in a folder that does not exist (${join(dir, 'no-such-folder')}): give a file in an existing folder this user may write, or leave rejected_records_path empty.` },
    ]);
    expect(existsSync(join(dir, 'no-such-folder'))).toBe(false);
    expect((await check(sandbox, { rejected_records_path: dir })).status).toEqual([
      { status: 'FAILED', message: `rejected_records_path ${dir} is a folder: give a file in an existing folder this user may write, or leave rejected_records_path empty.` },
    ]);
    const fine = join(dir, 'rejected.jsonl');
    const ok = await check(sandbox, { rejected_records_path: fine });
    expect(ok.status.map((s) => s.status)).toEqual(['SUCCEEDED']);
    expect(existsSync(fine)).toBe(false);
  });

  it('write: the same text as a config_error before any request', async () => {
    sandbox = await startSandbox();
    const dir = tempDir();
    const missing = join(dir, 'nope', 'rejected.jsonl');
    const result = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { config: { rejected_records_path: missing } });
    expect(result.code).toBe(1);
    expect(traceErrors(result).map((e) => [e.failure_type, e.message])).toEqual([
      ['config_error', `rejected_records_path ${missing} is in a folder that does not exist (${join(dir, 'nope')}): give a file in an existing folder this user may write, or leave rejected_records_path empty.`],
    ]);
    expect(sandbox.stats().requests).toBe(0);
  });

  it('a dry run lists its invalid rows beside the file, replaced each dry run; the real run lists each bad row once', async () => {
    sandbox = await startSandbox({ processingDelayMs: 50 });
    const dir = tempDir();
    const rejectedPath = join(dir, 'rejected.jsonl');
    const dryRunPath = join(dir, 'rejected.dry-run.jsonl');
    const rows = [orderRow(0), { ...orderRow(1), occurred_at: 'last tuesday' }, orderRow(2), { ...orderRow(3), email: 'not-an-email' }];
    const input = streamInput('orders', rows, 4);
    const config = { rejected_records_path: rejectedPath, max_rejected_percent: 60 };
    const keys = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { key: string }).key).sort();

    for (let dry = 0; dry < 2; dry++) {
      const dryRun = await runWrite(sandbox, input, { config, args: ['--dry-run'] });
      expect(dryRun.code).toBe(0);
      expect(keys(dryRunPath)).toEqual(['order:S-1001', 'order:S-1003']);
      expect(existsSync(rejectedPath)).toBe(false);
      expect(ofType(dryRun.messages, 'LOG').map((m) => m.log.message)).toContain(
        `Dry run: records are validated and mapped, nothing is sent to Hyros, and no state is echoed. Invalid records are listed in ${dryRunPath} (replaced on every dry run), not in rejected_records_path.`,
      );
    }
    const real = await runWrite(sandbox, input, { config });
    expect(real.code).toBe(0);
    expect(keys(rejectedPath)).toEqual(['order:S-1001', 'order:S-1003']);
    expect(keys(dryRunPath)).toEqual(['order:S-1001', 'order:S-1003']);
    expect(orderIds(sandbox)).toEqual(['S-1000', 'S-1002']);
  });
});

describe('write --state-out', () => {
  it('keeps the last echoed state of every stream, over the states already in the file; a dry run leaves it alone', async () => {
    sandbox = await startSandbox({ processingDelayMs: 50 });
    const dir = tempDir();
    const statePath = join(dir, 'state.json');
    // What an earlier run left: a stream this run's input does not carry keeps its state.
    const earlier = [{ type: 'STREAM', stream: { stream_descriptor: { name: 'calls', namespace: 'crm' }, stream_state: { cursor: 7 } } }];
    writeFileSync(statePath, JSON.stringify(earlier));
    const input = [
      nsRecord('orders', 'crm', orderRow(0)),
      nsState('orders', 'crm', 1, 1),
      nsRecord('leads', 'crm', { email: 'lead1@example.com' }),
      nsState('leads', 'crm', 1, 1),
      nsRecord('orders', 'crm', orderRow(1)),
      nsState('orders', 'crm', 2, 1),
    ];
    const streams = namespacedCatalog([{ name: 'orders', namespace: 'crm' }, { name: 'leads', namespace: 'crm' }]);
    const dry = await runWrite(sandbox, input, { catalog: streams, args: ['--dry-run', '--state-out', statePath] });
    expect(dry.code).toBe(0);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual(earlier);

    const result = await runWrite(sandbox, input, { catalog: streams, args: ['--state-out', statePath] });
    expect(result.code).toBe(0);
    expect(result.states).toHaveLength(3);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toEqual([
      ...earlier,
      { type: 'STREAM', stream: { stream_descriptor: { name: 'orders', namespace: 'crm' }, stream_state: { cursor: 2 } } },
      { type: 'STREAM', stream: { stream_descriptor: { name: 'leads', namespace: 'crm' }, stream_state: { cursor: 1 } } },
    ]);
  });

  it('a file that is not a state: a config_error naming it, before anything is sent', async () => {
    sandbox = await startSandbox();
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const statePath = join(dir, 'sub', 'state.json');
    writeFileSync(statePath, 'not json');
    const result = await runWrite(sandbox, streamInput('orders', [orderRow(0)], 1), { args: ['--state-out', statePath] });
    expect(result.code).toBe(1);
    expect(traceErrors(result).map((e) => e.message)).toEqual([expect.stringMatching(new RegExp(`^--state-out ${statePath.replace(/[.]/g, '\\.')} already exists and is not a state file \\(.+\\); remove it, or name another file\\.$`))]);
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe('base_url without the API path', () => {
  it('check: FAILED naming base_url and the expected /v1/api/v1.0 path', async () => {
    sandbox = await startSandbox();
    const origin = sandbox.url.replace(/\/$/, '');
    const files = new TempFiles();
    try {
      const result = await runCli(['check', '--config', files.write('config.json', { api_key: 'sandbox-key', base_url: origin })], { bin: DESTINATION_CLI_PATH });
      expect(result.code).toBe(0);
      expect(ofType(result.messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus)).toEqual([
        {
          status: 'FAILED',
          message: `base_url ${origin} does not lead to the Hyros API: GET /user-info answered HTTP 404: Not found. Set base_url to the API root, which ends in the path /v1/api/v1.0 (default https://api.hyros.com/v1/api/v1.0). Did you mean ${origin}/v1/api/v1.0?`,
        },
      ]);
    } finally {
      files.cleanup();
    }
  });

  it('write: the same text, once, and on stderr', async () => {
    sandbox = await startSandbox();
    const origin = sandbox.url.replace(/\/$/, '');
    const result = await runWrite(sandbox, streamInput('orders', [orderRow(0), orderRow(1)], 2), { config: { base_url: origin } });
    expect(result.code).toBe(1);
    const [error, ...more] = traceErrors(result);
    expect(more).toEqual([]);
    expect(error?.failure_type).toBe('config_error');
    expect(error?.message).toMatch(/^base_url http:\/\/127\.0\.0\.1:\d+ does not lead to the Hyros API: GET \/user-info answered HTTP 404/);
    expect(result.stderr).toBe(`destination-hyros: ${error?.message}\n`);
    expect(result.states).toEqual([]);
  });
});
