/**
 * `npm run bench:cloud`: the two editions side by side on the same sandbox data, with Hyros' rate
 * limit on (30/s and 1000/min, counted by the sandbox at arrival): the TypeScript source (the built
 * bin) and the Cloud manifest run by airbyte-cdk's `source-declarative-manifest` (the Python test
 * environment's), each reading every stream both offer over the sandbox's two months in full, with
 * its default settings. Records, requests the sandbox served, 429s and wall time per run; the runs
 * alternate between the editions (the machine may be shared).
 * Options (env): BENCH_CLOUD_SCALE (40: the sandbox's default counts times this), BENCH_RUNS (3),
 * BENCH_LATENCY_MS (100: server time per request), AIRBYTE_VENV_DIR (.venv-airbyte).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_COUNTS, STREAMS as SANDBOX_STREAMS, type StreamName } from '../integration_tests/sandbox/dataset.js';
import { startSandbox } from '../integration_tests/sandbox/server.js';
import { cli, fmt, out, RANGE, runChild, spread, type Launch } from './bench-lib.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const scale = Number(process.env.BENCH_CLOUD_SCALE ?? 40);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 100);
const venv = resolve(root, process.env.AIRBYTE_VENV_DIR ?? '.venv-airbyte');
const declarativeManifest = join(venv, 'harness', 'bin', 'source-declarative-manifest');
const manifest = join(root, 'cloud', 'source-hyros', 'manifest.yaml');
// Every stream both editions offer (the Cloud edition has no lead_clicks).
const STREAMS = ['leads', 'sales', 'calls', 'subscriptions', 'carts', 'sources', 'ads', 'ad_accounts', 'products', 'stages', 'tags'];

interface Edition {
  name: string;
  launch: Launch;
  extraArgs: string[];
}

const EDITIONS: Edition[] = [
  { name: 'TypeScript source', launch: { bin: cli }, extraArgs: [] },
  { name: 'Cloud manifest', launch: { bin: declarativeManifest }, extraArgs: ['--manifest-path', manifest] },
];

async function main(): Promise<void> {
  if (!existsSync(declarativeManifest)) {
    throw new Error(`${declarativeManifest} is missing: set AIRBYTE_VENV_DIR to the Python environment of integration_tests/airbyte (scripts/airbyte/setup-venv.sh)`);
  }
  const counts = {} as Record<StreamName, number>;
  for (const stream of SANDBOX_STREAMS) counts[stream] = Math.round(DEFAULT_COUNTS[stream] * scale);
  const sandbox = await startSandbox({ counts, latencyMs, rateLimit: { perSecond: 30, perMinute: 1000 } });
  const work = mkdtempSync(join(tmpdir(), 'source-hyros-bench-cloud-'));
  const config = join(work, 'config.json');
  const catalog = join(work, 'catalog.json');
  writeFileSync(config, JSON.stringify({ api_key: 'sandbox-key', base_url: sandbox.baseUrl, ...RANGE }));
  writeFileSync(catalog, JSON.stringify({
    streams: STREAMS.map((name) => ({ stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' })),
  }));
  const served = STREAMS.reduce((sum, name) => sum + sandbox.records(name as StreamName).length, 0);
  out(`Cloud manifest vs TypeScript source: ${served} records in ${STREAMS.length} streams (sandbox scale ${scale}), ${latencyMs} ms per request, 30/s + 1000/min counted at arrival; ${runs} run(s) each, alternated`);
  const figures = new Map<string, { walls: number[]; requests: number[]; tooMany: number[]; records: number[] }>();
  try {
    for (let run = 1; run <= runs; run++) {
      for (const edition of EDITIONS) {
        sandbox.resetStats();
        sandbox.resetRateLimit();
        const result = await runChild(edition.launch, ['read', '--config', config, '--catalog', catalog, ...edition.extraArgs]);
        const stats = sandbox.stats();
        const tooMany = stats.status['429'] ?? 0;
        if (result.code !== 0) throw new Error(`${edition.name}: exit ${result.code}`);
        const entry = figures.get(edition.name) ?? { walls: [], requests: [], tooMany: [], records: [] };
        entry.walls.push(result.seconds);
        entry.requests.push(stats.requests);
        entry.tooMany.push(tooMany);
        entry.records.push(result.records);
        figures.set(edition.name, entry);
        out(`  run ${run} ${edition.name}: ${result.records} records, ${stats.requests} requests (${tooMany} × 429), ${fmt(result.seconds)} s, peak ${stats.maxPerSecond}/s, peak RSS ${fmt(result.peakRssMb, 0)} MB`);
      }
    }
  } finally {
    await sandbox.close();
    rmSync(work, { recursive: true, force: true });
  }
  out('');
  out('| edition | records | requests | 429s | wall, s: median (min–max) |');
  out('|---|---|---|---|---|');
  for (const [name, entry] of figures) {
    out(`| ${name} | ${spread(entry.records, 0)} | ${spread(entry.requests, 0)} | ${spread(entry.tooMany, 0)} | ${spread(entry.walls, 1)} |`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench-cloud: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
