/**
 * The destination's acceptance files (integration_tests/destination-hyros/) proven valid: the built CLI
 * runs with them against the sandbox — the suites of their acceptance-test-config.yml the way CAT runs
 * them (spec, connection), a dry run and a real write of sample_messages.jsonl on stdin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESTINATION_CLI_PATH, ofType, runCli, type CliResult } from '../../test/helpers/cli.js';
import { TempFiles } from '../../test/helpers/files.js';
import { DESTINATION_METADATA_FILE, parseSimpleYaml, readMetadata, repoRoot } from '../image/packaging-facts.js';
import { startSandbox, type Sandbox } from '../sandbox/server.js';

type Json = Record<string, any>;

const ROOT = repoRoot();
const DIR = 'integration_tests/destination-hyros';
const file = (name: string): string => readFileSync(join(ROOT, DIR, name), 'utf8');
const json = (name: string): Json => JSON.parse(file(name)) as Json;

const catalog = json('configured_catalog.json');
const messages: Json[] = file('sample_messages.jsonl')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Json);
const records = messages.filter((m) => m.type === 'RECORD').map((m) => m.record as Json);
const states = messages.filter((m) => m.type === 'STATE').map((m) => m.state as Json);
const streamNames: string[] = catalog.streams.map((s: Json) => s.stream.name as string);

/** The Hyros object each sample stream feeds, by its name. */
const OBJECT_OF_STREAM: Record<string, string> = { orders: 'order', leads: 'lead', calls: 'call', refunds: 'refund', subscriptions: 'subscription', carts: 'cart' };

/** A record's natural key, read with its stream's primary_key in the configured catalog. */
function keyOf(record: Json): string {
  const configured = catalog.streams.find((s: Json) => s.stream.name === record.stream);
  const [path] = configured.primary_key as string[][];
  return String(path!.reduce<any>((value, part) => value?.[part], record.data));
}

let sandbox: Sandbox;
const files = new TempFiles();

beforeAll(async () => {
  sandbox = await startSandbox({ processingDelayMs: 300 });
});
afterAll(async () => {
  await sandbox?.close();
  files.cleanup();
});

/** A config file of this folder, aimed at the sandbox. */
function configFile(name: string, overrides: Json = {}): string {
  return files.write(`${name}-${Math.random().toString(36).slice(2)}`, { ...json(name), base_url: sandbox.baseUrl, ...overrides });
}

function destination(args: string[], input?: string): Promise<CliResult> {
  return runCli(args, { bin: DESTINATION_CLI_PATH, timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });
}

function write(config: string, extra: string[] = []): Promise<CliResult> {
  return destination(['write', '--config', config, '--catalog', join(ROOT, DIR, 'configured_catalog.json'), ...extra], file('sample_messages.jsonl'));
}

const logs = (r: CliResult, level: string): string[] => ofType(r.messages, 'LOG').filter((m) => m.log.level === level).map((m) => m.log.message as string);

function explain(r: CliResult): string {
  return `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-1000)}`;
}

describe('the sample files', () => {
  it('cover the six streams, each append_dedup with a primary key, and every record belongs to one of them', () => {
    expect(streamNames.sort()).toEqual(Object.keys(OBJECT_OF_STREAM).sort());
    for (const s of catalog.streams) {
      expect(s.destination_sync_mode, s.stream.name).toBe('append_dedup');
      expect(s.primary_key, s.stream.name).toHaveLength(1);
    }
    for (const record of records) expect(streamNames).toContain(record.stream);
    for (const name of streamNames) expect(records.some((r) => r.stream === name), name).toBe(true);
    // Each STATE's sourceStats counts the records of its stream since that stream's previous STATE.
    const since = new Map<string, number>();
    for (const m of messages) {
      if (m.type === 'RECORD') since.set(m.record.stream, (since.get(m.record.stream) ?? 0) + 1);
      else {
        const name = m.state.stream.stream_descriptor.name;
        expect(m.state.sourceStats.recordCount, name).toBe(since.get(name) ?? 0);
        since.set(name, 0);
      }
    }
  });
});

describe('acceptance-test-config.yml, run the way CAT runs it', () => {
  const config = parseSimpleYaml(file('acceptance-test-config.yml')) as Json;
  /** Paths are relative to this folder; secrets/config.json and secrets/invalid_config.json are the
   * sample and invalid configs aimed at the sandbox (what integration_tests/airbyte/ writes there). */
  const resolveConfig = (path: string): string => {
    const name = path.replace(/^secrets\//, '');
    return configFile(name === 'config.json' ? 'sample_config.json' : name);
  };

  it('names the destination image of its metadata', () => {
    expect(config.connector_image).toBe(`${readMetadata(ROOT, DESTINATION_METADATA_FILE).data.dockerRepository}:dev`);
  });

  it('spec: the SPEC equals spec_path', async () => {
    const tests = config.acceptance_tests.spec.tests as Json[];
    expect(tests.length).toBeGreaterThan(0);
    const r = await destination(['spec']);
    expect(r.code, explain(r)).toBe(0);
    for (const t of tests) expect(ofType(r.messages, 'SPEC')[0]?.spec).toEqual(JSON.parse(readFileSync(join(ROOT, DIR, t.spec_path), 'utf8')));
  });

  it('connection: each config gets the status the file expects', async () => {
    const tests = config.acceptance_tests.connection.tests as Json[];
    expect(tests.map((t) => t.status).sort()).toEqual(['failed', 'succeed']);
    for (const t of tests) {
      const r = await destination(['check', '--config', resolveConfig(t.config_path)]);
      expect(r.code, explain(r)).toBe(0);
      expect(ofType(r.messages, 'CONNECTION_STATUS')[0]?.connectionStatus.status, t.config_path).toBe(t.status === 'succeed' ? 'SUCCEEDED' : 'FAILED');
    }
  });
});

describe('invalid_config.json', () => {
  it('fails check naming the field, before any request', async () => {
    sandbox.resetStats();
    const r = await destination(['check', '--config', configFile('invalid_config.json')]);
    expect(r.code, explain(r)).toBe(0);
    const status = ofType(r.messages, 'CONNECTION_STATUS')[0]?.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/\bwrite_confirmation\b/);
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe('sample_messages.jsonl through write', () => {
  it('--dry-run: every record valid, nothing sent, no state echoed', async () => {
    sandbox.resetStats();
    const r = await write(configFile('sample_config.json'), ['--dry-run']);
    expect(r.code, explain(r)).toBe(0);
    expect(sandbox.stats().requests).toBe(0);
    expect(ofType(r.messages, 'STATE')).toEqual([]);
    expect(logs(r, 'WARN')).toEqual([]);
    for (const name of streamNames) {
      const count = records.filter((rec) => rec.stream === name).length;
      expect(logs(r, 'INFO'), name).toContainEqual(expect.stringMatching(new RegExp(`^Stream public\\.${name}: ${count} valid .*, 0 rejected, 0 invalid,`)));
    }
  });

  it('a real write: every record accepted, every state echoed with destinationStats, each key written once', async () => {
    const r = await write(configFile('sample_config.json', { max_rejected_percent: 0 }));
    expect(r.code, explain(r)).toBe(0);
    expect(ofType(r.messages, 'TRACE', 'ERROR')).toEqual([]);
    expect(logs(r, 'WARN')).toEqual([]);

    // Per stream, in the order received, every property kept, destinationStats = the source's count.
    const echoed = ofType(r.messages, 'STATE').map((m) => m.state);
    expect(echoed).toHaveLength(states.length);
    for (const name of streamNames) {
      const of = (list: Json[]) => list.filter((s) => s.stream.stream_descriptor.name === name);
      expect(of(echoed), name).toEqual(
        of(states).map((s) => ({ ...s, destinationStats: { recordCount: s.sourceStats.recordCount, rejectedRecordCount: 0 } })),
      );
    }

    await sandbox.settle();
    const written = sandbox.writes().map((w) => `${w.object}:${w.key}`).sort();
    expect(written).toEqual(records.map((rec) => `${OBJECT_OF_STREAM[rec.stream]}:${keyOf(rec)}`).sort());
    expect(sandbox.writes().filter((w) => w.status !== 'PROCESSED')).toEqual([]);
    expect(sandbox.duplicates()).toEqual([]);

    // The refund reached the order it names, after that order was processed.
    for (const refund of records.filter((rec) => rec.stream === 'refunds')) {
      const [sales] = sandbox.entityRecords('order', refund.data.order_id);
      const refunded = (sales ?? []).reduce((sum, sale: Json) => sum + Number(sale.price?.refunded ?? 0), 0);
      expect(refunded, refund.data.order_id).toBeCloseTo(Number(refund.data.refunded_amount), 2);
    }
  });
});
