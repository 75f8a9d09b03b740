/**
 * `npm run bench`: performance figures of the connector against the bundled sandbox (a benchmark,
 * not a test). Sections (each a function below; add one to SECTIONS to measure something new):
 *   1. rate limit under network jitter: 62 500 sales (250 pages) with 200 ms ± 50 % latency, the
 *      sandbox counting 30/s + 1000/min at ARRIVAL (after the jittered way in): wall time vs the
 *      bound (ideal pages ÷ 30/s), 429s, requests vs the pages the data needs; the same read one page
 *      at a time, for the ratio;
 *   2. throughput: 300 000 sales with no latency and limits raised: records/s of the connector
 *      (started as `npx source-hyros` and the image start it: the bin; and as `node dist/src/source/main.js`)
 *      vs a bare loop (fetch, parse, wrap each record in a RECORD message, print), with the
 *      connector's peak RSS; `spec` start-up time;
 *   4. change passes: the requests that catching later changes costs (scripts/bench-changes.ts);
 *   5–8. the conditions of real accounts: the minute limit, uneven days, a real network, an agency
 *      key reading 20 client accounts (scripts/bench-conditions.ts).
 * Sections 1 and 5–8 repeat BENCH_RUNS times (default 3), section 2 BENCH_CPU_RUNS times (default 5,
 * bare loop and connector alternated); each prints every run plus the median and spread.
 * Options (env): BENCH_PAGES (250), BENCH_RECORDS (300000), BENCH_RUNS (3), BENCH_CPU_RUNS (5),
 * BENCH_JITTER (0.5), BENCH_MINUTE_LIMIT (250), BENCH_MINUTE_PAGES (600), BENCH_UNEVEN_SALES (125000),
 * BENCH_NETWORK_SALES (62500), BENCH_SKIP_SEQUENTIAL=1,
 * BENCH_AGENCY_ACCOUNTS (20), BENCH_AGENCY_SALES (4000 per account),
 * BENCH_SECTIONS=1,2,4,5,6,7,8 (which sections to run; BENCH_ONLY=4 = only section 4),
 * BENCH_JSON=<file> (each run's figures, for scripts/bench-compare.ts), BENCH_CONNECTOR=<checkout>.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../integration_tests/sandbox/server.js';
import { benchChangePasses } from './bench-changes.js';
import { agencySection, minuteSection, networkSection, unevenSection } from './bench-conditions.js';
import { bareLoop, cli, connectorFiles, fmt, limitedRun, median, onlySales, out, PAGE, record, runChild, spread, writeFigures, type Launch } from './bench-lib.js';

const work = mkdtempSync(join(tmpdir(), 'source-hyros-bench-'));
const pagesWanted = Number(process.env.BENCH_PAGES ?? 250);
const recordsWanted = Number(process.env.BENCH_RECORDS ?? 300_000);
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const cpuRuns = Math.max(1, Number(process.env.BENCH_CPU_RUNS ?? 5));
const jitter = Number(process.env.BENCH_JITTER ?? 0.5);
const sectionsWanted = new Set((process.env.BENCH_ONLY ?? process.env.BENCH_SECTIONS ?? '1,2,4,5,6,7,8').split(',').map((s) => s.trim()));
const rows: string[][] = [];

async function rateLimitSection(): Promise<void> {
  const sales = pagesWanted * PAGE;
  const idealPages = Math.ceil(sales / PAGE);
  const bound = idealPages / 30;
  out(`1. rate limit under jitter: ${sales} sales (${idealPages} pages) at 200 ms ± ${fmt(jitter * 100, 0)} % latency, sandbox counting 30/s + 1000/min at arrival; ${runs} run(s)`);
  const limited = await startSandbox({ counts: onlySales(sales), latencyMs: 200, latencyJitter: jitter, rateLimit: { perSecond: 30, perMinute: 1000 } });
  const walls: number[] = [];
  const tooManyAll: number[] = [];
  const requestsAll: number[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      // Each run starts with the server's windows empty (a fresh sync), not inside the last run's second.
      const { run: concurrent, stats, tooMany, requests } = await limitedRun(limited, work, 'limited', {});
      if (concurrent.code !== 0 || concurrent.records !== sales) throw new Error(`rate-limited read failed: exit ${concurrent.code}, ${concurrent.records} records`);
      walls.push(concurrent.seconds);
      tooManyAll.push(tooMany);
      requestsAll.push(requests);
      record('1 wall ÷ bound', concurrent.seconds / bound);
      record('1 429 responses', tooMany);
      record('1 requests ÷ pages', requests / idealPages);
      rows.push([
        '1',
        `run ${run}: wall, 429s, requests, server peak`,
        `${fmt(concurrent.seconds)} s → ${fmt(concurrent.seconds / bound, 2)}×`,
        `${tooMany} × 429, ${requests} requests (${fmt(requests / idealPages, 3)}× ${idealPages} pages), peak ${stats.maxPerSecond}/s`,
      ]);
    }
    rows.push(['1', 'wall ÷ bound (default config: max_concurrency 15)', spread(walls.map((w) => w / bound), 2, '×'), `bound ${fmt(bound, 2)} s (${idealPages} pages ÷ 30/s); target ≤ 1.1×`]);
    rows.push(['1', '429 responses', spread(tooManyAll, 0), 'target 0']);
    rows.push(['1', 'requests ÷ pages the data needs', spread(requestsAll.map((r) => r / idealPages), 3, '×'), 'target ≤ 1.05×']);
    if (process.env.BENCH_SKIP_SEQUENTIAL !== '1') {
      const { run: sequential } = await limitedRun(limited, work, 'sequential', { max_concurrency: 1 });
      rows.push(['1', 'wall, one page at a time (max_concurrency 1)', `${fmt(sequential.seconds)} s`, `concurrent is ${fmt(sequential.seconds / median(walls), 1)}× faster`]);
    }
  } finally {
    await limited.close();
  }
}

async function throughputSection(): Promise<void> {
  out(`2. throughput: ${recordsWanted} sales, no latency, no server limit, connector limits raised; ${cpuRuns} run(s), alternated (building the dataset takes a few seconds)`);
  const fast = await startSandbox({ counts: onlySales(recordsWanted), rateLimit: false });
  const launches: Array<[string, Launch]> = [
    ['bin (as npx and the image start it)', { bin: cli }],
    ['node dist/src/source/main.js', { script: cli }],
  ];
  const bareRates: number[] = [];
  const rates = new Map<string, number[]>(launches.map(([name]) => [name, []]));
  const peaks = new Map<string, number[]>(launches.map(([name]) => [name, []]));
  try {
    for (let run = 1; run <= cpuRuns; run++) {
      const bare = await runChild({ script: bareLoop }, [fast.baseUrl, 'sandbox-key', '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z']);
      if (bare.lines !== recordsWanted) throw new Error(`bare loop incomplete: ${bare.lines} of ${recordsWanted}`);
      const bareRate = bare.lines / bare.seconds;
      bareRates.push(bareRate);
      for (const [name, launch] of launches) {
        const connector = await runChild(launch, connectorFiles(work, 'fast', fast.baseUrl, { requests_per_second: 1000, requests_per_minute: 60000 }));
        if (connector.records !== recordsWanted) throw new Error(`connector run incomplete: ${connector.records} of ${recordsWanted}`);
        const rate = connector.records / connector.seconds;
        (rates.get(name) as number[]).push(rate / bareRate);
        (peaks.get(name) as number[]).push(connector.peakRssMb);
        record(`2 connector ÷ bare loop, ${name}`, rate / bareRate, false);
        record(`3 peak RSS MB, ${name}`, connector.peakRssMb);
        rows.push(['2', `run ${run}: ${name}`, `${Math.round(rate)} records/s`, `${fmt(rate / bareRate, 2)}× the bare loop (${Math.round(bareRate)}/s), peak RSS ${fmt(connector.peakRssMb, 0)} MB`]);
      }
    }
  } finally {
    await fast.close();
  }
  for (const [name] of launches) {
    rows.push(['2', `connector ÷ bare loop, ${name}`, spread(rates.get(name) as number[], 2, '×'), 'target ≥ 0.9×']);
    rows.push(['3', `peak RSS, ${name}`, spread(peaks.get(name) as number[], 0, ' MB'), 'target ≤ 120 MB']);
  }
  rows.push(['2', 'bare loop (fetch, parse, RECORD message per record, print)', spread(bareRates, 0, ' records/s'), '']);

  const specTimes: number[] = [];
  for (let i = 0; i < 7; i++) specTimes.push((await runChild({ bin: cli }, ['spec'])).seconds);
  record('3 spec start-up ms', median(specTimes) * 1000);
  rows.push(['3', '`spec` start-up (median of 7)', `${fmt(median(specTimes) * 1000, 0)} ms`, 'target ≤ 300 ms']);
}

async function changePassSection(): Promise<void> {
  out('4. change passes: a daily incremental run on 60 days, 60 000 sales, 20 000 leads, 3 000 subscriptions');
  rows.push(...(await benchChangePasses(cli, work)));
}

const SECTIONS: Array<[string, () => Promise<void>]> = [
  ['1', rateLimitSection],
  ['2', throughputSection],
  ['4', changePassSection],
  ['5', () => minuteSection({ work, runs, rows })],
  ['6', () => unevenSection({ work, runs, rows })],
  ['7', () => networkSection({ work, runs, rows })],
  ['8', () => agencySection({ work, runs, rows })],
];

try {
  for (const [id, section] of SECTIONS) if (sectionsWanted.has(id)) await section();
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
  out('');
  for (const row of rows) out(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
  writeFigures();
} finally {
  rmSync(work, { recursive: true, force: true });
}
