/**
 * The write section of `npm run bench` (a benchmark, not a test): destination-hyros against the
 * bundled sandbox enforcing Hyros' 30/s + 1000/min, run as its bin with Airbyte messages on stdin.
 *   W1. BENCH_WRITE_ORDERS (default 3000) orders, write_confirmation accepted: wall vs the rate-limit
 *       bound (the earliest time both windows allow N requests), 429s, duplicates in Hyros;
 *   W2. BENCH_PROCESSED_ORDERS (default 1000) orders, write_confirmation processed, Hyros taking
 *       BENCH_PROCESSING_MS (default 10 000) per write: wall vs the bound of the writes alone and of
 *       writes + status polls, polls per write;
 *   W3. peak RSS of a BENCH_DRY_RUN_RECORDS (default 100 000) record dry run.
 * Run alone with `node dist/scripts/bench-write.js`; BENCH_WRITE_SECTIONS=W1,W3 runs only those,
 * BENCH_JSON and BENCH_CONNECTOR as for scripts/bench.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox, type Sandbox } from '../integration_tests/sandbox/server.js';
import { connectorRoot, record, writeFigures } from './bench-lib.js';

const bin = join(connectorRoot, 'dist', 'src', 'destination', 'main.js');
const sectionsWanted = new Set((process.env.BENCH_WRITE_SECTIONS ?? 'W1,W2,W3').split(',').map((s) => s.trim()));
const work = mkdtempSync(join(tmpdir(), 'destination-hyros-bench-'));
const ordersWanted = Number(process.env.BENCH_WRITE_ORDERS ?? 3000);
const processedWanted = Number(process.env.BENCH_PROCESSED_ORDERS ?? 1000);
const dryRunRecords = Number(process.env.BENCH_DRY_RUN_RECORDS ?? 100_000);
/** How long the sandbox keeps a write PENDING in W2: Hyros documents ~10 s for creates. */
const processingMs = Number(process.env.BENCH_PROCESSING_MS ?? 10_000);
const T0 = Date.parse('2026-02-01T00:00:00Z');

/** The earliest time (s) at which the n-th request may start under both sliding windows. */
export function rateLimitBoundSeconds(n: number, perSecond = 30, perMinute = 1000): number {
  const starts: number[] = [];
  for (let k = 0; k < n; k++) {
    const bySecond = k >= perSecond ? (starts[k - perSecond] as number) + 1000 : 0;
    const byMinute = k >= perMinute ? (starts[k - perMinute] as number) + 60_000 : 0;
    starts.push(Math.max(bySecond, byMinute));
  }
  return (starts[n - 1] ?? 0) / 1000;
}

/** The i-th order as an Airbyte RECORD line (a STATE after every 100). */
function* inputLines(n: number, prefix: string): Generator<string> {
  for (let i = 0; i < n; i++) {
    const data = { email: `bench${i}@example.com`, sale_id: `${prefix}-${i}`, amount: (10 + (i % 50)).toFixed(2), currency: 'USD', occurred_at: new Date(T0 + i * 1000).toISOString(), product: `Product ${i % 20}` };
    yield JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data, emitted_at: 1 } });
    if ((i + 1) % 100 === 0 || i === n - 1) {
      yield JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { i: i + 1 } }, sourceStats: { recordCount: (i % 100) + 1 } } });
    }
  }
}

interface WriteFigures {
  seconds: number;
  states: number;
  peakRssMb: number;
  code: number | null;
  lastLog: string;
}

/** Runs the bin's `write`, feeding stdin with backpressure, sampling its peak RSS. */
function runWrite(config: Record<string, unknown>, n: number, prefix: string, args: string[] = []): Promise<WriteFigures> {
  const configPath = join(work, `${prefix}-config.json`);
  const catalogPath = join(work, `${prefix}-catalog.json`);
  writeFileSync(configPath, JSON.stringify(config));
  writeFileSync(catalogPath, JSON.stringify({ streams: [{ stream: { name: 'orders', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append_dedup' }] }));
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(bin, ['write', '--config', configPath, '--catalog', catalogPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    let states = 0;
    let peakKb = 0;
    let lastLog = '';
    const sampler = setInterval(() => {
      try {
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      } catch {
        // exited
      }
    }, 50);
    let tail = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (tail + chunk).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('{"type":"STATE"')) states++;
        else if (line.includes('"level":"INFO"') || line.includes('"type":"TRACE"')) lastLog = line;
      }
    });
    const lines = inputLines(n, prefix);
    const feed = (): void => {
      for (let next = lines.next(); !next.done; next = lines.next()) {
        if (!child.stdin.write(`${next.value}\n`)) {
          child.stdin.once('drain', feed);
          return;
        }
      }
      child.stdin.end();
    };
    child.stdin.on('error', () => undefined);
    feed();
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      resolvePromise({ seconds: Number(process.hrtime.bigint() - started) / 1e9, states, peakRssMb: peakKb / 1024, code, lastLog });
    });
  });
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
/** `wall ÷ bound`, or n/a for inputs small enough to fit one burst (bound 0). */
const ratio = (wall: number, bound: number, digits: number) => (bound > 0 ? `${fmt(wall / bound, digits)}×` : 'n/a');

export async function benchWrite(out: (text: string) => void): Promise<string[][]> {
  const rows: string[][] = [];
  const expectedStates = (n: number) => Math.ceil(n / 100);
  const run = async (sandbox: Sandbox, n: number, prefix: string, extra: Record<string, unknown>, args: string[] = []) => {
    const figures = await runWrite({ api_key: 'sandbox-key', base_url: sandbox.baseUrl, ...extra }, n, prefix, args);
    if (figures.code !== 0 || (args.length === 0 && figures.states !== expectedStates(n))) {
      throw new Error(`write ${prefix} failed: exit ${figures.code}, ${figures.states} states; ${figures.lastLog}`);
    }
    return figures;
  };

  if (sectionsWanted.has('W1')) {
    out(`W1. write: ${ordersWanted} orders, sandbox enforcing 30/s + 1000/min, 50 ms latency, write_confirmation accepted`);
    const limited = await startSandbox({ latencyMs: 50, processingDelayMs: 1000 });
    const accepted = await run(limited, ordersWanted, 'acc', {});
    await limited.settle();
    const stats = limited.stats();
    const writes = stats.byPath['POST /orders'] ?? 0;
    const bound = rateLimitBoundSeconds(ordersWanted);
    rows.push(['W1', 'wall time', `${fmt(accepted.seconds)} s`, `bound ${fmt(bound)} s (${ordersWanted} requests at 30/s + 1000/min) → ${ratio(accepted.seconds, bound, 3)} (target ≤ 1.1×)`]);
    rows.push(['W1', '429 responses', `${stats.status['429'] ?? 0} of ${writes}`, 'target 0']);
    rows.push(['W1', 'duplicates in Hyros', String(limited.duplicates().length), `must be 0 (${limited.writes().length} writes accepted)`]);
    rows.push(['W1', 'peak RSS of the destination', `${fmt(accepted.peakRssMb, 0)} MB`, 'target ≤ 150 MB']);
    record('W1 wall ÷ bound', accepted.seconds / bound);
    record('W1 429 responses', stats.status['429'] ?? 0);
    record('W1 peak RSS MB', accepted.peakRssMb);
    await limited.close();
  }

  if (sectionsWanted.has('W2')) {
    out(`W2. write: ${processedWanted} orders, write_confirmation processed (Hyros processes a write in ${processingMs / 1000} s)`);
    const confirming = await startSandbox({ latencyMs: 50, processingDelayMs: processingMs });
    const processed = await run(confirming, processedWanted, 'proc', { write_confirmation: 'processed' });
    const pstats = confirming.stats();
    const polls = pstats.byPath['GET /requests'] ?? 0;
    const total = (pstats.byPath['POST /orders'] ?? 0) + polls;
    const writeBound = rateLimitBoundSeconds(processedWanted);
    const totalBound = rateLimitBoundSeconds(total);
    rows.push(['W2', 'wall time', `${fmt(processed.seconds)} s`, `${ratio(processed.seconds, writeBound, 2)} the writes' bound ${fmt(writeBound)} s; ${ratio(processed.seconds, totalBound, 3)} the bound of writes + polls (${total} requests: ${fmt(totalBound)} s)`]);
    rows.push(['W2', 'status polls per write', fmt(polls / processedWanted, 2), `${polls} polls, ${pstats.status['429'] ?? 0} answered 429`]);
    record('W2 wall ÷ bound of writes + polls', processed.seconds / totalBound);
    record('W2 status polls per write', polls / processedWanted);
    await confirming.close();
  }

  if (sectionsWanted.has('W3')) {
    out(`W3. dry run: ${dryRunRecords} records on stdin (nothing sent)`);
    const idle = await startSandbox();
    const dry = await run(idle, dryRunRecords, 'dry', {}, ['--dry-run']);
    rows.push(['W3', 'peak RSS, dry run', `${fmt(dry.peakRssMb, 0)} MB`, `${fmt(dry.seconds)} s for ${dryRunRecords} records (${Math.round(dryRunRecords / dry.seconds)} records/s); target ≤ 150 MB; ${idle.stats().requests} requests`]);
    record('W3 dry run peak RSS MB', dry.peakRssMb);
    await idle.close();
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  try {
    const rows = await benchWrite(out);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] as string).length)));
    out('');
    for (const row of rows) out(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
    writeFigures();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
