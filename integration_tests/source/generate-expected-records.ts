/**
 * Regenerates integration_tests/expected_records.jsonl — CAT basic_read's `expect_records` — by
 * running the built connector against the sandbox's default dataset, the way CAT's basic_read does
 * (sample_config.json, every discovered stream as full_refresh):
 *
 *   npm run build && node dist/integration_tests/generate-expected-records.js
 *
 * Lines are sorted by stream (catalog order) and primary key, and `emitted_at` is a fixed instant
 * (CAT does not compare it), so the file only changes when records change.
 * integration_tests/acceptance/basic-read.test.ts fails when the file drifts from the connector.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSandbox } from '../sandbox/server.js';
import { ALL_STREAMS, fullRefreshCatalog, recordKey, ROOT, sandboxConfig, type Json } from './acceptance/support.js';

export const EXPECTED_RECORDS_PATH = join(ROOT, 'integration_tests', 'expected_records.jsonl');

/** 2026-03-01T00:00:00Z, the sample config's end_date: a stable stand-in for the wall clock. */
export const EXPECTED_EMITTED_AT = Date.UTC(2026, 2, 1);

/** The file's lines for these records: one {"stream","data","emitted_at"} each, in a stable order. */
export function expectedRecordLines(records: ReadonlyArray<{ stream: string; data: Json }>): string[] {
  const order = (stream: string) => {
    const index = ALL_STREAMS.indexOf(stream);
    if (index < 0) throw new Error(`unknown stream ${stream}`);
    return index;
  };
  return [...records]
    .map((r) => ({ r, key: recordKey(r.stream, r.data) }))
    .sort((a, b) => order(a.r.stream) - order(b.r.stream) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ r }) => JSON.stringify({ stream: r.stream, data: r.data, emitted_at: EXPECTED_EMITTED_AT }));
}

function runConnector(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'source', 'main.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const messagesOf = (stdout: string): Json[] =>
  stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Json);

/** Runs discover + read against a default sandbox and returns the expected-records lines. */
export async function generateExpectedRecords(): Promise<string[]> {
  const sandbox = await startSandbox();
  const dir = mkdtempSync(join(tmpdir(), 'source-hyros-expected-'));
  try {
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, JSON.stringify(sandboxConfig(sandbox.baseUrl)));
    const discover = await runConnector(['discover', '--config', configPath]);
    const catalog = messagesOf(discover.stdout).find((m) => m.type === 'CATALOG')?.catalog;
    if (discover.code !== 0 || !catalog) throw new Error(`discover failed (exit ${discover.code}):\n${discover.stdout}${discover.stderr}`);
    const catalogPath = join(dir, 'catalog.json');
    writeFileSync(catalogPath, JSON.stringify(fullRefreshCatalog(catalog.streams)));
    const read = await runConnector(['read', '--config', configPath, '--catalog', catalogPath]);
    if (read.code !== 0) throw new Error(`read failed (exit ${read.code}):\n${read.stdout.slice(-4000)}${read.stderr}`);
    return expectedRecordLines(messagesOf(read.stdout).filter((m) => m.type === 'RECORD').map((m) => m.record as { stream: string; data: Json }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const lines = await generateExpectedRecords();
  writeFileSync(EXPECTED_RECORDS_PATH, `${lines.join('\n')}\n`);
  process.stderr.write(`wrote ${lines.length} records to ${EXPECTED_RECORDS_PATH}\n`);
}
