/**
 * `npm run bench`: performance figures of the connector against the bundled sandbox (a benchmark,
 * not a test). Prints, measured in one run:
 *   1. rate-limit efficiency: ~250 pages of sales at 200 ms latency under 30/s + 1000/min: wall time
 *      vs the bound (pages ÷ 30 s), 429s received; and the same read one page at a time, for the ratio;
 *   2. throughput: ~300 000 sales with no latency and limits raised: records/s of the connector vs a
 *      bare fetch + JSON.stringify loop;
 *   3. peak RSS of the connector during (2), and `spec` start-up time;
 *   4. change passes: the requests that catching later changes costs (scripts/bench-changes.ts).
 * Options (env): BENCH_PAGES (default 250), BENCH_RECORDS (default 300000), BENCH_SKIP_SEQUENTIAL=1,
 * BENCH_ONLY=4 (only section 4).
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../integration_tests/sandbox/server.js';
import { benchChangePasses } from './bench-changes.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const cli = join(root, 'dist', 'src', 'main.js');
const bareLoop = join(root, 'dist', 'scripts', 'bare-loop.js');
const work = mkdtempSync(join(tmpdir(), 'source-hyros-bench-'));
const RANGE = { start_date: '2026-01-01', end_date: '2026-03-01' };
const pagesWanted = Number(process.env.BENCH_PAGES ?? 250);
const recordsWanted = Number(process.env.BENCH_RECORDS ?? 300_000);

interface RunFigures {
  seconds: number;
  lines: number;
  records: number;
  peakRssMb: number;
  code: number | null;
}

/** Runs a node script, counts stdout lines (and RECORD lines), samples the child's RSS. */
function runChild(script: string, args: string[]): Promise<RunFigures> {
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    // The connector runs as its bin (as `npx source-hyros` and the image do), so its shebang flags apply.
    const child = script === cli ? spawn(cli, args, { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    let records = 0;
    let peakKb = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        peakKb = Math.max(peakKb, hwm);
      } catch {
        // the process has exited
      }
    };
    const sampler = setInterval(sample, 50);
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const text = tail + chunk;
      let index = text.indexOf('\n');
      let from = 0;
      while (index !== -1) {
        lines++;
        if (text.startsWith('{"type":"RECORD"', from)) records++;
        from = index + 1;
        index = text.indexOf('\n', from);
      }
      tail = text.slice(from);
      sample();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      resolvePromise({ seconds, lines, records, peakRssMb: peakKb / 1024, code });
    });
  });
}

function connectorFiles(name: string, sandbox: Sandbox, extra: Record<string, unknown>): string[] {
  const config = join(work, `${name}-config.json`);
  const catalog = join(work, `${name}-catalog.json`);
  writeFileSync(config, JSON.stringify({ api_key: 'sandbox-key', base_url: sandbox.baseUrl, ...RANGE, ...extra }));
  writeFileSync(
    catalog,
    JSON.stringify({ streams: [{ stream: { name: 'sales', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] }),
  );
  return ['read', '--config', config, '--catalog', catalog];
}

const onlySales = (sales: number) => ({ leads: 0, sales, calls: 0, subscriptions: 0, carts: 0 });
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const rows: string[][] = [];
const out = (text: string) => process.stdout.write(`${text}\n`);

try {
  if (process.env.BENCH_ONLY !== '4') await benchMain();
  // 4. Change passes (their own section, self-contained).
  out('4. change passes: a daily incremental run on 60 days, 60 000 sales, 20 000 leads, 3 000 subscriptions');
  rows.push(...(await benchChangePasses(cli, work)));
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  out('');
  for (const row of rows) out(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function benchMain(): Promise<void> {
  // 1. Rate-limit efficiency.
  out(`1. rate-limit efficiency: ${pagesWanted * 250} sales (~${pagesWanted} pages) at 200 ms latency, sandbox enforcing 30/s + 1000/min`);
  const limited = await startSandbox({ counts: onlySales(pagesWanted * 250), latencyMs: 200, rateLimit: { perSecond: 30, perMinute: 1000 } });
  const concurrent = await runChild(cli, connectorFiles('limited', limited, {}));
  const stats = limited.stats();
  const requests = stats.byPath['/sales'] ?? stats.requests;
  const tooMany = stats.status['429'] ?? 0;
  const bound = requests / 30;
  rows.push(['1', 'wall time, concurrent (default max_concurrency 8)', `${fmt(concurrent.seconds)} s`, `bound ${fmt(bound)} s (${requests} requests ÷ 30/s) → ${fmt(concurrent.seconds / bound, 2)}× (target ≤ 1.3×)`]);
  rows.push(['1', '429 responses', `${tooMany} of ${requests + tooMany}`, `${fmt((100 * tooMany) / Math.max(1, requests + tooMany), 2)} % (target < 1 %)`]);
  rows.push(['1', 'server-observed peak', `${stats.maxPerSecond}/s, ${stats.maxPerMinute}/min`, 'limits 30/s, 1000/min']);
  if (concurrent.code !== 0 || concurrent.records !== pagesWanted * 250) throw new Error(`rate-limited read failed: exit ${concurrent.code}, ${concurrent.records} records`);
  if (process.env.BENCH_SKIP_SEQUENTIAL !== '1') {
    limited.resetStats();
    const sequential = await runChild(cli, connectorFiles('sequential', limited, { max_concurrency: 1 }));
    rows.push(['1', 'wall time, one page at a time (max_concurrency 1)', `${fmt(sequential.seconds)} s`, `concurrent is ${fmt(sequential.seconds / concurrent.seconds, 1)}× faster`]);
  }
  await limited.close();

  // 2 + 3. Throughput and memory.
  out(`2. throughput: ${recordsWanted} sales, no latency, no server limit, connector limits raised (building the dataset takes a few seconds)`);
  const fast = await startSandbox({ counts: onlySales(recordsWanted), rateLimit: false });
  const bare = await runChild(bareLoop, [fast.baseUrl, 'sandbox-key', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z']);
  const connector = await runChild(cli, connectorFiles('fast', fast, { requests_per_second: 1000, requests_per_minute: 60000 }));
  await fast.close();
  if (connector.records !== recordsWanted || bare.lines !== recordsWanted) {
    throw new Error(`throughput runs incomplete: connector ${connector.records}, bare loop ${bare.lines} of ${recordsWanted}`);
  }
  const connectorRate = connector.records / connector.seconds;
  const bareRate = bare.lines / bare.seconds;
  rows.push(['2', 'connector throughput', `${Math.round(connectorRate)} records/s`, `${fmt(connector.seconds)} s for ${connector.records} records`]);
  rows.push(['2', 'bare fetch + JSON.stringify loop', `${Math.round(bareRate)} records/s`, `${fmt(bare.seconds)} s`]);
  rows.push(['2', 'connector ÷ bare loop', fmt(connectorRate / bareRate, 2), 'target ≥ 0.7']);
  rows.push(['3', 'connector peak RSS during (2)', `${fmt(connector.peakRssMb, 0)} MB`, `target ≤ 150 MB (bare loop: ${fmt(bare.peakRssMb, 0)} MB)`]);

  const specTimes: number[] = [];
  for (let i = 0; i < 7; i++) specTimes.push((await runChild(cli, ['spec'])).seconds);
  specTimes.sort((a, b) => a - b);
  rows.push(['3', '`spec` start-up (median of 7)', `${fmt((specTimes[3] as number) * 1000, 0)} ms`, 'target ≤ 300 ms']);
}
